import {
  CloudFormationClient, DeleteStackCommand, DescribeStackDriftDetectionStatusCommand, DescribeStackEventsCommand, DescribeStacksCommand, DetectStackDriftCommand,
  GetStackPolicyCommand, GetTemplateCommand, ListChangeSetsCommand, UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../src/lib/aws/clients';
import { lifecyclePort } from '../../../src/lib/lifecycle/aws';

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

describe('lifecycle port (SDK adapter)', () => {
  it('DescribeStacks: status, last update, DriftInformation, termination protection, parameters, tags, outputs; a missing stack is undefined', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cafe-staging-data' }).resolves({
      Stacks: [{
        StackName: 'cafe-staging-data', StackId: 'arn:stack/cafe-staging-data/1', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z'), LastUpdatedTime: new Date('2026-11-30T10:00:00Z'),
        DriftInformation: { StackDriftStatus: 'DRIFTED', LastCheckTimestamp: new Date('2026-11-30T11:00:00Z') }, EnableTerminationProtection: true,
        Parameters: [{ ParameterKey: 'Environment', ParameterValue: 'staging' }], Tags: [{ Key: 'Project', Value: 'cafe' }], Outputs: [{ OutputKey: 'ClusterIdentifier', OutputValue: 'c-1' }],
      }],
    });
    cfn.on(DescribeStacksCommand, { StackName: 'gone' }).rejects(Object.assign(new Error('Stack with id gone does not exist'), { name: 'ValidationError' }));
    const port = await lifecyclePort(new AwsClients(), 'eu-west-1');
    expect(await port.describeStack('cafe-staging-data')).toEqual({
      name: 'cafe-staging-data', id: 'arn:stack/cafe-staging-data/1', status: 'UPDATE_COMPLETE', lastUpdated: '2026-11-30T10:00:00.000Z',
      drift: { status: 'DRIFTED', lastChecked: '2026-11-30T11:00:00.000Z' }, terminationProtection: true,
      parameters: { Environment: 'staging' }, tags: { Project: 'cafe' }, outputs: { ClusterIdentifier: 'c-1' },
    });
    expect(await port.describeStack('gone')).toBeUndefined();
  });

  it('GetTemplate asks for the Original stage; GetStackPolicy without a body is no policy', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources: {}' });
    cfn.on(GetStackPolicyCommand).resolves({});
    const port = await lifecyclePort(new AwsClients(), 'eu-west-1');
    expect(await port.getTemplate('s')).toBe('Resources: {}');
    expect(cfn.commandCalls(GetTemplateCommand)[0]!.args[0].input).toEqual({ StackName: 's', TemplateStage: 'Original' });
    expect(await port.getStackPolicy('s')).toBeUndefined();
  });

  it('ListChangeSets: every page, the named stack only', async () => {
    cfn.on(ListChangeSetsCommand, { StackName: 's', NextToken: undefined }).resolves({ Summaries: [{ StackName: 's', ChangeSetName: 'a', Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' }], NextToken: 't' });
    cfn.on(ListChangeSetsCommand, { StackName: 's', NextToken: 't' }).resolves({ Summaries: [{ StackName: 'other', ChangeSetName: 'b', ExecutionStatus: 'AVAILABLE' }] });
    const port = await lifecyclePort(new AwsClients(), 'eu-west-1');
    expect(await port.listChangeSets('s')).toEqual([{ name: 'a', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' }]);
  });

  it('drift detection: DetectStackDrift id, then DescribeStackDriftDetectionStatus', async () => {
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn.on(DescribeStackDriftDetectionStatusCommand, { StackDriftDetectionId: 'd-1' }).resolves({ StackId: 'x', StackDriftDetectionId: 'd-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC', Timestamp: new Date() });
    const port = await lifecyclePort(new AwsClients(), 'eu-west-1');
    expect(await port.driftDetectionStatus(await port.detectDrift('s'))).toEqual({ status: 'DETECTION_COMPLETE', driftStatus: 'IN_SYNC' });
  });

  it('destroy calls: termination protection off, DeleteStack without RetainResources, events by stack id', async () => {
    cfn.on(UpdateTerminationProtectionCommand).resolves({});
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [{ StackId: 'id', EventId: 'e', StackName: 's', Timestamp: new Date(5), LogicalResourceId: 'Db', ResourceType: 'AWS::RDS::DBCluster', ResourceStatus: 'DELETE_FAILED', ResourceStatusReason: 'in use' }] });
    const port = await lifecyclePort(new AwsClients(), 'eu-west-1');
    await port.disableTerminationProtection('arn:stack/s/1');
    await port.deleteStack('arn:stack/s/1');
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)[0]!.args[0].input).toEqual({ StackName: 'arn:stack/s/1', EnableTerminationProtection: false });
    // Retained resources are CloudFormation's to keep (DeletionPolicy); RetainResources is for DELETE_FAILED stacks only.
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input).toEqual({ StackName: 'arn:stack/s/1' });
    expect(await port.stackEvents('arn:stack/s/1')).toEqual([{ timestamp: 5, logicalId: 'Db', type: 'AWS::RDS::DBCluster', status: 'DELETE_FAILED', reason: 'in use' }]);
  });
});
