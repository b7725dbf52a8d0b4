import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadCatalog } from '../../../src/lib/stacks/catalog';
import { auditCatalog, auditTemplates, resourceAtLine } from '../../../src/lib/compliance/static';
import { fingerprint, formatPath, parsePath } from '../../../src/lib/compliance/suppressions';
import type { Catalog } from '../../../src/lib/stacks/catalog';
import { parseTemplate, type LoadedTemplate } from '../../../src/lib/templates/load';
import { auditFragments, NOW, stack } from './helpers';

const catalogOf = (name: string): Catalog => ({ file: 'stacks.yaml', root: '.', stacks: { [name]: stack(`${name}.yaml`) }, artifacts: {} });
const open = <T extends { suppressed?: unknown }>(findings: T[]): T[] => findings.filter((f) => !f.suppressed);

describe('suppressions', () => {
  const bucket = (metadata: string) => `Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n${metadata}`;
  const suppress = (entry: string) => `    Metadata:\n      cafe-ops:\n        suppress:\n${entry}`;
  const REASON = 'The access-log destination; logging it to itself would loop.';

  it('marks a finding suppressed with its reason and where it is written, keeps it in the findings, and records the suppression as used', () => {
    const yaml = bucket(suppress(`          - rule: S3.9\n            path: Type\n            reason: ${REASON}\n`));
    const templates = new Map([['main', parseTemplate(yaml, 'main.yaml')]]);
    const result = auditTemplates(catalogOf('main'), templates, { only: ['S3.9', 'Suppression.Reason'], now: NOW });
    expect(result.findings).toEqual([expect.objectContaining({ rule: 'S3.9', logicalId: 'Logs', path: 'Type', suppressed: { reason: REASON, file: 'main.yaml', line: 9 } })]);
    expect(result.suppressions).toEqual([expect.objectContaining({ rule: 'S3.9', target: 'path Type', logicalId: 'Logs', line: 9, used: 1 })]);
  });

  it('accepts the control id and the `id:` spelling', () => {
    const yaml = bucket(suppress(`          - id: S3.9\n            path: Type\n            reason: ${REASON}\n`));
    expect(open(auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] }).findings)).toEqual([]);
  });

  it('does not honour a suppression without a reason, and reports it', () => {
    const yaml = bucket(suppress('          - rule: S3.9\n            path: Type\n            reason: ok\n'));
    const { findings } = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] });
    expect(open(findings).map((f) => [f.rule, f.line])).toEqual([
      ['S3.9', 3],
      ['Suppression.Reason', 9],
    ]);
    expect(findings.find((f) => f.rule === 'Suppression.Reason')!.message).toMatch(/S3.9 has no reason/);
  });

  it('refuses a blanket suppression (a rule and a reason, no target): it suppresses nothing and is itself a finding', () => {
    const yaml = bucket(suppress(`          - rule: S3.9\n            reason: ${REASON}\n`));
    const { findings } = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] });
    expect(open(findings).map((f) => f.rule)).toEqual(['S3.9', 'Suppression.Reason']);
    expect(findings.find((f) => f.rule === 'Suppression.Reason')!.message).toMatch(/names no target, so it would waive every S3.9 finding here, present and future: add path:/);
  });

  it('refuses a path that is not a key path', () => {
    const yaml = bucket(suppress(`          - rule: S3.9\n            path: 'Properties..Logging[x]'\n            reason: ${REASON}\n`));
    const { findings } = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] });
    expect(open(findings).find((f) => f.rule === 'Suppression.Reason')).toMatchObject({ line: 10, message: expect.stringMatching(/is not a key path/) });
  });

  it('reports a suppression of an unknown rule', () => {
    const yaml = bucket(suppress('          - rule: S3.99\n            path: Type\n            reason: A typo in the rule id must not go unnoticed.\n'));
    const { findings } = auditFragments({ main: { yaml } }, { only: ['Suppression.Reason'] });
    expect(findings.map((f) => f.message)).toEqual(['suppression names unknown rule S3.99']);
  });

  it('reports a suppression that matches no finding, once its rule has run', () => {
    const yaml = bucket(`${suppress(`          - rule: S3.9\n            path: Properties.LoggingConfiguration\n            reason: ${REASON}\n`)}    Properties:\n      LoggingConfiguration: { DestinationBucketName: other, LogFilePrefix: logs/ }\n`);
    const withRule = auditFragments({ main: { yaml } }, { only: ['S3.9', 'Suppression.Reason'] }).findings;
    expect(withRule.map((f) => [f.rule, f.line, f.message])).toEqual([['Suppression.Reason', 9, 'suppression of S3.9 (path Properties.LoggingConfiguration) matches no finding: remove it, or correct its path or sid']]);
    // With --rule Suppression.Reason alone, S3.9 did not run: its suppressions cannot be judged.
    expect(auditFragments({ main: { yaml } }, { only: ['Suppression.Reason'] }).findings).toEqual([]);
  });

  describe('on a policy statement', () => {
    const ENI = "{ Sid: VpcNetworkInterfaces, Effect: Allow, Action: [ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces], Resource: '*' }";
    const role = (statements: string[], target: string) =>
      `Resources:\n  FunctionRole:\n    Type: AWS::IAM::Role\n    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: IAM.21\n${target}            reason: Lambda creates the network interfaces itself; their ids are not known in advance.\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: least-privilege\n          PolicyDocument:\n            Statement:\n${statements.map((s) => `              - ${s}\n`).join('')}`;
    const audit = (yaml: string) => auditFragments({ main: { yaml } }, { only: ['IAM.21', 'Suppression.Reason'] }).findings;
    const fingerprintOf = (statement: string) => audit(role([statement], '            sid: Nothing\n')).find((f) => f.rule === 'IAM.21')!.fingerprint!;

    it('covers the statement it names by Sid, and reports a dynamodb:* on * added to the same role', () => {
      const before = audit(role([ENI], '            sid: VpcNetworkInterfaces\n'));
      expect(before.map((f) => [f.rule, f.path, f.suppressed ? 'suppressed' : 'open'])).toEqual([['IAM.21', 'Properties.Policies[0].PolicyDocument.Statement[0]', 'suppressed']]);
      const after = audit(role([ENI, "{ Sid: Tables, Effect: Allow, Action: 'dynamodb:*', Resource: '*' }"], '            sid: VpcNetworkInterfaces\n'));
      expect(open(after)).toEqual([expect.objectContaining({ rule: 'IAM.21', logicalId: 'FunctionRole', path: 'Properties.Policies[0].PolicyDocument.Statement[1]', message: 'FunctionRole grants wildcard actions dynamodb:* on Resource "*"', line: 17 })]);
      expect(after.filter((f) => f.suppressed).map((f) => f.path)).toEqual(['Properties.Policies[0].PolicyDocument.Statement[0]']);
    });

    it('covers the statement it names by path', () => {
      const findings = audit(role([ENI, "{ Effect: Allow, Action: 'dynamodb:*', Resource: '*' }"], '            path: Properties.Policies[0].PolicyDocument.Statement[0]\n'));
      expect(findings.map((f) => [f.path, f.suppressed ? 'suppressed' : 'open'])).toEqual([
        ['Properties.Policies[0].PolicyDocument.Statement[0]', 'suppressed'],
        ['Properties.Policies[0].PolicyDocument.Statement[1]', 'open'],
      ]);
    });

    it('with a fingerprint, stops covering the statement once it is edited (dynamodb:* slipped into it) and says so', () => {
      const print = fingerprintOf(ENI);
      expect(print).toMatch(/^[0-9a-f]{12}$/);
      const target = `            sid: VpcNetworkInterfaces\n            fingerprint: ${print}\n`;
      expect(open(audit(role([ENI], target)))).toEqual([]);
      const edited = ENI.replace('ec2:DescribeNetworkInterfaces]', "ec2:DescribeNetworkInterfaces, 'dynamodb:*']");
      const findings = open(audit(role([edited], target)));
      expect(findings.map((f) => f.rule).sort()).toEqual(['IAM.21', 'Suppression.Reason']);
      expect(findings.find((f) => f.rule === 'Suppression.Reason')!.message).toBe(
        `suppression of IAM.21 (sid VpcNetworkInterfaces) was written for fingerprint ${print}, but what it covers has changed (now ${fingerprintOf(edited)}): review the change, then update the fingerprint`,
      );
    });

    it('keeps the fingerprint when only the layout or the key order of the statement changes', () => {
      const reordered = "{ Resource: '*', Effect: Allow, Sid: VpcNetworkInterfaces,\n                  Action: [ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces] }";
      expect(fingerprintOf(reordered)).toBe(fingerprintOf(ENI));
    });
  });

  it('refuses the older keys that waived a whole rule on a resource (iam-wildcard-reason, rotation-reason)', () => {
    const yaml =
      "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Metadata:\n      cafe-ops:\n        iam-wildcard-reason: X-Ray supports no resource-level permissions.\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - { Effect: Allow, Action: xray:PutTraceSegments, Resource: '*' }\n";
    const findings = auditFragments({ main: { yaml } }, { only: ['IAM.21', 'Suppression.Reason'] }).findings;
    expect(open(findings).map((f) => [f.rule, f.line])).toEqual([
      ['Suppression.Reason', 6],
      ['IAM.21', 13],
    ]);
    expect(findings.find((f) => f.rule === 'Suppression.Reason')!.message).toMatch(/^iam-wildcard-reason waives every IAM.21 finding of the resource, present and future: replace it with suppress entries/);
  });

  it('applies a template-level suppression to stack-level findings, at the path it names', () => {
    const yaml =
      'Metadata:\n  cafe-ops:\n    suppress:\n      - rule: Resilience.CrossRegion\n        path: Resources\n        reason: Cognito has no cross-region replication; sign-in is documented as primary-only.\nResources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n';
    const { findings } = auditFragments({ main: { yaml, spec: stack('main.yaml', ['primary']) } }, { only: ['Resilience.CrossRegion'] });
    expect(findings).toEqual([expect.objectContaining({ rule: 'Resilience.CrossRegion', line: 7, path: 'Resources', suppressed: expect.objectContaining({ reason: expect.stringMatching(/^Cognito/) }) })]);
  });
});

