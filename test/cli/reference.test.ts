import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interfaces } from '@oclif/core';
import { commandReference } from '../../src/lib/cli/reference';
import { sourceManifest } from '../support/manifest';

const root = join(__dirname, '../..');
let fromSources: Interfaces.Manifest;

beforeAll(async () => {
  fromSources = await sourceManifest();
}, 120_000);

describe('generated from the commands', () => {
  it('the oclif manifest of the build matches the commands in src/ (run `npm run build` when not)', () => {
    const path = join(root, 'oclif.manifest.json');
    expect(existsSync(path)).toBe(true);
    const built = JSON.parse(readFileSync(path, 'utf8')) as Interfaces.Manifest;
    expect(Object.keys(built.commands).sort()).toEqual(Object.keys(fromSources.commands).sort());
    expect(built).toEqual(fromSources);
    for (const command of Object.values(built.commands)) {
      expect(existsSync(join(root, ...(command as { relativePath: string[] }).relativePath))).toBe(true);
    }
  });

  it('docs/commands.md is the reference of the commands as they are (run `npm run docs:commands` when not)', () => {
    const reference = commandReference(fromSources);
    expect(readFileSync(join(root, 'docs/commands.md'), 'utf8')).toBe(reference);
    for (const id of Object.keys(fromSources.commands)) expect(reference).toContain(`## \`cafe-ops ${id.replaceAll(':', ' ')}\``);
    expect(reference).toContain('| `--dry-run` |');
  });
});
