import {
  CloudFormationClient, CreateChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand, ExecuteChangeSetCommand,
  waitUntilChangeSetCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { serializeTemplate } from '../../src/lib/templates/serialize';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

/**
 * A warm function's version on the cafe-ops emulator (moto + test/support/emulator): the emulator refuses a
 * Version while the function equals its last published version, as AWS does ("If $LATEST is identical to a
 * previously published version, you won't be able to create a new version",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), where moto alone would hand back
 * the old version; and a settings-only change, named by serialize.ts, publishes a version the alias moves to.
 */
const template = (memory: number) => `Parameters:
  Warm: { Type: Number, Default: 1 }
Conditions:
  IsWarm: !Not [!Equals [!Ref Warm, 0]]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: cafe-e2e-menu
      Description: Menu
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: ${memory}
      Role: !GetAtt Role.Arn
      Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 });' }
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
`;

describeWithTool(TOOLS.moto, 'Lambda versions on the emulator')('Lambda versions on the emulator', () => {
  let moto: Moto;
  let cfn: CloudFormationClient;
  let lambda: LambdaClient;
  const region = 'eu-west-1';
  const stack = 'cafe-e2e-versions';
  let seq = 0;

  beforeAll(async () => {
    moto = await startMoto();
    cfn = new CloudFormationClient({ region, endpoint: moto.endpoint });
    lambda = new LambdaClient({ region, endpoint: moto.endpoint });
  }, 90_000);
  afterAll(async () => {
    cfn?.destroy();
    lambda?.destroy();
    await moto?.stop();
  });

  const apply = async (body: string, type: 'CREATE' | 'UPDATE') => {
    const name = `cs-${++seq}`;
    await cfn.send(new CreateChangeSetCommand({ StackName: stack, ChangeSetName: name, ChangeSetType: type, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }));
    await waitUntilChangeSetCreateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1 }, { StackName: stack, ChangeSetName: name });
    await cfn.send(new ExecuteChangeSetCommand({ StackName: stack, ChangeSetName: name }));
    for (let i = 0; i < 60; i++) {
      const status = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]?.StackStatus ?? '';
      if (!status.endsWith('IN_PROGRESS')) return status;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('stack did not settle');
  };
  const alias = async () => (await lambda.send(new GetAliasCommand({ FunctionName: 'cafe-e2e-menu', Name: 'live' }))).FunctionVersion;

  it('refuses a new version of an unchanged function, and publishes one for a settings-only change', async () => {
    const first = serializeTemplate(template(256), 'app.yaml');
    const created = await apply(first.body, 'CREATE');
    if (created !== 'CREATE_COMPLETE') throw new Error(`${created}: ${JSON.stringify((await cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents?.map((e) => [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason]))}`);
    expect(await alias()).toBe('1');
    const versionId = first.renamed.FnVersion!;

    // A new Version resource while $LATEST is unchanged: AWS fails it, so does the emulator.
    const renamedOnly = first.body.replaceAll(versionId, `${versionId}x`);
    expect(await apply(renamedOnly, 'UPDATE')).toBe('UPDATE_ROLLBACK_COMPLETE');
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents ?? [];
    const failed = events.find((e) => e.LogicalResourceId === `${versionId}x` && e.ResourceStatus === 'CREATE_FAILED');
    expect(failed?.ResourceStatusReason).toContain('A version for this Lambda function exists ( 1 ). Modify the function to create a new version.');
    expect(await alias()).toBe('1');

    // Memory only: a new version name, the function changes, the alias moves to version 2 with the new setting.
    const second = serializeTemplate(template(512), 'app.yaml');
    expect(second.renamed.FnVersion).not.toBe(versionId);
    const updated = await apply(second.body, 'UPDATE');
    if (updated !== 'UPDATE_COMPLETE') throw new Error(`${updated}: ${JSON.stringify((await cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents?.slice(0, 12).map((e) => [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason]))}`);
    expect(await alias()).toBe('2');
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'cafe-e2e-menu', Qualifier: '2' }))).MemorySize).toBe(512);
  }, 120_000);
});
