import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, GlobalClusterNotFoundFault, RDSClient, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { GetHealthCheckCommand, GetHealthCheckStatusCommand, NoSuchHealthCheck, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { InvokeCommand, LambdaClient, ResourceNotFoundException as FunctionNotFound } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler as healthHandler } from '../../../functions/health/handler';
import { dynamoControl } from '../../../functions/shared/control';
import { silentLog } from '../../../functions/shared/ports';
import type { Database } from '../../../functions/shared/sql';
import { AwsClients } from '../../../src/lib/aws/clients';
import { canaryPort, databasePort, dnsPort, metricsPort, secretsPort, stacksPort, tablesPort } from '../../../src/lib/failover/aws';
import { CanaryError } from '../../../src/lib/failover/ports';
import { healthFunctionName } from '../../../src/lib/failover/topology';

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
  const lambda = mockClient(LambdaClient);
  const clients = new AwsClients();
  afterEach(() => [rds, cw, r53, ddb, sm, kms, cfn, lambda].forEach((m) => m.reset()));
  afterAll(() => [rds, cw, r53, ddb, sm, kms, cfn, lambda].forEach((m) => m.restore()));

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

  describe('Aurora canaries through the health function (Lambda Invoke)', () => {
    const FUNCTION = healthFunctionName('cafe', 'production');
    // What the SDK hands back: the bytes of the function's JSON answer (a Uint8Array with transformToString).
    const payload = (value: unknown) => Object.assign(new TextEncoder().encode(JSON.stringify(value)), { transformToString: () => JSON.stringify(value) });
    const sent = (i = 0) => {
      const input = lambda.commandCalls(InvokeCommand)[i]!.args[0].input;
      return { ...input, Payload: JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as unknown };
    };

    it('invokes the health function synchronously with the canary action and reads its answer', async () => {
      expect(FUNCTION).toBe('cafe-production-health');
      lambda.on(InvokeCommand).resolvesOnce({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload({ id: 'canary#d1#1', region: 'eu-west-1', writtenAt: '2026-11-25T09:00:00.123Z' }), ...meta('lambda-w') })
        .resolvesOnce({ StatusCode: 200, Payload: payload({ region: 'eu-central-1', found: [{ id: 'canary#d1#1', region: 'eu-west-1', writtenAt: '2026-11-25T09:00:00.123Z' }], missing: ['canary#d1#2'] }), ...meta('lambda-r') });
      const port = canaryPort(clients);
      expect(await port.write('eu-west-1', FUNCTION, 'canary#d1#1')).toEqual({ id: 'canary#d1#1', region: 'eu-west-1', writtenAt: '2026-11-25T09:00:00.123Z', requestId: 'lambda-w' });
      expect(sent(0)).toEqual({ FunctionName: 'cafe-production-health', InvocationType: 'RequestResponse', Payload: { action: 'canary-write', id: 'canary#d1#1' } });
      expect(await port.read('eu-central-1', FUNCTION, ['canary#d1#1', 'canary#d1#2'])).toEqual({
        found: [{ id: 'canary#d1#1', region: 'eu-west-1', writtenAt: '2026-11-25T09:00:00.123Z' }],
        missing: ['canary#d1#2'],
        requestId: 'lambda-r',
      });
      expect(sent(1).Payload).toEqual({ action: 'canary-read', ids: ['canary#d1#1', 'canary#d1#2'] });
      expect(await lambda.call(0).thisValue.config.region()).toBe('eu-west-1');
      expect(await lambda.call(1).thisValue.config.region()).toBe('eu-central-1');
    });

    it('a crash of the function (FunctionError) is a one-line error naming the function, region and request id', async () => {
      lambda.on(InvokeCommand).resolves({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: payload({ errorType: 'Error', errorMessage: 'environment variable DB_SECRET_ARN is not set\nmore', trace: ['Error: environment variable DB_SECRET_ARN is not set', '    at required (/var/task/index.js:1:1)'] }),
        ...meta('lambda-crash'),
      });
      const error = await canaryPort(clients).write('eu-west-1', FUNCTION, 'canary#d1#1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CanaryError);
      expect(error).toMatchObject({
        message: 'cafe-production-health in eu-west-1 failed (Unhandled): Error: environment variable DB_SECRET_ARN is not set (request lambda-crash)',
        retryable: false,
        $metadata: { requestId: 'lambda-crash' },
      });
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: 9f2c Error: Task timed out after 10.00 seconds' }), ...meta('lambda-slow') });
      await expect(canaryPort(clients).read('eu-central-1', FUNCTION, ['canary#d1#1'])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('Task timed out after 10.00 seconds (request lambda-slow)') });
    });

    it("the function's own error answer keeps its message and whether to retry", async () => {
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ error: { code: 'unavailable', message: 'canary-write in eu-central-1 failed: Connection terminated unexpectedly', retryable: true } }), ...meta('lambda-e') });
      await expect(canaryPort(clients).write('eu-central-1', FUNCTION, 'canary#d1#3')).rejects.toMatchObject({
        name: 'CanaryError',
        message: 'cafe-production-health in eu-central-1: canary-write in eu-central-1 failed: Connection terminated unexpectedly (request lambda-e)',
        retryable: true,
      });
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ status: 'ok' }), ...meta('lambda-old') });
      await expect(canaryPort(clients).write('eu-central-1', FUNCTION, 'canary#d1#3')).rejects.toThrow('cafe-production-health in eu-central-1 answered a canary without id, region and writtenAt');
      lambda.on(InvokeCommand).rejects(new FunctionNotFound({ message: 'Function not found: arn:aws:lambda:eu-central-1:222222222222:function:cafe-production-health', $metadata: { requestId: 'lambda-404' } }));
      await expect(canaryPort(clients).read('eu-central-1', FUNCTION, ['x'])).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { requestId: 'lambda-404' } });
    });

    it('speaks the health function\'s own language: its answers, handed back by Invoke, read as canaries', async () => {
      const rows = new Map<string, { id: string; region: string; written_at: Date }>();
      const db: Database = {
        query: async <T>(text: string, params?: readonly unknown[]) => {
          if (text.startsWith('INSERT')) {
            const [id, region] = params as [string, string];
            if (!rows.has(id)) rows.set(id, { id, region, written_at: new Date('2026-11-25T09:00:01.500Z') });
            return { rows: [rows.get(id)] as T[], rowCount: 1 };
          }
          const ids = (params as [string[]])[0];
          const found = ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : []));
          return { rows: found as T[], rowCount: found.length };
        },
        transaction: async () => Promise.reject(new Error('unused')),
        close: async () => undefined,
      };
      const health = healthHandler({ db, reader: db, control: { maintenance: async () => ({ writesPaused: false, retryAfterSeconds: 0 }), traffic: async () => ({}) }, region: 'eu-west-1', role: 'primary', log: silentLog });
      lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => ({ StatusCode: 200, Payload: payload(await health(JSON.parse(new TextDecoder().decode(input.Payload)))), ...meta('lambda-real') }));
      const port = canaryPort(clients);
      expect(await port.write('eu-west-1', FUNCTION, 'canary#d2#1')).toEqual({ id: 'canary#d2#1', region: 'eu-west-1', writtenAt: '2026-11-25T09:00:01.500Z', requestId: 'lambda-real' });
      expect(await port.read('eu-west-1', FUNCTION, ['canary#d2#1', 'canary#d2#2'])).toMatchObject({ found: [{ id: 'canary#d2#1' }], missing: ['canary#d2#2'] });
      await expect(port.read('eu-west-1', FUNCTION, [])).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/^cafe-production-health in eu-west-1: ids: /) });
    });
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
