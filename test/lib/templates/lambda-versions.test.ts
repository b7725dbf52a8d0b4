/**
 * A warm function's version follows its function: a change of the code or of any setting a version locks
 * publishes a new version and moves the alias (and its provisioned concurrency) to it; nothing else does.
 * A version is "a snapshot of your function code and configuration that doesn't change"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html), and
 * "if $LATEST is identical to a previously published version, you won't be able to create a new version"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html): the fake CloudFormation fails such a
 * Version as AWS does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { deployPlan } from '../../../src/lib/deploy/engine';
import { buildPlan } from '../../../src/lib/deploy/plan';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { parseTemplate } from '../../../src/lib/templates/load';
import { REPLACED_BY, serializeTemplate } from '../../../src/lib/templates/serialize';
import { createMemoryOutput } from '../../support/memory-output';
import { env } from '../deploy/fixtures';
import { FakeClock, FakeCloudFormation } from '../deploy/fake-cloudformation';

const fn = (o: { memory?: number; tags?: string; reserved?: string; extra?: string; role?: string; logs?: string } = {}) => `Parameters:
  CodeKey: { Type: String }
  Level: { Type: String, Default: INFO }
  Warm: { Type: Number, Default: 2 }
  Secret: { Type: String, NoEcho: true, Default: x }
Conditions:
  IsWarm: !Not [!Equals [!Ref Warm, 0]]
  Verbose: !Equals [!Ref Level, DEBUG]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Description: Menu
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: ${o.memory ?? 256}
      Role: !GetAtt Role.Arn
      Code: { S3Bucket: artifacts, S3Key: !Ref CodeKey }
      Environment:
        Variables:
          LOG_LEVEL: !Ref Level
          TRACE: !If [Verbose, 'on', 'off']
          TABLE: !Sub 'cafe-\${AWS::Region}-\${Level}'${o.extra ?? ''}${o.reserved ?? ''}
      Tags: [{ Key: Project, Value: ${o.tags ?? 'cafe'} }]
      LoggingConfig: { LogGroup: !Ref FnLogs, LogFormat: JSON }
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {}, ${o.role ?? 'RoleName: cafe-menu, Policies: [{ PolicyName: p, PolicyDocument: { Statement: [] } }]'} }
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties: { ${o.logs ?? "LogGroupName: !Sub '/aws/lambda/${Level}-menu', RetentionInDays: 30"} }
  FnVersion:
    Type: AWS::Lambda::Version
    Condition: IsWarm
    Metadata:
      cafe-ops: { redeploy-on-change: true }
    Properties:
      FunctionName: !Ref Fn
  FnAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      Name: live
      FunctionVersion: !If [IsWarm, !GetAtt FnVersion.Version, $LATEST]
      ProvisionedConcurrencyConfig: !If [IsWarm, { ProvisionedConcurrentExecutions: !Ref Warm }, !Ref AWS::NoValue]
Outputs:
  Version: { Condition: IsWarm, Value: !GetAtt FnVersion.Version }
`;

const idOf = (source: string, values: Record<string, string> = { CodeKey: 'functions/menu/a.zip' }) => serializeTemplate(source, 'app.yaml', values).renamed.FnVersion!;

describe('Lambda versions named after their function (serialize.ts)', () => {
  it('is deterministic: the same template and values give the same version', () => {
    expect(idOf(fn())).toMatch(/^FnVersion[0-9a-f]{10}$/);
    expect(idOf(fn())).toBe(idOf(fn()));
    // Formatting is not a change: the hash is over canonical JSON.
    expect(idOf(fn().replace('Code: { S3Bucket: artifacts, S3Key: !Ref CodeKey }', 'Code:\n        S3Key: { Ref: CodeKey }\n        S3Bucket: "artifacts"'))).toBe(idOf(fn()));
  });

  it('publishes again for a code change (a new code key) and for a settings-only change', () => {
    const base = idOf(fn());
    expect(idOf(fn(), { CodeKey: 'functions/menu/b.zip' })).not.toBe(base);
    expect(idOf(fn({ memory: 512 }))).not.toBe(base);
    expect(idOf(fn({ extra: '\n          NEW: x' }))).not.toBe(base);
    // A parameter the configuration uses, directly, in Fn::Sub, or through a condition.
    expect(idOf(fn(), { CodeKey: 'functions/menu/a.zip', Level: 'WARN' })).not.toBe(base);
    const viaCondition = fn().replace("          LOG_LEVEL: !Ref Level\n", '').replace("TABLE: !Sub 'cafe-${AWS::Region}-${Level}'", 'TABLE: cafe');
    expect(idOf(viaCondition, { CodeKey: 'functions/menu/a.zip', Level: 'DEBUG' })).not.toBe(idOf(viaCondition));
  });

  it('does not publish for what a version does not keep: tags, reserved concurrency, provisioned concurrency, other parameters', () => {
    const base = idOf(fn());
    expect(idOf(fn({ tags: 'other' }))).toBe(base);
    expect(idOf(fn({ reserved: '\n      ReservedConcurrentExecutions: 5' }))).toBe(base);
    expect(idOf(fn(), { CodeKey: 'functions/menu/a.zip', Warm: '5', Secret: 'y' })).toBe(base);
  });

  it('follows what would replace a resource the function names (a role\'s name, a log group\'s name), not the rest of it', () => {
    const base = idOf(fn());
    expect(idOf(fn({ role: 'RoleName: cafe-menu-2' }))).not.toBe(base);
    expect(idOf(fn({ logs: "LogGroupName: !Sub '/aws/lambda/${Level}-menu-2', RetentionInDays: 30" }))).not.toBe(base);
    // A policy or the retention changes nothing a version holds.
    expect(idOf(fn({ role: 'RoleName: cafe-menu, Policies: [{ PolicyName: p, PolicyDocument: { Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: x }] } }]' }))).toBe(base);
    expect(idOf(fn({ logs: "LogGroupName: !Sub '/aws/lambda/${Level}-menu', RetentionInDays: 90" }))).toBe(base);
  });

  it('lists what replaces a role and a log group as the CloudFormation resource schemas say', () => {
    const db = JSON.parse(gunzipSync(readFileSync(require.resolve('@aws-cdk/aws-service-spec/db.json.gz'))).toString()) as {
      schema: { resource: { entities: { cloudFormationType: string; properties: Record<string, { causesReplacement?: string }> }[] } };
    };
    for (const [type, props] of Object.entries(REPLACED_BY)) {
      const resource = db.schema.resource.entities.find((r) => r.cloudFormationType === type)!;
      const replacing = Object.entries(resource.properties).filter(([, p]) => p.causesReplacement === 'yes').map(([k]) => k).sort();
      expect({ type, props: [...props].sort() }).toEqual({ type, props: replacing });
    }
  });

  it('moves every reference to the new version and stamps the hash on the function, so $LATEST changes with it', () => {
    const { body, renamed } = serializeTemplate(fn(), 'app.yaml', { CodeKey: 'functions/menu/a.zip' });
    const id = renamed.FnVersion!;
    const t = parseTemplate(body, 'app.yaml').template;
    expect(t.Resources.FnVersion).toBeUndefined();
    expect(t.Resources[id]!.Type).toBe('AWS::Lambda::Version');
    expect(t.Resources.FnAlias!.Properties!.FunctionVersion).toEqual({ 'Fn::If': ['IsWarm', { 'Fn::GetAtt': [id, 'Version'] }, '$LATEST'] });
    expect(t.Outputs!.Version!.Value).toEqual({ 'Fn::GetAtt': [id, 'Version'] });
    expect(t.Resources.Fn!.Properties!.Description).toBe(`Menu (version ${id.slice('FnVersion'.length)})`);
    // An intrinsic Description keeps its value, joined with the stamp.
    const sub = serializeTemplate(fn().replace('Description: Menu', "Description: !Sub 'Menu in ${AWS::Region}'"), 'app.yaml', { CodeKey: 'k' });
    expect(parseTemplate(sub.body, 'app.yaml').template.Resources.Fn!.Properties!.Description).toEqual({
      'Fn::Join': ['', [{ 'Fn::Sub': 'Menu in ${AWS::Region}' }, ` (version ${sub.renamed.FnVersion!.slice('FnVersion'.length)})`]],
    });
  });

  it('refuses what it cannot hash safely: an unclassified function property, a NoEcho value, a version of no function here', () => {
    expect(() => idOf(fn().replace('      Runtime: nodejs22.x', '      NewLambdaSetting: 1\n      Runtime: nodejs22.x'))).toThrow(
      'app.yaml: Fn.Properties.NewLambdaSetting: unknown to cafe-ops: say in serialize.ts (VERSION_LOCKED) whether a Lambda version keeps it',
    );
    expect(() => idOf(fn({ extra: '\n          KEY: !Ref Secret' }))).toThrow('app.yaml: FnVersion: refers to NoEcho parameter Secret, whose value would go into a logical id; pass a secret by its ARN');
    expect(() => idOf(fn().replace('FunctionName: !Ref Fn\n  FnAlias', 'FunctionName: arn:aws:lambda:eu-west-1:1:function:x\n  FnAlias'))).toThrow(
      'app.yaml: FnVersion: a redeploy-on-change version needs FunctionName: !Ref <an AWS::Lambda::Function of this template>',
    );
  });

  it('names the real app template\'s warm versions after their functions', () => {
    const app = readFileSync(join(__dirname, '../../../templates/app.yaml'), 'utf8');
    const values = { MenuCodeKey: 'functions/menu/a.zip', OrdersCodeKey: 'functions/orders/a.zip', PaymentsCodeKey: 'functions/payments/a.zip' };
    const a = serializeTemplate(app, 'app.yaml', values).renamed;
    expect(Object.keys(a).sort()).toEqual(['ApiDeployment', 'MenuVersion', 'OrdersVersion', 'PaymentsVersion']);
    const b = serializeTemplate(app, 'app.yaml', { ...values, OrdersCodeKey: 'functions/orders/b.zip' }).renamed;
    expect(b.OrdersVersion).not.toBe(a.OrdersVersion);
    expect([b.MenuVersion, b.PaymentsVersion]).toEqual([a.MenuVersion, a.PaymentsVersion]);
  });
});

describe('deploying warm functions (engine, fake CloudFormation)', () => {
  const catalog = (values: Record<string, string | number>) =>
    parseCatalog(`stacks:\n  app:\n    template: app.yaml\n    regions: [primary]\n    parameters:\n${Object.entries(values).map(([k, v]) => `      ${k}: ${v}\n`).join('')}`, '/project/templates/stacks.yaml', 'stacks.yaml');

  function setup() {
    const clock = new FakeClock();
    const cfn = new FakeCloudFormation({ clock, outputs: () => ({}) });
    const output = createMemoryOutput();
    let source = fn();
    const deploy = (values: Record<string, string | number>, template = source) => {
      source = template;
      return deployPlan(buildPlan(catalog(values), env), { tags: { Project: 'cafe' }, yes: true, readTemplate: async () => source }, { cloudFormation: (r) => cfn.port(r), clock, out: output.output });
    };
    const stack = () => cfn.get('eu-west-1', 'cafe-staging-app')!;
    return { cfn, deploy, stack, output };
  }

  it('a settings-only change publishes a new version and the alias moves to it; a no-op deploy changes nothing; a code change publishes again', async () => {
    const { deploy, stack } = setup();
    expect((await deploy({ CodeKey: 'a.zip' })).ok).toBe(true);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '1' });

    const settings = await deploy({ CodeKey: 'a.zip' }, fn({ memory: 512 }));
    expect(settings.ok).toBe(true);
    const changes = settings.stacks[0]!.changes.map((c) => `${c.action} ${c.logicalId}`);
    expect(changes).toEqual(expect.arrayContaining(['Modify Fn', 'Modify FnAlias']));
    expect(changes.filter((c) => /^(Add|Remove) FnVersion[0-9a-f]{10}$/.test(c))).toHaveLength(2);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '2' });

    const noop = await deploy({ CodeKey: 'a.zip' });
    expect(noop.stacks.map((s) => s.result)).toEqual(['no changes']);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '2' });

    expect((await deploy({ CodeKey: 'b.zip' })).ok).toBe(true);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '3' });
    expect(stack().lambda.versions.Fn!.map((v) => v.number)).toEqual([1, 2, 3]);
  });

  it('changing only the provisioned concurrency keeps the version (the alias holds it)', async () => {
    const { deploy, stack } = setup();
    await deploy({ CodeKey: 'a.zip', Warm: 2 });
    const report = await deploy({ CodeKey: 'a.zip', Warm: 3 });
    expect(report.stacks.map((s) => s.result)).toEqual(['updated']);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '1' });
    expect(stack().lambda.versions.Fn).toHaveLength(1);
  });

  it('without a change of $LATEST, a new Version fails as in AWS; the stamp on the function is what keeps a first renamed deploy working', async () => {
    // The template before versions were named after their function: a fixed id, its code key in the Description.
    const before = fn().replace("    Metadata:\n      cafe-ops: { redeploy-on-change: true }\n    Properties:\n      FunctionName: !Ref Fn\n", "    Properties:\n      FunctionName: !Ref Fn\n      Description: !Sub 'code ${CodeKey}'\n");
    const { deploy, stack } = setup();
    expect((await deploy({ CodeKey: 'a.zip' }, before)).ok).toBe(true);
    // A new Version of an unchanged function (the naming without the stamp) is refused.
    const renamedOnly = before.replace(/FnVersion/g, 'FnVersion2');
    const refused = await deploy({ CodeKey: 'a.zip' }, renamedOnly);
    expect(refused.ok).toBe(false);
    expect(refused.stacks[0]!.rootCause).toEqual({ logicalId: 'FnVersion2', type: 'AWS::Lambda::Version', reason: 'A version for this Lambda function exists ( 1 ). Modify the function to create a new version.' });
    expect(stack().status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack().lambda.aliases).toEqual({ FnAlias: '1' });
    // The same function, now named by serialize.ts: the stamp changes $LATEST, so the version publishes.
    const upgraded = await deploy({ CodeKey: 'a.zip' }, fn());
    expect(upgraded.ok).toBe(true);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '2' });
  });

  it('a cold function (no provisioned concurrency) has no version: the alias invokes $LATEST', async () => {
    const { deploy, stack } = setup();
    expect((await deploy({ CodeKey: 'a.zip', Warm: 0 })).ok).toBe(true);
    expect(stack().lambda.aliases).toEqual({ FnAlias: '$LATEST' });
    expect(stack().lambda.versions).toEqual({});
  });
});
