/**
 * Builds and publishes the catalog's artifacts: Lambda bundles (esbuild → deterministic zip) and
 * plain files, under content-hash keys, so unchanged code uploads nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { AwsClients } from '../aws/clients';
import { UserError } from '../errors';
import type { Catalog } from '../stacks/catalog';
import type { ArtifactPort } from './ports';
import { deterministicZip } from './zip';

export interface BuiltArtifact {
  key: string;
  body: Buffer;
  contentType: string;
}

/** Bundles one Lambda entry point: minified, tree-shaken CommonJS for Node.js 22. */
export async function bundleFunction(entry: string): Promise<Buffer> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    // pg's optional native binding is never used in Lambda, and the Node.js 22 runtime ships the AWS SDK v3.
    external: ['pg-native', '@aws-sdk/*'],
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

export async function buildArtifact(catalog: Catalog, name: string): Promise<BuiltArtifact> {
  const spec = catalog.artifacts[name];
  if (!spec) throw new UserError(`unknown artifact "${name}"`);
  if ('bundle' in spec) {
    const code = await bundleFunction(resolve(catalog.root, '..', spec.bundle));
    const body = deterministicZip({ 'index.js': code });
    return { key: `functions/${name}/${sha256(body)}.zip`, body, contentType: 'application/zip' };
  }
  const body = await readFile(resolve(catalog.root, '..', spec.file));
  return { key: `files/${name}/${sha256(body)}-${basename(spec.file)}`, body, contentType: 'application/octet-stream' };
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Publishes artifacts to S3, building each once per run and skipping objects that exist. */
export function s3ArtifactPort(catalog: Catalog, clients: AwsClients, onUpload?: (key: string, region: string, uploaded: boolean) => void): ArtifactPort {
  const built = new Map<string, Promise<BuiltArtifact>>();
  const build = (name: string) => {
    if (!built.has(name)) built.set(name, buildArtifact(catalog, name));
    return built.get(name)!;
  };
  const put = async (region: string, bucket: string, key: string, body: Buffer, contentType: string) => {
    const s3sdk = await import('@aws-sdk/client-s3');
    const s3 = await clients.s3(region);
    try {
      await s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      onUpload?.(key, region, false);
      return;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404 && (error as Error).name !== 'NotFound') throw error;
    }
    // No encryption header: the bucket's default encryption applies (the bootstrap stack's own KMS key).
    // `x-amz-server-side-encryption: aws:kms` without a key id would use the AWS managed aws/s3 key
    // instead: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id),
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html ("If a PUT Object request does not specify any server-side encryption, this default encryption will be applied")
    await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    onUpload?.(key, region, true);
  };
  return {
    publish: async (name, region, bucket) => {
      const artifact = await build(name);
      await put(region, bucket, artifact.key, artifact.body, artifact.contentType);
      return artifact.key;
    },
    publishTemplate: async (body, region, bucket) => {
      const key = `templates/${sha256(body)}.yaml`;
      await put(region, bucket, key, Buffer.from(body), 'text/yaml');
      const host = region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${region}.amazonaws.com`;
      return clients.settings.endpointUrl ? `${clients.settings.endpointUrl}/${bucket}/${key}` : `https://${host}/${bucket}/${key}`;
    },
  };
}
