/**
 * The blocklist's adapters over the AWS SDK: WAFV2 IP sets, the control table (DynamoDB), the
 * data stack's output that names it (CloudFormation) and the caller (STS). Clients come from
 * AwsClients, the one place that makes them.
 */
import type { AwsClients } from '../aws/clients';
import { systemClock, type Clock } from '../clock';
import { UserError } from '../errors';
import { stackName } from '../stacks/catalog';
import type { IpVersion } from './cidr';
import { LockConflictError, type BlockRecord, type BlockStore, type IpSetRef, type Place, type WafPort } from './ports';

/** Attempts of one read-modify-write before giving up on a set whose lock token keeps changing. */
export const MAX_LOCK_ATTEMPTS = 5;

/**
 * WAF IP sets. UpdateIPSet replaces the whole list ("completely replaces the mutable
 * specifications", Description included) and needs the LockToken of the GetIPSet it follows; a
 * stale token fails with WAFOptimisticLockException, and the fix is to read again and retry:
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateIPSet.html
 * https://docs.aws.amazon.com/botocore/latest/reference/services/wafv2/client/exceptions/WAFOptimisticLockException.html
 * CLOUDFRONT-scope sets are only reachable through us-east-1, which is the edge place's region:
 * https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html
 */
export function wafPort(clients: AwsClients, clock: Clock = systemClock, maxAttempts = MAX_LOCK_ATTEMPTS): WafPort {
  const sdk = () => import('@aws-sdk/client-wafv2');
  return {
    async find(place: Place, version: IpVersion, name: string): Promise<IpSetRef | undefined> {
      const { ListIPSetsCommand } = await sdk();
      const client = await clients.wafv2(place.region);
      let marker: string | undefined;
      do {
        const page = await client.send(new ListIPSetsCommand({ Scope: place.scope, Limit: 100, ...(marker ? { NextMarker: marker } : {}) }));
        const found = page.IPSets?.find((s) => s.Name === name);
        if (found?.Id) return { place, version, name, id: found.Id, ...(found.ARN ? { arn: found.ARN } : {}) };
        // An empty page with a marker would loop for ever on a misbehaving endpoint: stop there.
        marker = page.IPSets?.length ? page.NextMarker : undefined;
      } while (marker);
      return undefined;
    },

    async read(ref: IpSetRef): Promise<string[]> {
      const { GetIPSetCommand } = await sdk();
      const client = await clients.wafv2(ref.place.region);
      const got = await client.send(new GetIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id }));
      return got.IPSet?.Addresses ?? [];
    },

    async modify(ref: IpSetRef, change: (current: string[]) => string[]): Promise<string[]> {
      const { GetIPSetCommand, UpdateIPSetCommand } = await sdk();
      const client = await clients.wafv2(ref.place.region);
      for (let attempt = 1; ; attempt++) {
        const got = await client.send(new GetIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id }));
        const current = got.IPSet?.Addresses ?? [];
        const next = change(current);
        if (next.length === current.length && next.every((a, i) => a === current[i])) return current;
        try {
          await client.send(
            new UpdateIPSetCommand({
              Name: ref.name,
              Scope: ref.place.scope,
              Id: ref.id,
              Addresses: next,
              LockToken: got.LockToken,
              // Left out, the description would be cleared: the call replaces every mutable field.
              ...(got.IPSet?.Description !== undefined ? { Description: got.IPSet.Description } : {}),
            }),
          );
          return next;
        } catch (error) {
          if ((error as { name?: string }).name !== 'WAFOptimisticLockException') throw error;
          if (attempt >= maxAttempts) {
            throw new LockConflictError(`${ref.name} in ${ref.place.region} changed under every one of ${maxAttempts} attempts (WAFOptimisticLockException); another writer is busy with it, try again`);
          }
          // Someone else wrote the set since our read: back off a little (with jitter) and start over from a fresh read.
          await clock.sleep(100 * 2 ** (attempt - 1) + Math.floor(Math.random() * 100));
        }
      }
    },
  };
}

const PREFIX = 'waf#';

/**
 * The blocklist's records in the control table (a DynamoDB global table, key `pk`): one item per
 * range, `pk = waf#<cidr>`. Read with a consistent scan filtered on the prefix; the table is small
 * (the maintenance flag, drill canaries, these records).
 */
export function dynamoBlockStore(clients: AwsClients, region: string, table: string): BlockStore {
  const sdk = () => import('@aws-sdk/client-dynamodb');
  return {
    description: `${table} (${region})`,
    async list(): Promise<BlockRecord[]> {
      const { ScanCommand } = await sdk();
      const client = await clients.dynamoDb(region);
      const records: BlockRecord[] = [];
      let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            ConsistentRead: true,
            FilterExpression: 'begins_with(pk, :prefix)',
            ExpressionAttributeValues: { ':prefix': { S: PREFIX } },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          const s = (key: string) => item[key]?.S;
          if (!s('cidr')) continue;
          records.push({
            cidr: s('cidr')!,
            version: s('version') === 'IPV6' ? 'IPV6' : 'IPV4',
            reason: s('reason') ?? '',
            blockedBy: s('blockedBy') ?? 'unknown',
            blockedAt: s('blockedAt') ?? '',
            ...(s('expiresAt') ? { expiresAt: s('expiresAt')! } : {}),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return records;
    },
    async put(record: BlockRecord): Promise<void> {
      const { PutItemCommand } = await sdk();
      const client = await clients.dynamoDb(region);
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: `${PREFIX}${record.cidr}` },
            cidr: { S: record.cidr },
            version: { S: record.version },
            reason: { S: record.reason },
            blockedBy: { S: record.blockedBy },
            blockedAt: { S: record.blockedAt },
            ...(record.expiresAt ? { expiresAt: { S: record.expiresAt } } : {}),
          },
        }),
      );
    },
    async remove(cidr: string): Promise<void> {
      const { DeleteItemCommand } = await sdk();
      const client = await clients.dynamoDb(region);
      await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `${PREFIX}${cidr}` } } }));
    },
  };
}

/** The control table's name: the primary data stack's `ControlTableName` output. */
export async function controlTableName(clients: AwsClients, env: { project: string; name: string; primaryRegion: string }): Promise<string> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const name = stackName(env.project, env.name, 'data');
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    outputs = (await (await clients.cloudFormation(env.primaryRegion)).send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.Outputs;
  } catch (error) {
    if (/does not exist/i.test((error as Error).message ?? '')) throw new UserError(`stack ${name} does not exist in ${env.primaryRegion}: the blocklist's records live in its control table`, 'deploy the data stack first');
    throw error;
  }
  const table = outputs?.find((o) => o.OutputKey === 'ControlTableName')?.OutputValue;
  if (!table) throw new UserError(`stack ${name} in ${env.primaryRegion} has no ControlTableName output`, 'deploy the data stack (templates/data.yaml) to completion');
  return table;
}

/** The ARN of the credentials in use, recorded as who blocked a range. */
export function callerIdentity(clients: AwsClients, region: string): () => Promise<string> {
  return async () => {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    return (await (await clients.sts(region)).send(new GetCallerIdentityCommand({}))).Arn ?? 'unknown';
  };
}
