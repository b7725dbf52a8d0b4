import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../../src/lib/aws/clients';
import { runComplianceAudit, type ComplianceAuditOptions } from '../../../src/lib/compliance/service';
import type { RegionPorts } from '../../../src/lib/compliance/live/ports';
import { createMemoryOutput } from '../../support/memory-output';
import { NOW } from './helpers';

const noAws = () => {
  throw new Error('no AWS call expected');
};

/** Every catalog stack deployed and in sync, Config recording with one failing rule, a logging trail. */
function ports(project = 'cafe', env = 'staging'): (region: string) => Promise<RegionPorts> {
  const names = ['bootstrap', 'security', 'network', 'identity', 'data', 'app', 'edge', 'observability', 'ci'].map((s) => `${project}-${env}-${s}`);
  return async (region) => ({
    stacks: {
      listStacks: async () => names.map((name) => ({ name, status: 'UPDATE_COMPLETE' })),
      detectDrift: async (stack) => stack,
      driftStatus: async () => ({ status: 'DETECTION_COMPLETE', stackDriftStatus: 'IN_SYNC' }),
      resourceDrifts: async () => [],
    },
    config: {
      recorders: async () => [{ name: 'default', recording: true }],
      ruleCompliance: async () => [{ name: 'restricted-ssh', compliance: region === 'eu-west-1' ? 'NON_COMPLIANT' : 'COMPLIANT' }],
      nonCompliantResources: async (rule) => [{ rule, resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0abc', annotation: 'Port 22 open to 0.0.0.0/0' }],
      conformancePacks: async () => [],
    },
    trails: {
      trails: async () => [{ name: 'cafe-staging', arn: 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/cafe-staging', homeRegion: 'eu-west-1', multiRegion: true }],
      status: async () => ({ isLogging: true }),
    },
  });
}

const base: ComplianceAuditOptions = {
  catalogFile: 'templates/stacks.yaml',
  configFile: 'cafe-ops.yml',
  staticAudit: true,
  live: false,
  cfnLint: false,
  failOn: 'high',
  format: 'table',
  now: NOW,
};

describe('runComplianceAudit', () => {
  it('runs the templates and the live environment into one report, with the live status for people', async () => {
    const memory = createMemoryOutput();
    const report = await runComplianceAudit({ ...base, live: true, envName: 'staging', failOn: 'critical', only: ['S3.9'] }, memory.output, noAws, { ports: ports(), pollMs: 0 });
    expect(report.environment).toBe('staging');
    expect(report.live!.regions).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
    expect(report.live!.stacks.filter((s) => s.state === 'deployed')).toHaveLength(15);
    expect(report.live!.stacks.every((s) => s.state !== 'deployed' || s.drift === 'IN_SYNC')).toBe(true);
    // Everything else of the account is extra in us-east-1 (only edge runs there).
    expect(report.findings.filter((f) => f.source !== 'template').map((f) => `${f.rule} ${f.region}`)).toEqual(expect.arrayContaining(['restricted-ssh eu-west-1', 'Deployment.Extra us-east-1']));
    expect(report.findings.filter((f) => f.source === 'template').map((f) => `${f.rule} ${f.logicalId}`)).toEqual(['S3.9 AccessLogsBucket', 'S3.9 LogBucket', 'S3.9 AccessLogsBucket']);
    expect(report.failed).toBe(false);
    const text = memory.text();
    expect(text).toContain('LIVE staging (eu-west-1, eu-central-1, us-east-1)');
    expect(text).toMatch(/eu-west-1 +cafe-staging-data +deployed +UPDATE_COMPLETE +IN_SYNC/);
    expect(text).toMatch(/eu-west-1 +1 +1 +- +cafe-staging: yes/);
  });

  it('writes the chosen format to --out and prints nothing else on stdout', async () => {
    const memory = createMemoryOutput();
    const out = join(mkdtempSync(join(tmpdir(), 'cafe-audit-')), 'pr/comment.md');
    await runComplianceAudit({ ...base, format: 'markdown', outFile: out, only: ['SecretsManager.1'], showSuppressed: true }, memory.output, noAws);
    // The Aurora secrets rotate (the rotation stack's schedules); only the third party's API key is suppressed.
    expect(readFileSync(out, 'utf8')).toContain('| SecretsManager.1 | `templates/security.yaml:202` | PaymentApiKeySecret | `Type` |');
    expect(readFileSync(out, 'utf8')).not.toContain('DbSecret');
    expect(readFileSync(out, 'utf8')).toContain('| SecretsManager.1 | 1 | 1 |');
    expect(memory.lines.filter((l) => l.kind === 'info')).toEqual([]);
    expect(memory.lines.map((l) => l.text)).toContain(`wrote markdown report to ${out}`);
  });

  it('gives SARIF the version of cafe-ops, and the rule documentation of the repository under GitHub Actions', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cafe-audit-')), 'compliance.sarif');
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/cafe', GITHUB_SHA: 'abc123' };
    await runComplianceAudit({ ...base, format: 'sarif', outFile: out, only: ['S3.9'], envName: 'staging', env }, createMemoryOutput().output, noAws);
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0];
    expect(run.tool.driver.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(run.tool.driver.informationUri).toBe('https://github.com/acme/cafe/blob/abc123/docs/compliance.md');
    expect(run.automationDetails.id).toMatch(/^cafe-ops\/compliance\/staging\//);
    // The three access-log destinations, each suppressed in source with its reason.
    expect(run.results.filter((r: { suppressions?: { kind: string }[] }) => r.suppressions?.[0]?.kind === 'inSource')).toHaveLength(3);
  });

  it('checks the secondary capacity of every environment of the config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-'));
    writeFileSync(join(dir, 'cafe-ops.yml'), readFileSync('cafe-ops.yml', 'utf8').replace('secondaryAuroraMinCapacity: 0.5', 'secondaryAuroraMinCapacity: 0'));
    const report = await runComplianceAudit({ ...base, configFile: join(dir, 'cafe-ops.yml'), only: ['Resilience.CrossRegion'] }, createMemoryOutput().output, noAws);
    expect(report.findings.filter((f) => f.source === 'catalog').map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `templates/stacks.yaml:${readFileSync('templates/stacks.yaml', 'utf8').split('\n').findIndex((l) => l.includes('AuroraMinCapacity:')) + 1} stack data: AuroraMinCapacity is 0 in the secondary region (staging): the standby has no capacity to fail over to`,
    ]);
  });

  it('refuses what it cannot do with one clear line', async () => {
    const out = createMemoryOutput().output;
    await expect(runComplianceAudit({ ...base, live: true }, out, noAws)).rejects.toThrow('choose an environment with --env (one of: staging, production)');
    await expect(runComplianceAudit({ ...base, live: true, envName: 'staging', region: 'ap-south-1' }, out, noAws)).rejects.toThrow(
      '--region ap-south-1 is not a region of environment staging (eu-west-1, eu-central-1, edge us-east-1)',
    );
    await expect(runComplianceAudit({ ...base, configFile: 'nope.yml', live: true, envName: 'staging' }, out, noAws)).rejects.toThrow('config file not found: nope.yml');
    await expect(runComplianceAudit({ ...base, only: ['Nope.1'] }, out, noAws)).rejects.toThrow('--rule Nope.1: no such rule');
  });

  it('checks the account of the credentials before a live audit', async () => {
    const clients = new AwsClients({ endpointUrl: 'http://127.0.0.1:9' , maxAttempts: 1 });
    await expect(runComplianceAudit({ ...base, staticAudit: false, live: true, envName: 'staging' }, createMemoryOutput().output, () => clients)).rejects.toThrow(/check the AWS account/);
    clients.destroy();
  });
});
