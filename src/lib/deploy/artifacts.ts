/**
 * Builds the catalog's artifacts: Lambda bundles (esbuild → deterministic zip) and plain files,
 * under content-hash keys, so unchanged code uploads nothing (s3ArtifactPort in ./aws publishes them).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { UserError } from '../errors';
import type { Catalog } from '../stacks/catalog';
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
    const body = await deterministicZip({ 'index.js': code });
    return { key: `functions/${name}/${sha256(body)}.zip`, body, contentType: 'application/zip' };
  }
  const body = await readFile(resolve(catalog.root, '..', spec.file));
  return { key: `files/${name}/${sha256(body)}-${basename(spec.file)}`, body, contentType: 'application/octet-stream' };
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
