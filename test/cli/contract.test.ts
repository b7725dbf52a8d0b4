import { cli } from '../support/cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


/** The one JSON document stdout must be under --json, and its error. */
function jsonError(result: { stdout: string }): { code: string; message: string; hint?: string } {
  expect(result.stdout.length).toBeLessThan(1024);
  const document = JSON.parse(result.stdout) as { error: { code: string; message: string; hint?: string } };
  expect(Object.keys(document)).toEqual(['error']);
  return document.error;
}

describe('the CLI contract', () => {
  it('answers parse errors under --json with one small error document and exit 2, as without --json', async () => {
    const [unknownJson, unknown, missingJson, badValueJson] = await Promise.all([
      cli(['audit', 'compliance', '--json', '--bogus']),
      cli(['audit', 'compliance', '--bogus']),
      cli(['waf', 'block', '--json']),
      cli(['audit', 'compliance', '--json', '--format', 'xml']),
    ]);
    expect(unknownJson.code).toBe(2);
    expect(jsonError(unknownJson)).toEqual({ code: 'UNKNOWN_FLAG', message: 'Nonexistent flag: --bogus', hint: expect.any(String) });
    expect(unknownJson.stdout).not.toMatch(/oclif|"parse"/);

    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim().split('\n')[0]).toBe('Error: Nonexistent flag: --bogus');

    expect(missingJson.code).toBe(2);
    expect(jsonError(missingJson)).toMatchObject({ code: 'MISSING_ARGUMENT', message: expect.stringContaining('cidr') });

    expect(badValueJson.code).toBe(2);
    expect(jsonError(badValueJson)).toMatchObject({ code: 'INVALID_FLAG_VALUE', message: expect.stringContaining('--format=xml') });
  }, 120_000);

  it('names a missing required flag', async () => {
    const [json, plain] = await Promise.all([cli(['dev', 'token', '--json']), cli(['dev', 'token'])]);
    expect(json.code).toBe(2);
    expect(jsonError(json)).toMatchObject({ code: 'MISSING_FLAG', message: expect.stringMatching(/^Missing required flag user/) });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^Error: Missing required flag user/m);
  }, 120_000);

  it('answers an unknown command, with and without --json', async () => {
    const [json, plain] = await Promise.all([cli(['deploi', '--json']), cli(['deploi'])]);
    expect(json.code).toBe(2);
    expect(jsonError(json)).toMatchObject({ code: 'UNKNOWN_COMMAND', message: 'unknown command "deploi"', hint: expect.stringContaining('cafe-ops deploy') });
    expect(json.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/^Error: unknown command "deploi"$/m);
  }, 120_000);

  it('refuses conflicting flags through the same error path', async () => {
    const [sarifJson, sarifOut, dryNoExecute, executeReview] = await Promise.all([
      cli(['audit', 'compliance', '--format', 'sarif', '--json', '--no-cfn-lint']),
      cli(['audit', 'compliance', '--format', 'sarif', '--out', join(mkdtempSync(join(tmpdir(), 'cafe-contract-')), 'r.sarif'), '--json', '--no-cfn-lint', '--fail-on', 'never']),
      cli(['deploy', '--env', 'staging', '--dry-run', '--no-execute']),
      cli(['deploy', '--env', 'staging', '--execute', 'review.json', '--review-out', 'r.json', '--json']),
    ]);
    expect(sarifJson.code).toBe(2);
    expect(jsonError(sarifJson)).toMatchObject({ code: 'CONFLICTING_FLAGS', message: expect.stringMatching(/--json.*--format/) });
    // With --out the SARIF goes to the file and --json keeps stdout: no conflict.
    expect(sarifOut.code).toBe(0);
    expect(JSON.parse(sarifOut.stdout)).toHaveProperty('findings');

    expect(dryNoExecute.code).toBe(2);
    expect(dryNoExecute.stdout).toBe('');
    expect(dryNoExecute.stderr).toMatch(/^Error: --no-execute.* cannot also be provided when using --dry-run$/m);

    expect(executeReview.code).toBe(2);
    expect(jsonError(executeReview).code).toBe('CONFLICTING_FLAGS');
  }, 120_000);

  it('turns raw Node errors on a given path or URL into one line naming the flag, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-contract-'));
    const [isDir, isDirJson, badUrl] = await Promise.all([
      cli(['audit', 'compliance', '--no-cfn-lint', '--format', 'sarif', '--out', dir]),
      cli(['audit', 'compliance', '--no-cfn-lint', '--format', 'sarif', '--out', dir, '--json']),
      cli(['status', '--env', 'staging', '--endpoint-url', 'nope', '--json']),
    ]);
    expect(isDir.code).toBe(2);
    expect(isDir.stderr).toContain(`Error: --out: ${dir} is a directory\n`);
    expect(isDir.stderr).not.toMatch(/EISDIR|at .*\.ts:\d+/);
    expect(isDirJson.code).toBe(2);
    expect(jsonError(isDirJson)).toEqual({ code: 'EISDIR', message: `--out: ${dir} is a directory` });

    expect(badUrl.code).toBe(2);
    expect(jsonError(badUrl)).toMatchObject({ code: 'INVALID_URL', message: '--endpoint-url: "nope" is not a valid URL' });
  }, 120_000);

  it('documents the exit codes in every command\'s --help', async () => {
    const helps = await Promise.all([['deploy'], ['audit', 'compliance'], ['waf', 'block']].map((command) => cli([...command, '--help'])));
    for (const help of helps) {
      expect(help.code).toBe(0);
      expect(help.stdout.replaceAll(/\s+/g, ' ')).toMatch(/Exit codes: 0 ok; 1 findings or a failed operation; 2 usage or config .*3 AWS, credentials or environment; 130 interrupted \(Ctrl-C\)/);
    }
  }, 120_000);
});
