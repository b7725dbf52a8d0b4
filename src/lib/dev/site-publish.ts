/**
 * Publishing the storefront for deploy: build site/ (the same build `cafe-ops dev` serves), add the
 * config.json made from the stack outputs, upload every file to the site bucket with its content
 * type and caching, then invalidate CloudFront so people get the new pages.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { AwsClients } from '../aws/clients';
import type { Output } from '../ui/output';
import { buildSite } from './site-build';
import type { SiteConfig } from './site-config';

export interface SiteObject {
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** The two calls publishing needs. */
export interface SitePublishPort {
  put(object: SiteObject): Promise<void>;
  /** Returns the invalidation id. */
  invalidate(paths: string[]): Promise<string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Pages and config must be revalidated at once; scripts and styles may be cached briefly (names are not hashed). */
export function cacheControlFor(key: string): string {
  return key.endsWith('.html') || key === 'config.json' ? 'no-cache' : 'public, max-age=300';
}

export interface PublishResult {
  files: { key: string; bytes: number }[];
  javascriptBytes: number;
  invalidationId: string;
}

export async function publishSite(options: { siteRoot: string; config: SiteConfig }, port: SitePublishPort, out: Output): Promise<PublishResult> {
  const outdir = await mkdtemp(join(tmpdir(), 'cafe-site-'));
  try {
    const site = await buildSite({ root: options.siteRoot, outdir });
    const files = site.files();
    await site.dispose();
    const objects: SiteObject[] = [];
    for (const file of files) {
      objects.push({ key: file.path, body: await readFile(join(outdir, file.path)), contentType: TYPES[extname(file.path)] ?? 'application/octet-stream', cacheControl: cacheControlFor(file.path) });
    }
    objects.push({ key: 'config.json', body: Buffer.from(JSON.stringify(options.config, null, 2)), contentType: TYPES['.json']!, cacheControl: cacheControlFor('config.json') });
    for (const object of objects) {
      await port.put(object);
      out.progress(`site: uploaded ${object.key} (${object.body.length} bytes)`);
    }
    const invalidationId = await port.invalidate(['/*']);
    out.progress(`site: CloudFront invalidation ${invalidationId} started`);
    return {
      files: objects.map((o) => ({ key: o.key, bytes: o.body.length })),
      javascriptBytes: files.filter((f) => f.path.endsWith('.js')).reduce((sum, f) => sum + f.bytes, 0),
      invalidationId,
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The port over S3 (site bucket, edge region) and CloudFront. */
export async function awsSitePublishPort(clients: AwsClients, region: string, bucket: string, distributionId: string): Promise<SitePublishPort> {
  const [s3sdk, cfsdk] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-cloudfront')]);
  const s3 = await clients.s3(region);
  const cloudfront = await clients.cloudFront();
  return {
    put: async (object) => {
      await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.contentType, CacheControl: object.cacheControl }));
    },
    invalidate: async (paths) => {
      const result = await cloudfront.send(
        new cfsdk.CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: { CallerReference: `cafe-ops-${Date.now()}`, Paths: { Quantity: paths.length, Items: paths } },
        }),
      );
      return result.Invalidation?.Id ?? 'unknown';
    },
  };
}
