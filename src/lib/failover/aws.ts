/** The failover drill's ports implemented with the AWS SDK v3 (clients from AwsClients). */
import type { AwsClients } from '../aws/clients';
import { requestIdOf } from '../aws/errors';
import { CanaryError, type AuroraCanaryRow, type AwsCall, type CanaryPort, type DatabasePort, type DnsPort, type DrillHolder, type DrillStatePort, type GlobalClusterState, type MetricsPort, type SecretsPort, type StacksPort, type TablesPort } from './ports';

/** The item of the control table the API reads before every write (see functions/shared/control.ts). */
export const MAINTENANCE_KEY = 'maintenance';
/** The item each region's /health reads to know whether it is the active region (functions/shared/control.ts). */
export const TRAFFIC_KEY = 'traffic';
const RETRY_AFTER_SECONDS = 30;

const call = (response: unknown): AwsCall => {
  const requestId = requestIdOf(response);
  return requestId ? { requestId } : {};
};
const named = (error: unknown, ...names: string[]) => names.includes((error as Error)?.name);

export function stacksPort(clients: AwsClients): StacksPort {
  return {
    describe: async (region, stackName) => {
      const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
      const client = await clients.cloudFormation(region);
      try {
        const stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
        if (!stack) return undefined;
        return {
          status: stack.StackStatus ?? 'UNKNOWN',
          outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? ''])),
          parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey!, p.ResolvedValue ?? p.ParameterValue ?? ''])),
        };
      } catch (error) {
        if (named(error, 'ValidationError') && /does not exist/.test((error as Error).message)) return undefined;
        throw error;
      }
    },
  };
}

export function databasePort(clients: AwsClients): DatabasePort {
  return {
    describeGlobalCluster: async (region, id) => {
      const { DescribeGlobalClustersCommand } = await import('@aws-sdk/client-rds');
      let response;
      try {
        response = await (await clients.rds(region)).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }));
      } catch (error) {
        if (named(error, 'GlobalClusterNotFoundFault')) return undefined;
        throw error;
      }
      const gc = response.GlobalClusters?.[0];
      if (!gc) return undefined;
      const f = gc.FailoverState;
      const state: GlobalClusterState = {
        id: gc.GlobalClusterIdentifier ?? id,
        status: gc.Status ?? 'unknown',
        members: (gc.GlobalClusterMembers ?? []).map((m) => ({
          clusterArn: m.DBClusterArn ?? '',
          isWriter: m.IsWriter === true,
          ...(m.SynchronizationStatus ? { synchronizationStatus: m.SynchronizationStatus } : {}),
        })),
        // FailoverState stays present (empty) on some responses: only a status means a switch under way.
        ...(f?.Status
          ? {
              failover: {
                status: f.Status,
                ...(f.FromDbClusterArn ? { fromClusterArn: f.FromDbClusterArn } : {}),
                ...(f.ToDbClusterArn ? { toClusterArn: f.ToDbClusterArn } : {}),
                ...(f.IsDataLossAllowed !== undefined ? { dataLossAllowed: f.IsDataLossAllowed } : {}),
              },
            }
          : {}),
        ...call(response),
      };
      return state;
    },
    switchover: async (region, id, target) => {
      const { SwitchoverGlobalClusterCommand } = await import('@aws-sdk/client-rds');
      return call(await (await clients.rds(region)).send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target })));
    },
    failover: async (region, id, target) => {
      const { FailoverGlobalClusterCommand } = await import('@aws-sdk/client-rds');
      return call(await (await clients.rds(region)).send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target, AllowDataLoss: true })));
    },
    clusterInstances: async (region, clusterId) => {
      const { DescribeDBInstancesCommand } = await import('@aws-sdk/client-rds');
      const response = await (await clients.rds(region)).send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }] }));
      return { instances: (response.DBInstances ?? []).map((i) => ({ id: i.DBInstanceIdentifier ?? '', status: i.DBInstanceStatus ?? 'unknown' })), ...call(response) };
    },
    // The instance the data template would make (db.serverless, the cluster's engine, private, no automatic minor
    // upgrades: the members of a global database upgrade together). https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
    addInstance: async (region, clusterId, instanceId) => {
      const { CreateDBInstanceCommand } = await import('@aws-sdk/client-rds');
      return call(
        await (await clients.rds(region)).send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: instanceId,
            DBClusterIdentifier: clusterId,
            DBInstanceClass: 'db.serverless',
            Engine: 'aurora-postgresql',
            PubliclyAccessible: false,
            AutoMinorVersionUpgrade: false,
            Tags: [{ Key: 'CreatedBy', Value: 'cafe-ops failover' }],
          }),
        ),
      );
    },
  };
}

