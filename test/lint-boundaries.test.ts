/**
 * The module boundaries in eslint.config.mjs catch a planted violation. ESLint loads its flat config
 * with import(), which jest's module system does not run, so the linting happens in a child node.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..');

const script = `
import { ESLint } from 'eslint';
const eslint = new ESLint({ cwd: process.cwd() });
const { code, files } = JSON.parse(process.argv[1]);
const found = {};
for (const file of files) {
  const [result] = await eslint.lintText(code, { filePath: file });
  found[file] = result.messages.map((m) => m.line + ' ' + m.ruleId);
}
process.stdout.write(JSON.stringify(found));
`;

function lint(code: string, files: string[]): Record<string, string[]> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify({ code, files })], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string[]>;
}

const planted = [
  "import { S3Client } from '@aws-sdk/client-s3';",
  "import type { Output } from '../ui/output';",
  "import { renderTable } from '../ui/output';",
  "import { startDynalite } from '../dev/dynamodb';",
  "export const used = async (out: Output) => [out, S3Client, renderTable, startDynalite, await import('@aws-sdk/client-sts')];",
].join('\n');

describe('module boundaries (eslint.config.mjs)', () => {
  it('keeps the SDK in adapters, ui values out of engines and dev out of deploy', () => {
    const found = lint(planted, ['src/lib/deploy/planted.ts', 'src/lib/deploy/aws.ts', 'src/lib/waf/render.ts', 'src/commands/planted.ts', 'functions/planted.ts']);
    expect(found['src/lib/deploy/planted.ts']).toEqual([
      '1 @typescript-eslint/no-restricted-imports', // SDK value outside an adapter
      '3 @typescript-eslint/no-restricted-imports', // ui value in an engine (line 2, a type import, is fine)
      '4 no-restricted-imports', // deploy importing dev
      '5 no-restricted-syntax', // SDK loaded on demand outside an adapter
    ]);
    // An adapter may use the SDK, but is still an engine file in deploy.
    expect(found['src/lib/deploy/aws.ts']).toEqual(['3 @typescript-eslint/no-restricted-imports', '4 no-restricted-imports']);
    // A renderer may use the ui's values; deploy's dev rule does not reach waf.
    expect(found['src/lib/waf/render.ts']).toEqual(['1 @typescript-eslint/no-restricted-imports', '5 no-restricted-syntax']);
    expect(found['src/commands/planted.ts']).toEqual(['1 @typescript-eslint/no-restricted-imports', '5 no-restricted-syntax']);
    expect(found['functions/planted.ts']).toEqual([]);
  });
});
