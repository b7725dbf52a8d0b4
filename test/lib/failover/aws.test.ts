import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, GlobalClusterNotFoundFault, RDSClient, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { GetHealthCheckCommand, GetHealthCheckStatusCommand, NoSuchHealthCheck, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { DescribeSecretCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoControl } from '../../../functions/shared/control';
import { AwsClients } from '../../../src/lib/aws/clients';
import { databasePort, dnsPort, metricsPort, secretsPort, stacksPort, tablesPort } from '../../../src/lib/failover/aws';

const meta = (requestId: string) => ({ $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } });
const PRIMARY = 'arn:aws:rds:eu-west-1:222222222222:cluster:cafe-production-primary';
const SECONDARY = 'arn:aws:rds:eu-central-1:222222222222:cluster:cafe-production-secondary';

const globalCluster = (failover?: object) => ({
  GlobalClusterIdentifier: 'cafe-production-global',
  GlobalClusterResourceId: 'cluster-2e5d1c0e8f9a4b7c',
  GlobalClusterArn: 'arn:aws:rds::222222222222:global-cluster:cafe-production-global',
  Status: failover ? 'switching-over' : 'available',
  Engine: 'aurora-postgresql',
  EngineVersion: '16.4',
  StorageEncrypted: true,
  DeletionProtection: true,
  GlobalClusterMembers: [
    { DBClusterArn: PRIMARY, Readers: [SECONDARY], IsWriter: true, GlobalWriteForwardingStatus: 'disabled' as const },
    { DBClusterArn: SECONDARY, Readers: [], IsWriter: false, GlobalWriteForwardingStatus: 'disabled' as const, SynchronizationStatus: 'connected' as const },
  ],
  ...(failover ? { FailoverState: failover } : {}),
});

