import { cli } from '../support/cli';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


describe('cafe-ops audit compliance (command)', () => {
  it('audits the real catalog: --json is the report, --fail-on sets the exit code, --out writes SARIF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-'));
    const out = join(dir, 'reports/compliance.sarif');
    // A one-stack catalog with a bucket that has none of the safeguards, to see --fail-on fail.
    writeFileSync(join(dir, 'bare.yaml'), 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n');
    writeFileSync(join(dir, 'stacks.yaml'), 'stacks:\n  bare:\n    template: bare.yaml\n    regions: [primary, secondary]\n');
    const [json, sarif, table, bare] = await Promise.all([
      cli(['audit', 'compliance', '--json', '--no-cfn-lint']),
      cli(['audit', 'compliance', '--no-cfn-lint', '--format', 'sarif', '--out', out, '--fail-on', 'never']),
      cli(['audit', 'compliance', '--no-cfn-lint', '--rule', 'S3.5', '--rule', 'KMS.4']),
      cli(['audit', 'compliance', '--json', '--no-cfn-lint', '--catalog', join(dir, 'stacks.yaml'), '--fail-on', 'medium']),
    ]);
    const report = JSON.parse(json.stdout);
    expect(json.code).toBe(0);
    expect(report.failed).toBe(false);
    expect(report.static).toEqual({ templates: expect.arrayContaining(['templates/app.yaml']), rules: expect.any(Number), cfnLint: 'off' });
    expect(report.findings.filter((f: { suppressed?: unknown }) => !f.suppressed)).toEqual([]);
    expect(report.suppressions.length).toBeGreaterThan(10);

    const bareReport = JSON.parse(bare.stdout);
    expect(bare.code).toBe(1);
    expect(bareReport.failed).toBe(true);
    expect(bareReport.findings.find((f: { rule: string }) => f.rule === 'S3.5')).toMatchObject({ logicalId: 'Bucket', line: 3, path: 'Type' });

    expect(sarif.code).toBe(0);
    expect(sarif.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'cafe-ops' } } }] });

    expect(table.code).toBe(0);
    expect(table.stdout.trim().split('\n').pop()).toBe('0 findings, 0 suppressed [12 templates, 2 rules] — pass (--fail-on high)');
  }, 120_000);

  it('answers user mistakes with one line and a non-zero exit', async () => {
    const [noEnv, badRule, nothing] = await Promise.all([
      cli(['audit', 'compliance', '--live', '--no-cfn-lint']),
      cli(['audit', 'compliance', '--rule', 'S3.99', '--no-cfn-lint']),
      cli(['audit', 'compliance', '--no-static']),
    ]);
    expect([noEnv.code, noEnv.stderr.trim()]).toEqual([2, 'Error: choose an environment with --env (one of: staging, production)']);
    expect(badRule.code).toBe(2);
    expect(badRule.stderr).toMatch(/^Error: --rule S3.99: no such rule\n {2}hint: /);
    expect(nothing.stderr.split('\n')[0]).toBe('Error: nothing to audit: --no-static without --live');
    for (const r of [noEnv, badRule, nothing]) expect(r.stderr).not.toMatch(/\s+at /);
  }, 120_000);
});
