/** `npm run docs:commands`: writes docs/commands.md from the commands in src/ (test/cli/reference.test.ts checks it). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandReference } from '../../src/lib/cli/reference';
import { sourceManifest } from './manifest';

sourceManifest()
  .then((manifest) => writeFileSync(join(__dirname, '../../docs/commands.md'), commandReference(manifest)))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
