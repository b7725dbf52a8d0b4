/**
 * The hook port over the AWS SDK: synchronous Lambda invocation, and publishing the storefront to
 * its bucket. The site upload is incremental: a manifest object in the bucket records each file's
 * SHA-256, so a deploy uploads only changed files, deletes removed ones, and invalidates only the
 * paths that changed (or everything, past a handful).
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { buildSite, contentType } from '../site/build';
import type { AwsClients } from '../aws/clients';
import { sha256 } from './artifacts';
import { siteConfigFromValues, type SiteConfig } from '../site/config';
import type { BlocklistSweepResult, HookPort, SitePublishResult } from './hooks';
import type { ResolvedEnvironment } from '../config/load';
import type { Role } from '../stacks/catalog';
import { sweepAfterDeploy } from '../waf/service';

/** The WAF blocklist of one place after its stack deployed: expired ranges out, reset ones back (src/lib/waf). */
async function sweepBlocklist(clients: AwsClients, env: ResolvedEnvironment, place: Role): Promise<BlocklistSweepResult> {
  try {
    const result = await sweepAfterDeploy(env, clients, [place]);
    if (!result.ok) return { ok: false, detail: result.problems.join('; ') || 'a place could not be reached' };
    const expired = result.expired.length ? `; expired and removed: ${result.expired.join(', ')}` : '';
    return { ok: true, detail: `${result.entries.length} range${result.entries.length === 1 ? '' : 's'} blocked${expired}` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message.split('\n')[0]! };
  }
}

export const SITE_MANIFEST_KEY = '.cafe-ops/site-manifest.json';
/** Beyond this many changed paths one wildcard invalidation is cheaper than listing them. */
const MAX_INVALIDATION_PATHS = 10;


export interface SiteFile {
  key: string;
  body: Buffer;
}

/** Files of a built site directory, with `config.json` (the deployed API and sign-in settings) added. */
export async function siteFiles(dir: string, config: SiteConfig): Promise<SiteFile[]> {
  const files: SiteFile[] = [];
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && !entry.name.endsWith('.map')) files.push({ key: relative(dir, full).split(sep).join('/'), body: await readFile(full) });
    }
  };
  await walk(dir);
  const withoutConfig = files.filter((f) => f.key !== 'config.json');
  withoutConfig.push({ key: 'config.json', body: Buffer.from(`${JSON.stringify(config, null, 2)}\n`) });
  return withoutConfig.sort((a, b) => a.key.localeCompare(b.key));
}

/** Builds the storefront (the same esbuild build `cafe-ops dev` serves) into a temporary folder. */
export async function buildStorefront(siteRoot: string): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), 'cafe-site-'));
  const site = await buildSite({ root: siteRoot, outdir });
  await site.dispose();
  return outdir;
}

/** Pages and config are revalidated on every visit; other assets are cached for an hour. */
export function cacheControl(key: string): string {
  return key.endsWith('.html') || key === 'config.json' ? 'no-cache' : 'public, max-age=3600';
}


export function awsHookPort(clients: AwsClients, buildSite: () => Promise<string>, env?: ResolvedEnvironment): HookPort {
  return {
    ...(env ? { sweepBlocklist: (place: Role) => sweepBlocklist(clients, env, place) } : {}),
    invoke: async (region, functionName, payload) => {
      const sdk = await import('@aws-sdk/client-lambda');
      const lambda = await clients.lambda(region);
      const response = await lambda.send(
        new sdk.InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
      let result: unknown = text || undefined;
      try {
        result = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      const requestId = response.$metadata.requestId ? { requestId: response.$metadata.requestId } : {};
      if (response.FunctionError) {
        const message = (result as { errorMessage?: string } | undefined)?.errorMessage ?? response.FunctionError;
        return { ...requestId, error: message };
      }
      return { ...requestId, result };
    },
    publishSite: async ({ region, bucket, distributionId, config }): Promise<SitePublishResult> => {
      const s3sdk = await import('@aws-sdk/client-s3');
      const s3 = await clients.s3(region);
      const files = await siteFiles(await buildSite(), siteConfigFromValues(config));
      let previous: Record<string, string> = {};
      try {
        const object = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: SITE_MANIFEST_KEY }));
        previous = JSON.parse((await object.Body?.transformToString()) ?? '{}') as Record<string, string>;
      } catch (error) {
        if ((error as Error).name !== 'NoSuchKey' && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
      }
      const manifest = Object.fromEntries(files.map((f) => [f.key, sha256(f.body)]));
      const changed = files.filter((f) => previous[f.key] !== manifest[f.key]);
      for (const file of changed) {
        await s3.send(
          new s3sdk.PutObjectCommand({
            Bucket: bucket,
            Key: file.key,
            Body: file.body,
            ContentType: contentType(file.key),
            CacheControl: cacheControl(file.key),
          }),
        );
      }
      const deleted = Object.keys(previous).filter((key) => !(key in manifest));
      if (deleted.length > 0) {
        await s3.send(new s3sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: deleted.map((Key) => ({ Key })), Quiet: true } }));
      }
      await s3.send(
        new s3sdk.PutObjectCommand({ Bucket: bucket, Key: SITE_MANIFEST_KEY, Body: JSON.stringify(manifest), ContentType: 'application/json', CacheControl: 'no-cache' }),
      );
      const paths = [...changed.map((f) => f.key), ...deleted].map((key) => `/${key}`);
      if (paths.includes('/index.html')) paths.push('/');
      let invalidationId: string | undefined;
      if (paths.length > 0) {
        const cfsdk = await import('@aws-sdk/client-cloudfront');
        const cloudFront = await clients.cloudFront();
        const items = paths.length > MAX_INVALIDATION_PATHS ? ['/*'] : paths;
        const answer = await cloudFront.send(
          new cfsdk.CreateInvalidationCommand({
            DistributionId: distributionId,
            InvalidationBatch: { CallerReference: `cafe-ops-${sha256(JSON.stringify(manifest)).slice(0, 16)}`, Paths: { Quantity: items.length, Items: items } },
          }),
        );
        invalidationId = answer.Invalidation?.Id;
      }
      return { uploaded: changed.map((f) => f.key), unchanged: files.length - changed.length, deleted, ...(invalidationId ? { invalidationId } : {}) };
    },
  };
}