describe('key paths', () => {
  it('reads and writes the form suppressions use', () => {
    expect(parsePath('Properties.Policies[0].PolicyDocument.Statement[12]')).toEqual(['Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 12]);
    expect(formatPath(['Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 12])).toBe('Properties.Policies[0].PolicyDocument.Statement[12]');
    expect(parsePath('Metadata.cafe-ops.suppress[0]')).toEqual(['Metadata', 'cafe-ops', 'suppress', 0]);
    for (const bad of ['', 'a..b', 'a[x]', 'a[0', '.a', 'a b']) expect([bad, parsePath(bad)]).toEqual([bad, undefined]);
  });

  it('fingerprints content, not layout', () => {
    expect(fingerprint({ a: 1, b: [1, { c: 'x' }] })).toBe(fingerprint({ b: [1, { c: 'x' }], a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
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
    expect(result.templates).toHaveLength(12);
    expect(open(result.findings).map((f) => `${f.rule} ${f.file} ${f.logicalId ?? '(stack)'}`)).toEqual([]);
    // The public routes, the primary-only user pool and the log buckets are among the reasoned exceptions.
    const suppressed = result.findings.filter((f) => f.suppressed).map((f) => `${f.rule} ${f.logicalId ?? '(stack)'}`);
    expect(suppressed).toEqual(expect.arrayContaining(['APIGateway.8 HealthGetMethod', 'Resilience.CrossRegion (stack)', 'S3.9 AccessLogsBucket']));
    for (const f of result.findings.filter((x) => x.suppressed)) expect(f.suppressed!.reason.length).toBeGreaterThanOrEqual(10);
    expect(result.suppressions.filter((s) => s.used === 0)).toEqual([]);
    // Every suppression names what it covers; IAM.21 ones name a statement and its reviewed content.
    expect(result.suppressions.filter((s) => !/^(sid|path) /.test(s.target))).toEqual([]);
    expect(result.suppressions.filter((s) => s.rule === 'IAM.21' && !(s.target.startsWith('sid ') && s.fingerprint))).toEqual([]);
  }, 60_000);

  it('report a dynamodb:* on * added to a function role that already has suppressions', async () => {
    const catalog = await loadCatalog('templates/stacks.yaml');
    const text = readFileSync('templates/app.yaml', 'utf8');
    const anchor = '              - Sid: Tracing\n';
    const at = text.indexOf(anchor, text.indexOf('  MenuRole:'));
    expect(at).toBeGreaterThan(0);
    const planted = `${text.slice(0, at)}              - Sid: Tables\n                Effect: Allow\n                Action: 'dynamodb:*'\n                Resource: '*'\n${text.slice(at)}`;
    const templates = new Map<string, LoadedTemplate>();
    for (const [name, spec] of Object.entries(catalog.stacks)) {
      const file = `templates/${spec.template}`;
      templates.set(name, parseTemplate(file === 'templates/app.yaml' ? planted : readFileSync(file, 'utf8'), file));
    }
    const result = auditTemplates(catalog, templates, { now: NOW });
    expect(open(result.findings).map((f) => `${f.rule} ${f.logicalId} ${f.path} ${f.message}`)).toEqual([
      'IAM.WriteAccess MenuRole Properties.Policies[0].PolicyDocument.Statement[3] MenuRole allows writes on every resource: dynamodb:*',
      'IAM.21 MenuRole Properties.Policies[0].PolicyDocument.Statement[3] MenuRole grants wildcard actions dynamodb:* on Resource "*"',
    ]);
    // The role's reviewed statements stay suppressed, each by its own entry.
    expect(result.findings.filter((f) => f.logicalId === 'MenuRole' && f.suppressed).map((f) => f.path)).toEqual([
      'Properties.Policies[0].PolicyDocument.Statement[2]',
      'Properties.Policies[0].PolicyDocument.Statement[4]',
    ]);
  }, 60_000);
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
    const result = await auditCatalog(catalog, { cfnLintCommand: fake, cfnLintCache: false, only: ['S3.9'], now: NOW });
    expect(result.cfnLint).toBe('ran');
    expect(result.findings.filter((f) => f.source === 'cfn-lint').map((f) => [f.rule, f.severity, f.line, f.logicalId])).toEqual([
      ['E6001', 'high', 8, undefined],
      ['W3005', 'low', 5, 'Topic'],
    ]);
    const missing = await auditCatalog(catalog, { cfnLintCommand: join(dir, 'no-such-tool'), cfnLintCache: false, only: ['S3.9'], now: NOW });
    expect(missing.cfnLint).toBe('not installed');
  });

  it('caches cfn-lint results by template content: an unchanged template is not linted again, an edited one is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-cache-'));
    const cache = join(dir, 'cache');
    writeFileSync(join(dir, 'a.yaml'), 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    writeFileSync(join(dir, 'b.yaml'), 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
    writeFileSync(join(dir, 'stacks.yaml'), 'stacks:\n  a:\n    template: a.yaml\n    regions: [primary, secondary]\n  b:\n    template: b.yaml\n    regions: [primary, secondary]\n');
    const calls = join(dir, 'calls');
    const fake = join(dir, 'fake-cfn-lint');
    // Records the files of each run, and reports one warning on line 3 of each file it is given.
    writeFileSync(
      fake,
      `#!/bin/sh\necho "$@" >> '${calls}'\nout=''\nfor f in "$@"; do case "$f" in --*|json) ;; *) out="$out\${out:+,}{\\"Level\\":\\"Warning\\",\\"Message\\":\\"w\\",\\"Rule\\":{\\"Id\\":\\"W3005\\"},\\"Filename\\":\\"$f\\",\\"Location\\":{\\"Start\\":{\\"LineNumber\\":3},\\"Path\\":[\\"Resources\\"]}}";; esac; done\necho "[$out]"\nexit 4\n`,
    );
    chmodSync(fake, 0o755);
    const catalog = await loadCatalog(join(dir, 'stacks.yaml'));
    const run = () => auditCatalog(catalog, { cfnLintCommand: fake, cfnLintCache: cache, only: ['S3.9'], now: NOW });
    const lines = () => readFileSync(calls, 'utf8').trim().split('\n');
    const first = await run();
    expect(first.cfnLintFiles).toEqual({ linted: 2, cached: 0 });
    const second = await run();
    expect(second.cfnLintFiles).toEqual({ linted: 0, cached: 2 });
    expect(second.findings.map((f) => [f.rule, f.file, f.line])).toEqual(first.findings.map((f) => [f.rule, f.file, f.line]));
    expect(second.findings).toHaveLength(2);
    expect(lines()).toHaveLength(2); // the fake's --version, and one lint run
    expect(readdirSync(cache)).toHaveLength(2);
    writeFileSync(join(dir, 'b.yaml'), 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: {}\n');
    const third = await run();
    expect(third.cfnLintFiles).toEqual({ linted: 1, cached: 1 });
    expect(lines().pop()).toMatch(/--format json .*b\.yaml$/);
  });

  it('says so in one line when cfn-lint fails without reporting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-broken-'));
    writeFileSync(join(dir, 'main.yaml'), 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    writeFileSync(join(dir, 'stacks.yaml'), 'stacks:\n  main:\n    template: main.yaml\n    regions: [primary, secondary]\n');
    const fake = join(dir, 'broken-cfn-lint');
    writeFileSync(fake, '#!/bin/sh\necho "Traceback (most recent call last):" >&2\necho "ModuleNotFoundError: No module named cfnlint" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const catalog = await loadCatalog(join(dir, 'stacks.yaml'));
    await expect(auditCatalog(catalog, { cfnLintCommand: fake, cfnLintCache: false, only: ['S3.9'], now: NOW })).rejects.toMatchObject({
      name: 'UserError',
      message: 'cfn-lint failed: ModuleNotFoundError: No module named cfnlint',
      hint: 'run cfn-lint on the templates to see why, or pass --no-cfn-lint',
    });
  });

  it('finds the resource a line belongs to', () => {
    const t = parseTemplate('Parameters:\n  P: { Type: String }\nResources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SQS::Queue\nOutputs:\n  O: { Value: x }\n', 't.yaml');
    expect([2, 4, 5, 7, 9].map((line) => resourceAtLine(t, line))).toEqual([undefined, 'A', 'A', 'B', undefined]);
  });
});