export function metricsPort(clients: AwsClients): MetricsPort {
  return {
    replicationLag: async (region, clusterId, startMs, endMs) => {
      const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
      const client = await clients.cloudWatch(region);
      const query = (id: string, metric: string) => ({
        Id: id,
        MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metric, Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }] }, Period: 60, Stat: 'Maximum' },
        ReturnData: true,
      });
      const values: Record<string, number[]> = { lag: [], rpo: [] };
      let requestId: string | undefined;
      let token: string | undefined;
      do {
        const page = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: [query('lag', 'AuroraGlobalDBReplicationLag'), query('rpo', 'AuroraGlobalDBRPOLag')],
            StartTime: new Date(startMs),
            EndTime: new Date(endMs),
            ScanBy: 'TimestampDescending',
            ...(token ? { NextToken: token } : {}),
          }),
        );
        requestId ??= requestIdOf(page);
        for (const result of page.MetricDataResults ?? []) values[result.Id!]?.push(...(result.Values ?? []));
        token = page.NextToken;
      } while (token);
      const max = (list: number[]) => (list.length ? Math.max(...list) : undefined);
      const lag = max(values.lag!);
      const rpo = max(values.rpo!);
      return { ...(lag !== undefined ? { replicationLagMs: lag } : {}), ...(rpo !== undefined ? { rpoLagMs: rpo } : {}), ...(requestId ? { requestId } : {}) };
    },
  };
}

export function dnsPort(clients: AwsClients): DnsPort {
  return {
    getHealthCheck: async (id) => {
      const { GetHealthCheckCommand } = await import('@aws-sdk/client-route-53');
      try {
        const response = await (await clients.route53()).send(new GetHealthCheckCommand({ HealthCheckId: id }));
        const config = response.HealthCheck?.HealthCheckConfig;
        return {
          id,
          inverted: config?.Inverted === true,
          disabled: config?.Disabled === true,
          ...(config?.FullyQualifiedDomainName ? { fqdn: config.FullyQualifiedDomainName } : {}),
          ...call(response),
        };
      } catch (error) {
        if (named(error, 'NoSuchHealthCheck')) return undefined;
        throw error;
      }
    },
    healthCheckStatus: async (id) => {
      const { GetHealthCheckStatusCommand } = await import('@aws-sdk/client-route-53');
      const response = await (await clients.route53()).send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      const observations = response.HealthCheckObservations ?? [];
      const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
      return { healthy, total: observations.length, ...call(response) };
    },
    setHealthCheck: async (id, settings) => {
      const { UpdateHealthCheckCommand } = await import('@aws-sdk/client-route-53');
      return call(await (await clients.route53()).send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: settings.inverted, Disabled: settings.disabled })));
    },
  };
}

