import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CFN_LINT_ARGS, parseCfnLintOutput, runCfnLint } from '../../../src/lib/templates/cfn-lint';

/** What cfn-lint 1.51 prints with --format json for an unknown property (trimmed of the fields nothing reads). */
const REPORT = [
  {
    Filename: 'templates/t.yaml',
    Level: 'Error',
    Location: { End: { ColumnNumber: 21, LineNumber: 6 }, Path: ['Resources', 'Topic', 'Properties', 'NoSuchProperty'], Start: { ColumnNumber: 7, LineNumber: 6 } },
    Message: "Additional properties are not allowed ('NoSuchProperty' was unexpected)",
    Rule: { Id: 'E3002', ShortDescription: 'Resource properties are invalid' },
  },
  { Filename: 'templates/t.yaml', Level: 'Warning', Location: { Start: { ColumnNumber: 3, LineNumber: 9 }, Path: [] }, Message: 'Parameter Unused not used.', Rule: { Id: 'W2001' } },
  { Filename: 'templates/u.yaml', Level: 'Informational', Location: { Start: { ColumnNumber: 3, LineNumber: 2 } }, Message: 'note', Rule: { Id: 'I3011' } },
];

function fakeCfnLint(script: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cafe-cfn-lint-')), 'cfn-lint');
  writeFileSync(file, `#!${process.execPath}\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('cfn-lint output', () => {
  it('maps each match to file, line, level, rule, message and the key path when there is one', () => {
    expect(parseCfnLintOutput(JSON.stringify(REPORT, null, 4))).toEqual([
      { file: 'templates/t.yaml', line: 6, level: 'error', rule: 'E3002', message: "Additional properties are not allowed ('NoSuchProperty' was unexpected)", path: ['Resources', 'Topic', 'Properties', 'NoSuchProperty'] },
      { file: 'templates/t.yaml', line: 9, level: 'warning', rule: 'W2001', message: 'Parameter Unused not used.' },
      { file: 'templates/u.yaml', line: 2, level: 'warning', rule: 'I3011', message: 'note' },
    ]);
    expect(parseCfnLintOutput('')).toEqual([]);
    expect(parseCfnLintOutput('[]\n')).toEqual([]);
  });

  it('refuses output that is not its JSON report, in one line', () => {
    expect(() => parseCfnLintOutput('E0000 Template needs to be an object')).toThrow(expect.objectContaining({ code: 'CFN_LINT', exitCode: 3, message: expect.stringMatching(/^cfn-lint printed something other than its JSON report/) }));
    expect(() => parseCfnLintOutput('{"Level": "Error"}')).toThrow(/not a list/);
  });
});

describe('running cfn-lint', () => {
  it('passes --format json and the files, and reads the report of a run that exits non-zero because it found something', async () => {
    const fake = fakeCfnLint(`process.stdout.write(JSON.stringify([{ Filename: process.argv.slice(2).join(' '), Level: 'Error', Message: 'm', Rule: { Id: 'E1' }, Location: { Start: { LineNumber: 3 } } }])); process.exit(2);`);
    expect(await runCfnLint(fake, ['a.yaml', 'b.yaml'])).toEqual([{ file: [...CFN_LINT_ARGS, 'a.yaml', 'b.yaml'].join(' '), line: 3, level: 'error', rule: 'E1', message: 'm' }]);
  });

  it('is undefined when the command does not exist, and an error in one line when it fails without a report', async () => {
    expect(await runCfnLint(join(tmpdir(), 'no-such-cfn-lint'), ['a.yaml'])).toBeUndefined();
    const broken = fakeCfnLint(`process.stderr.write('Traceback (most recent call last):\\nModuleNotFoundError: No module named cfnlint\\n'); process.exit(1);`);
    await expect(runCfnLint(broken, ['a.yaml'])).rejects.toMatchObject({ code: 'CFN_LINT', message: 'cfn-lint failed: ModuleNotFoundError: No module named cfnlint' });
  });
});
