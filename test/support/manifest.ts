import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Interfaces } from '@oclif/core';

const root = join(__dirname, '../..');

/**
 * The oclif manifest of the commands as they are in src/, with the paths the build gives them
 * (dist/commands/*.js): what `npm run build` (`oclif manifest`) must have written.
 */
export async function sourceManifest(): Promise<Interfaces.Manifest> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), join(__dirname, 'source-manifest.js')], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 90_000,
  });
  const manifest = JSON.parse(stdout) as Interfaces.Manifest;
  for (const command of Object.values(manifest.commands)) {
    const path = (command as { relativePath?: string[] }).relativePath;
    if (path?.[0] === 'src') (command as { relativePath?: string[] }).relativePath = ['dist', ...path.slice(1, -1), path.at(-1)!.replace(/\.ts$/, '.js')];
  }
  return manifest;
}