export function tablesPort(clients: AwsClients): TablesPort {
  const sdk = () => import('@aws-sdk/client-dynamodb');
  return {
    describeReplicas: async (region, table) => {
      const { DescribeTableCommand } = await sdk();
      try {
        const response = await (await clients.dynamoDb(region)).send(new DescribeTableCommand({ TableName: table }));
        return {
          status: response.Table?.TableStatus ?? 'UNKNOWN',
          replicas: (response.Table?.Replicas ?? []).map((r) => ({ region: r.RegionName ?? '', status: r.ReplicaStatus ?? 'UNKNOWN' })),
          ...call(response),
        };
      } catch (error) {
        if (named(error, 'ResourceNotFoundException')) return undefined;
        throw error;
      }
    },
    setWritesPaused: async (region, table, pause) => {
      const { PutItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: MAINTENANCE_KEY },
            writesPaused: { BOOL: pause.paused },
            retryAfterSeconds: { N: String(RETRY_AFTER_SECONDS) },
            reason: { S: pause.paused ? `failover drill ${pause.drillId}` : `resumed by failover drill ${pause.drillId}` },
            updatedAt: { S: new Date(pause.at).toISOString() },
          },
        }),
      );
      return call(response);
    },
    writesPaused: async (region, table) => {
      const { GetItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: MAINTENANCE_KEY } }, ConsistentRead: true }));
      return response.Item?.writesPaused?.BOOL === true;
    },
    maintenance: async (region, table) => {
      const { GetItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: MAINTENANCE_KEY } }, ConsistentRead: true }));
      const item = response.Item;
      return {
        paused: item?.writesPaused?.BOOL === true,
        ...(item?.reason?.S ? { reason: item.reason.S } : {}),
        ...(item?.updatedAt?.S ? { updatedAt: item.updatedAt.S } : {}),
        ...call(response),
      };
    },
    setActiveRegion: async (region, table, traffic) => {
      const { PutItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: TRAFFIC_KEY },
            activeRegion: { S: traffic.activeRegion },
            reason: { S: `failover drill ${traffic.drillId}` },
            updatedAt: { S: new Date(traffic.at).toISOString() },
          },
        }),
      );
      return call(response);
    },
    activeRegion: async (region, table) => {
      const { GetItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: TRAFFIC_KEY } }, ConsistentRead: true }));
      return response.Item?.activeRegion?.S;
    },
    putCanary: async (region, table, canary) => {
      const { PutItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: canary.id },
            drillId: { S: canary.drillId },
            seq: { N: String(canary.seq) },
            region: { S: canary.region },
            writtenAt: { N: String(canary.writtenAt) },
          },
        }),
      );
      return call(response);
    },
    getCanary: async (region, table, id) => {
      const { GetItemCommand } = await sdk();
      const item = (await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: id } }, ConsistentRead: true }))).Item;
      if (!item) return undefined;
      return { id, drillId: item.drillId?.S ?? '', seq: Number(item.seq?.N ?? 0), region: item.region?.S ?? '', writtenAt: Number(item.writtenAt?.N ?? 0) };
    },
  };
}