describe('failover adapters (AWS SDK shapes)', () => {
  const rds = mockClient(RDSClient);
  const cw = mockClient(CloudWatchClient);
  const r53 = mockClient(Route53Client);
  const ddb = mockClient(DynamoDBClient);
  const sm = mockClient(SecretsManagerClient);
  const kms = mockClient(KMSClient);
  const cfn = mockClient(CloudFormationClient);
  const clients = new AwsClients();
  afterEach(() => [rds, cw, r53, ddb, sm, kms, cfn].forEach((m) => m.reset()));
  afterAll(() => [rds, cw, r53, ddb, sm, kms, cfn].forEach((m) => m.restore()));

  it('reads the global cluster: members, writer, sync status, a switch under way, the request id', async () => {
    rds.on(DescribeGlobalClustersCommand).resolvesOnce({ GlobalClusters: [globalCluster()], ...meta('rds-1') }).resolvesOnce({
      GlobalClusters: [globalCluster({ Status: 'switching-over', FromDbClusterArn: PRIMARY, ToDbClusterArn: SECONDARY, IsDataLossAllowed: false })],
      ...meta('rds-2'),
    });
    const port = databasePort(clients);
    expect(await port.describeGlobalCluster('eu-central-1', 'cafe-production-global')).toEqual({
      id: 'cafe-production-global',
      status: 'available',
      members: [
        { clusterArn: PRIMARY, isWriter: true },
        { clusterArn: SECONDARY, isWriter: false, synchronizationStatus: 'connected' },
      ],
      requestId: 'rds-1',
    });
    expect((await port.describeGlobalCluster('eu-central-1', 'cafe-production-global'))!.failover).toEqual({ status: 'switching-over', fromClusterArn: PRIMARY, toClusterArn: SECONDARY, dataLossAllowed: false });
    expect(rds.commandCalls(DescribeGlobalClustersCommand)[0]!.args[0].input).toEqual({ GlobalClusterIdentifier: 'cafe-production-global' });
  });

  it('treats GlobalClusterNotFoundFault as no global cluster', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(new GlobalClusterNotFoundFault({ message: 'GlobalCluster nope not found', $metadata: {} }));
    expect(await databasePort(clients).describeGlobalCluster('eu-central-1', 'nope')).toBeUndefined();
  });

  it('switches over by ARN, and fails over allowing data loss', async () => {
    rds.on(SwitchoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster({ Status: 'switching-over', FromDbClusterArn: PRIMARY, ToDbClusterArn: SECONDARY }), ...meta('rds-sw') });
    rds.on(FailoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster({ Status: 'failing-over', FromDbClusterArn: PRIMARY, ToDbClusterArn: SECONDARY, IsDataLossAllowed: true }), ...meta('rds-fo') });
    const port = databasePort(clients);
    expect(await port.switchover('eu-central-1', 'cafe-production-global', SECONDARY)).toEqual({ requestId: 'rds-sw' });
    expect(await port.failover('eu-central-1', 'cafe-production-global', SECONDARY)).toEqual({ requestId: 'rds-fo' });
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)[0]!.args[0].input).toEqual({ GlobalClusterIdentifier: 'cafe-production-global', TargetDbClusterIdentifier: SECONDARY });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]!.args[0].input).toEqual({ GlobalClusterIdentifier: 'cafe-production-global', TargetDbClusterIdentifier: SECONDARY, AllowDataLoss: true });
  });

  it('reads the largest replication and RPO lag over every page of GetMetricData', async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 9, m));
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'lag', Label: 'AuroraGlobalDBReplicationLag', Timestamps: [at(4), at(3)], Values: [120, 480], StatusCode: 'PartialData' }, { Id: 'rpo', Label: 'AuroraGlobalDBRPOLag', Timestamps: [at(4)], Values: [900], StatusCode: 'PartialData' }], NextToken: 'p2', Messages: [], ...meta('cw-1') })
      .resolvesOnce({ MetricDataResults: [{ Id: 'lag', Timestamps: [at(2)], Values: [300], StatusCode: 'Complete' }, { Id: 'rpo', Timestamps: [], Values: [], StatusCode: 'Complete' }], ...meta('cw-2') });
    const reading = await metricsPort(clients).replicationLag('eu-central-1', 'cafe-production-secondary', at(0).getTime(), at(5).getTime());
    expect(reading).toEqual({ replicationLagMs: 480, rpoLagMs: 900, requestId: 'cw-1' });
    const input = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.MetricDataQueries![0]).toEqual({
      Id: 'lag',
      MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'cafe-production-secondary' }] }, Period: 60, Stat: 'Maximum' },
      ReturnData: true,
    });
    expect(input.MetricDataQueries![1]!.MetricStat!.Metric!.MetricName).toBe('AuroraGlobalDBRPOLag');
    expect(input.StartTime).toEqual(at(0));
    expect(cw.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken).toBe('p2');
  });

  it('reports no lag when CloudWatch has no datapoints', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'lag', Timestamps: [], Values: [], StatusCode: 'Complete' }, { Id: 'rpo', Timestamps: [], Values: [], StatusCode: 'Complete' }], ...meta('cw-3') });
    expect(await metricsPort(clients).replicationLag('eu-central-1', 'c', 0, 1)).toEqual({ requestId: 'cw-3' });
  });

  it('reads and updates Route 53 health checks and counts healthy checkers', async () => {
    r53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-1' }).resolves({
      HealthCheck: {
        Id: 'hc-1',
        CallerReference: 'cafe-production-edge-PrimaryHealthCheck',
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'api-eu-west-1.cafe.example.com', ResourcePath: '/health', Port: 443, RequestInterval: 10, FailureThreshold: 3, Inverted: false, Disabled: false, EnableSNI: true },
        HealthCheckVersion: 3,
      },
      ...meta('r53-1'),
    });
    r53.on(GetHealthCheckCommand, { HealthCheckId: 'gone' }).rejects(new NoSuchHealthCheck({ message: 'No health check exists with the specified ID gone', $metadata: {} }));
    r53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: [
        { Region: 'eu-west-1', IPAddress: '15.177.10.1', StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date() } },
        { Region: 'us-east-1', IPAddress: '15.177.2.1', StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date() } },
        { Region: 'ap-southeast-1', IPAddress: '15.177.60.1', StatusReport: { Status: 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.', CheckedTime: new Date() } },
      ],
      ...meta('r53-2'),
    });
    r53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: { Id: 'hc-1', CallerReference: 'x', HealthCheckConfig: { Type: 'HTTPS', Inverted: true, Disabled: true }, HealthCheckVersion: 4 }, ...meta('r53-3') });
    const port = dnsPort(clients);
    expect(await port.getHealthCheck('hc-1')).toEqual({ id: 'hc-1', inverted: false, disabled: false, fqdn: 'api-eu-west-1.cafe.example.com', requestId: 'r53-1' });
    expect(await port.getHealthCheck('gone')).toBeUndefined();
    expect(await port.healthCheckStatus('hc-1')).toEqual({ healthy: 2, total: 3, requestId: 'r53-2' });
    expect(await port.setHealthCheck('hc-1', { inverted: true, disabled: true })).toEqual({ requestId: 'r53-3' });
    expect(r53.commandCalls(UpdateHealthCheckCommand)[0]!.args[0].input).toEqual({ HealthCheckId: 'hc-1', Inverted: true, Disabled: true });
  });

  it('reads DynamoDB replicas, and treats a missing table as absent', async () => {
    ddb.on(DescribeTableCommand, { TableName: 'cafe-production-carts' }).resolves({
      Table: {
        TableName: 'cafe-production-carts',
        TableStatus: 'ACTIVE',
        Replicas: [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }, { RegionName: 'eu-central-1', ReplicaStatus: 'UPDATING' }],
      },
      ...meta('ddb-1'),
    });
    ddb.on(DescribeTableCommand, { TableName: 'nope' }).rejects(new ResourceNotFoundException({ message: 'Requested resource not found: Table: nope not found', $metadata: {} }));
    const port = tablesPort(clients);
    expect(await port.describeReplicas('eu-central-1', 'cafe-production-carts')).toEqual({
      status: 'ACTIVE',
      replicas: [{ region: 'eu-west-1', status: 'ACTIVE' }, { region: 'eu-central-1', status: 'UPDATING' }],
      requestId: 'ddb-1',
    });
    expect(await port.describeReplicas('eu-central-1', 'nope')).toBeUndefined();
  });

  it('writes the maintenance item in the shape the café API reads', async () => {
    ddb.on(PutItemCommand).resolves(meta('ddb-put'));
    const port = tablesPort(clients);
    expect(await port.setWritesPaused('eu-west-1', 'cafe-production-control', { paused: true, drillId: 'd1', at: Date.UTC(2026, 10, 25) })).toEqual({ requestId: 'ddb-put' });
    const item = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    expect(item).toMatchObject({ pk: { S: 'maintenance' }, writesPaused: { BOOL: true }, retryAfterSeconds: { N: '30' }, reason: { S: 'failover drill d1' } });
    // The API's own reader (functions/shared/control.ts) sees the pause.
    ddb.on(GetItemCommand).resolves({ Item: item });
    const seen = await dynamoControl(new DynamoDBClient({ region: 'eu-west-1' }), 'cafe-production-control').maintenance();
    expect(seen).toMatchObject({ writesPaused: true, retryAfterSeconds: 30 });
    expect(await port.writesPaused('eu-west-1', 'cafe-production-control')).toBe(true);
    expect(ddb.commandCalls(GetItemCommand).at(-1)!.args[0].input).toEqual({ TableName: 'cafe-production-control', Key: { pk: { S: 'maintenance' } }, ConsistentRead: true });
  });

  it('writes and reads canaries with strongly consistent reads in the region asked', async () => {
    ddb.on(PutItemCommand).resolves(meta('ddb-c'));
    const canary = { id: 'canary#d1#1', drillId: 'd1', seq: 1, region: 'eu-west-1', writtenAt: 1_764_061_200_000 };
    expect(await tablesPort(clients).putCanary('eu-west-1', 'cafe-production-control', canary)).toEqual({ requestId: 'ddb-c' });
    const item = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    expect(item).toEqual({ pk: { S: 'canary#d1#1' }, drillId: { S: 'd1' }, seq: { N: '1' }, region: { S: 'eu-west-1' }, writtenAt: { N: '1764061200000' } });
    ddb.on(GetItemCommand, { Key: { pk: { S: 'canary#d1#1' } } }).resolves({ Item: item });
    ddb.on(GetItemCommand, { Key: { pk: { S: 'canary#d1#2' } } }).resolves({});
    expect(await tablesPort(clients).getCanary('eu-central-1', 'cafe-production-control', 'canary#d1#1')).toEqual(canary);
    expect(await tablesPort(clients).getCanary('eu-central-1', 'cafe-production-control', 'canary#d1#2')).toBeUndefined();
  });

  it('checks secrets and keys in the target region', async () => {
    sm.on(DescribeSecretCommand, { SecretId: 'arn:ok' }).resolves({ ARN: 'arn:ok', Name: 'db', ...meta('sm-1') });
    sm.on(DescribeSecretCommand, { SecretId: 'arn:deleted' }).resolves({ ARN: 'arn:deleted', Name: 'old', DeletedDate: new Date() });
    sm.on(DescribeSecretCommand, { SecretId: 'arn:missing' }).rejects(new SecretNotFound({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    kms.on(DescribeKeyCommand, { KeyId: 'key:ok' }).resolves({ KeyMetadata: { KeyId: 'mrk-1', Enabled: true, KeyState: 'Enabled', MultiRegion: true } });
    kms.on(DescribeKeyCommand, { KeyId: 'key:pending' }).resolves({ KeyMetadata: { KeyId: 'mrk-2', Enabled: false, KeyState: 'PendingDeletion' } });
    kms.on(DescribeKeyCommand, { KeyId: 'key:missing' }).rejects(new NotFoundException({ message: 'Key not found', $metadata: {} }));
    const port = secretsPort(clients);
    expect(await Promise.all(['arn:ok', 'arn:deleted', 'arn:missing'].map((a) => port.secretExists('eu-central-1', a)))).toEqual([true, false, false]);
    expect(await Promise.all(['key:ok', 'key:pending', 'key:missing'].map((k) => port.keyEnabled('eu-central-1', k)))).toEqual([true, false, false]);
  });

  it('reads stack outputs and parameters, a missing stack as undefined', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cafe-production-data' }).resolves({
      Stacks: [{ StackName: 'cafe-production-data', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'ClusterArn', OutputValue: SECONDARY }], Parameters: [{ ParameterKey: 'GlobalClusterIdentifier', ParameterValue: 'cafe-production-global' }] }],
    });
    cfn.on(DescribeStacksCommand, { StackName: 'cafe-production-edge' }).rejects(Object.assign(new Error('Stack with id cafe-production-edge does not exist'), { name: 'ValidationError' }));
    const port = stacksPort(clients);
    expect(await port.describe('eu-central-1', 'cafe-production-data')).toEqual({ status: 'UPDATE_COMPLETE', outputs: { ClusterArn: SECONDARY }, parameters: { GlobalClusterIdentifier: 'cafe-production-global' } });
    expect(await port.describe('us-east-1', 'cafe-production-edge')).toBeUndefined();
  });
});
