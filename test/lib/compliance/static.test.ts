import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadCatalog } from '../../../src/lib/stacks/catalog';
import { auditCatalog, resourceAtLine } from '../../../src/lib/compliance/static';
import { parseTemplate } from '../../../src/lib/templates/load';
import { auditFragments, NOW, stack } from './helpers';

const open = <T extends { suppressed?: unknown }>(findings: T[]): T[] => findings.filter((f) => !f.suppressed);

describe('suppressions', () => {
  const bucket = (metadata: string) => `Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n${metadata}`;

  it('marks a finding suppressed with its reason, keeps it in the findings, and records the suppression as used', () => {
    const yaml = bucket('    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: S3.9\n            reason: The access-log destination; logging it to itself would loop.\n');
    const { findings } = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] });
    expect(findings).toEqual([expect.objectContaining({ rule: 'S3.9', logicalId: 'Logs', suppressed: { reason: 'The access-log destination; logging it to itself would loop.' } })]);
  });

  it('accepts the control id and the `id:` spelling', () => {
    const yaml = bucket('    Metadata:\n      cafe-ops:\n        suppress:\n          - id: S3.9\n            reason: The access-log destination; logging it to itself would loop.\n');
    expect(open(auditFragments({ main: { yaml } }, { only: ['S3.9'] }).findings)).toEqual([]);
  });

  it('does not honour a suppression without a reason, and reports it', () => {
    const yaml = bucket('    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: S3.9\n            reason: ok\n');
    const { findings } = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] });
    expect(open(findings).map((f) => [f.rule, f.line])).toEqual([
      ['S3.9', 3],
      ['Suppression.Reason', 9],
    ]);
    expect(findings.find((f) => f.rule === 'Suppression.Reason')!.message).toMatch(/S3.9 has no reason/);
  });

  it('reports a suppression of an unknown rule', () => {
    const yaml = bucket('    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: S3.99\n            reason: A typo in the rule id must not go unnoticed.\n');
    const { findings } = auditFragments({ main: { yaml } }, { only: ['Suppression.Reason'] });
    expect(findings.map((f) => f.message)).toEqual(['suppression names unknown rule S3.99']);
  });

  it('reads iam-wildcard-reason as a suppression of IAM.21 and reports an empty one', () => {
    const role = (reason: string) =>
      `Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Metadata:\n      cafe-ops:\n        iam-wildcard-reason: ${reason}\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - { Effect: Allow, Action: xray:PutTraceSegments, Resource: '*' }\n`;
    const good = auditFragments({ main: { yaml: role('X-Ray supports no resource-level permissions.') } }, { only: ['IAM.21', 'Suppression.Reason'] }).findings;
    expect(good.map((f) => [f.rule, f.suppressed?.reason])).toEqual([['IAM.21', 'X-Ray supports no resource-level permissions.']]);
    const bad = auditFragments({ main: { yaml: role("''") } }, { only: ['IAM.21', 'Suppression.Reason'] }).findings;
    expect(open(bad).map((f) => f.rule).sort()).toEqual(['IAM.21', 'Suppression.Reason']);
  });

  it('applies a template-level suppression to stack-level findings only', () => {
    const yaml =
      'Metadata:\n  cafe-ops:\n    suppress:\n      - rule: Resilience.CrossRegion\n        reason: Cognito has no cross-region replication; sign-in is documented as primary-only.\nResources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n';
    const { findings } = auditFragments({ main: { yaml, spec: stack('main.yaml', ['primary']) } }, { only: ['Resilience.CrossRegion'] });
    expect(findings).toEqual([expect.objectContaining({ rule: 'Resilience.CrossRegion', line: 6, suppressed: expect.objectContaining({ reason: expect.stringMatching(/^Cognito/) }) })]);
  });
});