export function secretsPort(clients: AwsClients): SecretsPort {
  return {
    secretExists: async (region, arn) => {
      const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager');
      try {
        const secret = await (await clients.secretsManager(region)).send(new DescribeSecretCommand({ SecretId: arn }));
        return !secret.DeletedDate;
      } catch (error) {
        if (named(error, 'ResourceNotFoundException')) return false;
        throw error;
      }
    },
    rotation: async (region, arn) => {
      const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager');
      const secret = await (await clients.secretsManager(region)).send(new DescribeSecretCommand({ SecretId: arn }));
      // A version labelled AWSPENDING and not AWSCURRENT is a rotation under way
      // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html).
      const inProgress = Object.values(secret.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'));
      return {
        enabled: secret.RotationEnabled === true,
        inProgress,
        ...(secret.LastRotatedDate ? { lastRotatedAt: secret.LastRotatedDate.toISOString() } : {}),
        ...(secret.PrimaryRegion ? { primaryRegion: secret.PrimaryRegion } : {}),
      };
    },
    keyEnabled: async (region, arn) => {
      const { DescribeKeyCommand } = await import('@aws-sdk/client-kms');
      try {
        const key = (await (await clients.kms(region)).send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata;
        return key?.Enabled === true && key.KeyState === 'Enabled';
      } catch (error) {
        if (named(error, 'NotFoundException')) return false;
        throw error;
      }
    },
  };
}

/**
 * The Aurora canaries over Lambda Invoke (RequestResponse) of the health function, which answers
 * `{ id, region, writtenAt }`, `{ region, found, missing }` or `{ error: { code, message, retryable } }`
 * (functions/health/handler.ts). A crash or timeout of the function (FunctionError) is an error too.
 */
export function canaryPort(clients: AwsClients): CanaryPort {
  const invoke = async (region: string, functionName: string, payload: object): Promise<{ body: Record<string, unknown>; requestId?: string }> => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const response = await (await clients.lambda(region)).send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    const requestId = requestIdOf(response);
    const where = `${functionName} in ${region}`;
    const request = requestId ? ` (request ${requestId})` : '';
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (response.FunctionError) {
      // The runtime's error document: { errorType, errorMessage, trace }. Only the first line of the message is kept.
      const message = typeof body?.errorMessage === 'string' ? body.errorMessage.split('\n')[0]!.slice(0, 300) : 'no error message';
      const type = typeof body?.errorType === 'string' ? `${body.errorType}: ` : '';
      throw new CanaryError(`${where} failed (${response.FunctionError}): ${type}${message}${request}`, /timed out/i.test(message), requestId);
    }
    if (!body) throw new CanaryError(`${where} answered something other than a JSON object${request}`, false, requestId);
    const error = body.error as { message?: unknown; retryable?: unknown } | undefined;
    if (error && typeof error === 'object') {
      throw new CanaryError(`${where}: ${typeof error.message === 'string' ? error.message : 'failed'}${request}`, error.retryable === true, requestId);
    }
    return { body, ...(requestId ? { requestId } : {}) };
  };
  const row = (value: unknown, where: string): AuroraCanaryRow => {
    const r = value as Partial<AuroraCanaryRow> | undefined;
    if (typeof r?.id !== 'string' || typeof r.region !== 'string' || typeof r.writtenAt !== 'string') throw new CanaryError(`${where} answered a canary without id, region and writtenAt`, false);
    return { id: r.id, region: r.region, writtenAt: r.writtenAt };
  };
  return {
    write: async (region, functionName, id) => {
      const { body, requestId } = await invoke(region, functionName, { action: 'canary-write', id });
      return { ...row(body, `${functionName} in ${region}`), ...(requestId ? { requestId } : {}) };
    },
    read: async (region, functionName, ids) => {
      const { body, requestId } = await invoke(region, functionName, { action: 'canary-read', ids });
      if (!Array.isArray(body.found) || !Array.isArray(body.missing)) throw new CanaryError(`${functionName} in ${region} answered a canary read without found and missing`, false, requestId);
      return {
        found: body.found.map((f) => row(f, `${functionName} in ${region}`)),
        missing: body.missing.filter((m): m is string => typeof m === 'string'),
        ...(requestId ? { requestId } : {}),
      };
    },
  };
}

export const lockKey = (environment: string) => `drill-lock#${environment}`;
export const journalKey = (environment: string) => `drill-journal#${environment}`;

/**
 * The shared journal and lock in the control table. The lock is a conditional PutItem
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * it succeeds when no lock exists or the same drill holds it. Conditions are evaluated in the
 * region written to: a global table replicates the winner, last writer wins across regions
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
 * which is why a planned drill takes the lock in both regions.
 */
export function drillStatePort(clients: AwsClients): DrillStatePort {
  const sdk = () => import('@aws-sdk/client-dynamodb');
  const holderOf = (item: Record<string, { S?: string; N?: string }> | undefined): DrillHolder | undefined =>
    item?.drillId?.S ? { drillId: item.drillId.S, holder: item.holder?.S ?? 'unknown', since: Number(item.since?.N ?? 0) } : undefined;
  return {
    acquire: async (region, table, environment, holder) => {
      const { PutItemCommand } = await sdk();
      try {
        const response = await (await clients.dynamoDb(region)).send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: lockKey(environment) }, drillId: { S: holder.drillId }, holder: { S: holder.holder }, since: { N: String(holder.since) } },
            ConditionExpression: 'attribute_not_exists(pk) OR drillId = :me',
            ExpressionAttributeValues: { ':me': { S: holder.drillId } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { acquired: true, ...call(response) };
      } catch (error) {
        if (!named(error, 'ConditionalCheckFailedException')) throw error;
        const held = holderOf((error as { Item?: Record<string, { S?: string; N?: string }> }).Item);
        return { acquired: false, heldBy: held ?? { drillId: 'unknown', holder: 'unknown', since: 0 }, ...call(error) };
      }
    },
    release: async (region, table, environment, drillId) => {
      const { DeleteItemCommand } = await sdk();
      try {
        return call(
          await (await clients.dynamoDb(region)).send(
            new DeleteItemCommand({ TableName: table, Key: { pk: { S: lockKey(environment) } }, ConditionExpression: 'drillId = :me', ExpressionAttributeValues: { ':me': { S: drillId } } }),
          ),
        );
      } catch (error) {
        if (named(error, 'ConditionalCheckFailedException')) return {};
        throw error;
      }
    },
    lockHolder: async (region, table, environment) => {
      const { GetItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: lockKey(environment) } }, ConsistentRead: true }));
      return holderOf(response.Item);
    },
    putJournal: async (region, table, environment, journal) => {
      const { PutItemCommand } = await sdk();
      return call(
        await (await clients.dynamoDb(region)).send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: journalKey(environment) }, drillId: { S: journal.drillId }, body: { S: journal.body }, updatedAt: { N: String(journal.at) } },
          }),
        ),
      );
    },
    getJournal: async (region, table, environment) => {
      const { GetItemCommand } = await sdk();
      const response = await (await clients.dynamoDb(region)).send(new GetItemCommand({ TableName: table, Key: { pk: { S: journalKey(environment) } }, ConsistentRead: true }));
      return response.Item?.body?.S;
    },
  };
}
