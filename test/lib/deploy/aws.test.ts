import {
  CloudFormationClient, CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand,
  ExecuteChangeSetCommand, GetStackPolicyCommand, GetTemplateCommand, SetStackPolicyCommand, UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients, clientConfig } from '../../../src/lib/aws/clients';
import { cloudFormationPort } from '../../../src/lib/deploy/aws';

describe('CloudFormation adapter', () => {
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => cfn.reset());
  afterAll(() => cfn.restore());

  it('creates a CREATE change set that deletes the stack on failure, with tags and IAM capabilities', async () => {
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1', StackId: 'stack-1' });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    await port.createChangeSet({ stackName: 's', changeSetName: 'c', type: 'CREATE', templateBody: 'Resources: {}', parameters: { A: '1' }, tags: { Project: 'cafe' } });
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input).toEqual({
      StackName: 's', ChangeSetName: 'c', ChangeSetType: 'CREATE', TemplateBody: 'Resources: {}',
      Parameters: [{ ParameterKey: 'A', ParameterValue: '1' }], Tags: [{ Key: 'Project', Value: 'cafe' }],
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'], OnStackFailure: 'DELETE',
    });
    // With cafe-ops.yml's cloudFormationRole, CloudFormation acts through that service role.
    await port.createChangeSet({ stackName: 's', changeSetName: 'c2', type: 'UPDATE', templateBody: 'Resources: {}', parameters: {}, tags: {}, roleArn: 'arn:aws:iam::111111111111:role/cafe-staging-cloudformation' });
    expect(cfn.commandCalls(CreateChangeSetCommand)[1]!.args[0].input).toMatchObject({ ChangeSetType: 'UPDATE', RoleARN: 'arn:aws:iam::111111111111:role/cafe-staging-cloudformation' });
    expect(cfn.commandCalls(CreateChangeSetCommand)[1]!.args[0].input.OnStackFailure).toBeUndefined();
  });

  it('returns the stack id CreateChangeSet answers, to follow a new stack even after it is deleted', async () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (response: Id, StackId)
    const stackId = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/s/0f3e6f60-0000-11ef-0000-000000000000';
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1', StackId: stackId });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.createChangeSet({ stackName: 's', changeSetName: 'c', type: 'CREATE', templateBody: 'Resources: {}', parameters: {}, tags: {} })).toEqual({ stackId, changeSetId: 'cs-1' });
  });

  it('describes a deleted stack and reads its events by its unique stack id', async () => {
    // "Deleted stacks: You must specify the unique stack ID"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html,
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
    const stackId = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/s/0f3e6f60-0000-11ef-0000-000000000000';
    cfn.on(DescribeStacksCommand, { StackName: 's' }).rejects(Object.assign(new Error('Stack with id s does not exist'), { name: 'ValidationError' }));
    cfn.on(DescribeStacksCommand, { StackName: stackId }).resolves({ Stacks: [{ StackName: 's', StackId: stackId, CreationTime: new Date(), StackStatus: 'DELETE_COMPLETE' }] });
    cfn.on(DescribeStackEventsCommand, { StackName: stackId }).resolves({
      StackEvents: [{ EventId: '1', StackId: stackId, StackName: 's', Timestamp: new Date(2_000_000), LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'already exists' }],
    });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.describeStack('s')).toBeUndefined();
    expect(await port.describeStack(stackId)).toMatchObject({ name: 's', id: stackId, status: 'DELETE_COMPLETE', outputs: {} });
    expect((await port.stackEvents(stackId, 0)).map((e) => `${e.logicalId} ${e.status} ${e.reason}`)).toEqual(['Topic CREATE_FAILED already exists']);
  });

  it('pages through a change set and keeps replacement flags', async () => {
    cfn.on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: 'CREATE_COMPLETE', Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Table', ResourceType: 'AWS::DynamoDB::Table', Replacement: 'True' } }], NextToken: 't2' })
      .resolvesOnce({ Status: 'CREATE_COMPLETE', Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic' } }] });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    const info = await port.describeChangeSet('s', 'c');
    expect(info).toEqual({
      status: 'CREATE_COMPLETE',
      changes: [
        { action: 'Modify', logicalId: 'Table', type: 'AWS::DynamoDB::Table', replacement: 'True' },
        { action: 'Add', logicalId: 'Topic', type: 'AWS::SNS::Topic' },
      ],
    });
    expect(cfn.commandCalls(DescribeChangeSetCommand)[1]!.args[0].input.NextToken).toBe('t2');
  });

  it('treats "does not exist" as a missing stack and maps outputs', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'gone' }).rejects(Object.assign(new Error('Stack with id gone does not exist'), { name: 'ValidationError' }));
    cfn.on(DescribeStacksCommand, { StackName: 'here' }).resolves({ Stacks: [{ StackName: 'here', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'Id', OutputValue: 'x' }] }] });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.describeStack('gone')).toBeUndefined();
    expect(await port.describeStack('here')).toMatchObject({ name: 'here', status: 'UPDATE_COMPLETE', outputs: { Id: 'x' } });
  });

  it('reads events back to the start of the operation only', async () => {
    const at = (s: number) => new Date(1_000_000 + s * 1000);
    cfn.on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [{ EventId: '2', StackId: 's', StackName: 's', Timestamp: at(20), LogicalResourceId: 'A', ResourceType: 'T', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'boom' }], NextToken: 'n' })
      .resolvesOnce({ StackEvents: [{ EventId: '1', StackId: 's', StackName: 's', Timestamp: at(5), LogicalResourceId: 'A', ResourceType: 'T', ResourceStatus: 'CREATE_IN_PROGRESS' }], NextToken: 'older' });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    const events = await port.stackEvents('s', 1_000_000 + 10_000);
    expect(events.map((e) => e.id)).toEqual(['2', '1']);
    expect(cfn.commandCalls(DescribeStackEventsCommand)).toHaveLength(2);
  });

  it('executes, sets the stack policy and turns on termination protection', async () => {
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(SetStackPolicyCommand).resolves({});
    cfn.on(UpdateTerminationProtectionCommand).resolves({});
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    await port.executeChangeSet('s', 'c');
    await port.setStackPolicy('s', '{"Statement":[]}');
    await port.enableTerminationProtection('s');
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)[0]!.args[0].input).toEqual({ StackName: 's', EnableTerminationProtection: true });
    expect(cfn.commandCalls(SetStackPolicyCommand)[0]!.args[0].input).toEqual({ StackName: 's', StackPolicyBody: '{"Statement":[]}' });
  });
  it('reads what a stack was deployed with: parameters (NoEcho masked), tags, role, last update, termination protection', async () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html (Stack: Parameters,
    // Tags, RoleARN, LastUpdatedTime, EnableTerminationProtection; NoEcho values are shown as asterisks).
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{
        StackName: 's', StackId: 'arn:s', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), LastUpdatedTime: new Date('2025-01-02T03:04:05Z'),
        Parameters: [{ ParameterKey: 'A', ParameterValue: '1' }, { ParameterKey: 'Secret', ParameterValue: '****' }],
        Tags: [{ Key: 'Project', Value: 'cafe' }], RoleARN: 'arn:aws:iam::1:role/cfn', EnableTerminationProtection: true,
      }],
    });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.describeStack('s')).toEqual({
      name: 's', id: 'arn:s', status: 'UPDATE_COMPLETE', outputs: {}, parameters: { A: '1', Secret: '****' }, maskedParameters: ['Secret'],
      tags: { Project: 'cafe' }, roleArn: 'arn:aws:iam::1:role/cfn', lastUpdatedTime: '2025-01-02T03:04:05.000Z', terminationProtection: true,
    });
  });

  it('gets the template as submitted (TemplateStage Original) and the stack policy, none as undefined', async () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetStackPolicy.html ("If a stack doesn't have a policy, a null value is returned")
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources: {}\n' });
    cfn.on(GetStackPolicyCommand).resolvesOnce({ StackPolicyBody: '{"Statement":[]}' }).resolvesOnce({});
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.getTemplate('arn:s')).toBe('Resources: {}\n');
    expect(cfn.commandCalls(GetTemplateCommand)[0]!.args[0].input).toEqual({ StackName: 'arn:s', TemplateStage: 'Original' });
    expect(await port.getStackPolicy('s')).toBe('{"Statement":[]}');
    expect(await port.getStackPolicy('s')).toBeUndefined();
  });

  it('describes a change set with its execution status, ARN and stack id', async () => {
    // ExecutionStatus: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
    cfn.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'OBSOLETE', ChangeSetId: 'arn:cs', StackId: 'arn:s', Changes: [] });
    const port = await cloudFormationPort(new AwsClients(), 'eu-west-1');
    expect(await port.describeChangeSet('s', 'c')).toEqual({ status: 'CREATE_COMPLETE', executionStatus: 'OBSOLETE', changeSetId: 'arn:cs', stackId: 'arn:s', changes: [] });
  });
});

describe('client configuration', () => {
  it('uses adaptive retries and honours profile and endpoint', () => {
    expect(clientConfig({ profile: 'ops', endpointUrl: 'http://127.0.0.1:5000' }, 'eu-west-1')).toEqual({
      region: 'eu-west-1', maxAttempts: 2, retryMode: 'adaptive', customUserAgent: expect.stringMatching(/^cafe-ops\/\d+\.\d+\.\d+/), profile: 'ops', endpoint: 'http://127.0.0.1:5000',
    });
  });
});