describe('cross-region readiness', () => {
  const catalogText = 'stacks:\n  data:\n    template: data.yaml\n    regions: [primary, secondary]\n    parameters:\n      MinCapacity: { primary: 2, secondary: { config: sizes.secondaryMin } }\n';

  it('reports zero secondary capacity from the environment sizes at the catalog line', () => {
    const spec = stack('data.yaml', ['primary', 'secondary'], { MinCapacity: { primary: 2, secondary: { config: 'sizes.secondaryMin' } } });
    const yaml = 'Parameters:\n  MinCapacity: { Type: Number }\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n';
    const { findings } = auditFragments(
      { data: { yaml, spec } },
      { only: ['Resilience.CrossRegion'], catalogText, environments: [{ name: 'staging', sizes: { secondaryMin: 0 } }, { name: 'production', sizes: { secondaryMin: 1 } }] },
    );
    expect(findings.map((f) => [f.file, f.line, f.message])).toEqual([['stacks.yaml', 6, 'stack data: MinCapacity is 0 in the secondary region (staging): the standby has no capacity to fail over to']]);
  });

  it('reports a capacity that an Fn::If sets to zero in one region', () => {
    const yaml = 'Conditions:\n  IsPrimary: !Equals [!Ref AWS::Region, eu-west-1]\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      ReservedConcurrentExecutions: !If [IsPrimary, 10, 0]\n';
    const { findings } = auditFragments({ main: { yaml } }, { only: ['Resilience.CrossRegion'] });
    expect(findings.map((f) => [f.logicalId, f.line])).toEqual([['Fn', 7]]);
  });
});

describe('the real templates', () => {
  it('have no open finding: every exception is a suppression with its reason', async () => {
    const catalog = await loadCatalog('templates/stacks.yaml');
    const result = await auditCatalog(catalog, { cfnLint: false, now: NOW });
    expect(result.templates).toHaveLength(11);
    expect(open(result.findings).map((f) => `${f.rule} ${f.file} ${f.logicalId ?? '(stack)'}`)).toEqual([]);
    // The public routes, the primary-only user pool and the log buckets are among the reasoned exceptions.
    const suppressed = result.findings.filter((f) => f.suppressed).map((f) => `${f.rule} ${f.logicalId ?? '(stack)'}`);
    expect(suppressed).toEqual(expect.arrayContaining(['APIGateway.8 HealthGetMethod', 'Resilience.CrossRegion (stack)', 'S3.9 AccessLogsBucket']));
    for (const f of result.findings.filter((x) => x.suppressed)) expect(f.suppressed!.reason.length).toBeGreaterThanOrEqual(10);
    expect(result.suppressions.filter((s) => s.used === 0)).toEqual([]);
  });
});

describe('cfn-lint merge', () => {
  it('merges cfn-lint findings with severity, line and the logical id of the resource at that line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-'));
    const template = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: t\nOutputs:\n  T:\n    Value: !Ref Topic\n';
    writeFileSync(join(dir, 'main.yaml'), template);
    writeFileSync(join(dir, 'stacks.yaml'), 'stacks:\n  main:\n    template: main.yaml\n    regions: [primary, secondary]\n');
    const fake = join(dir, 'fake-cfn-lint');
    const file = relative(process.cwd(), join(dir, 'main.yaml'));
    const matches = [
      { Level: 'Warning', Message: 'a warning', Rule: { Id: 'W3005' }, Filename: file, Location: { Start: { LineNumber: 5 } } },
      { Level: 'Error', Message: 'an error', Rule: { Id: 'E6001' }, Filename: file, Location: { Start: { LineNumber: 8 } } },
    ];
    writeFileSync(fake, `#!/bin/sh\necho '${JSON.stringify(matches)}'\nexit 2\n`);
    chmodSync(fake, 0o755);
    const catalog = await loadCatalog(join(dir, 'stacks.yaml'));
    const result = await auditCatalog(catalog, { cfnLintCommand: fake, only: ['S3.9'], now: NOW });
    expect(result.cfnLint).toBe('ran');
    expect(result.findings.filter((f) => f.source === 'cfn-lint').map((f) => [f.rule, f.severity, f.line, f.logicalId])).toEqual([
      ['E6001', 'high', 8, undefined],
      ['W3005', 'low', 5, 'Topic'],
    ]);
    const missing = await auditCatalog(catalog, { cfnLintCommand: join(dir, 'no-such-tool'), only: ['S3.9'], now: NOW });
    expect(missing.cfnLint).toBe('not installed');
  });

  it('finds the resource a line belongs to', () => {
    const t = parseTemplate('Parameters:\n  P: { Type: String }\nResources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SQS::Queue\nOutputs:\n  O: { Value: x }\n', 't.yaml');
    expect([2, 4, 5, 7, 9].map((line) => resourceAtLine(t, line))).toEqual([undefined, 'A', 'A', 'B', undefined]);
  });
});
