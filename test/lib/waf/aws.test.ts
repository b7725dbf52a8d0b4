/**
 * The blocklist adapters pinned to the SDK's request and response shapes. UpdateIPSet replaces the
 * whole list and needs the LockToken of the read before it; a stale token is
 * WAFOptimisticLockException, answered by reading again:
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateIPSet.html
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetIPSetCommand, ListIPSetsCommand, UpdateIPSetCommand, WAFNonexistentItemException, WAFOptimisticLockException, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../src/lib/aws/clients';
import { callerIdentity, controlTableName, dynamoBlockStore, MAX_LOCK_ATTEMPTS, wafPort } from '../../../src/lib/waf/aws';
import { LockConflictError, type IpSetRef } from '../../../src/lib/waf/ports';
import { FakeClock } from '../../support/fake-clock';

const meta = { $metadata: { httpStatusCode: 200, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 } };
const EDGE = { key: 'edge' as const, scope: 'CLOUDFRONT' as const, region: 'us-east-1' };
const REF: IpSetRef = { place: EDGE, version: 'IPV4', name: 'cafe-production-blocklist-ipv4', id: 'a1b2c3' };
const ipSet = (addresses: string[], lockToken: string) => ({
  IPSet: { Name: REF.name, Id: REF.id, ARN: `arn:aws:wafv2:us-east-1:222222222222:global/ipset/${REF.name}/a1b2c3`, IPAddressVersion: 'IPV4' as const, Addresses: addresses, Description: 'Blocked by cafe-ops waf block' },
  LockToken: lockToken,
  ...meta,
});
const lockError = () => new WAFOptimisticLockException({ message: 'AWS WAF couldn’t save your changes because you tried to update or delete a resource that has changed since you last retrieved it.', $metadata: {} });

describe('waf adapters (AWS SDK shapes)', () => {
  const waf = mockClient(WAFV2Client);
  const ddb = mockClient(DynamoDBClient);
  const cfn = mockClient(CloudFormationClient);
  const sts = mockClient(STSClient);
  const clients = new AwsClients();
  afterEach(() => [waf, ddb, cfn, sts].forEach((m) => m.reset()));
  afterAll(() => [waf, ddb, cfn, sts].forEach((m) => m.restore()));

  it('finds an IP set by name in its scope, across pages, in us-east-1 for CLOUDFRONT', async () => {
    waf
      .on(ListIPSetsCommand)
      .resolvesOnce({ IPSets: [{ Name: 'other', Id: 'x', ARN: 'arn:x', LockToken: 't', Description: '' }], NextMarker: 'm2', ...meta })
      .resolvesOnce({ IPSets: [{ Name: REF.name, Id: 'a1b2c3', ARN: 'arn:ipset', LockToken: 't', Description: '' }], ...meta });
    const found = await wafPort(clients).find(EDGE, 'IPV4', REF.name);
    expect(found).toEqual({ ...REF, arn: 'arn:ipset' });
    const calls = waf.commandCalls(ListIPSetsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { Scope: 'CLOUDFRONT', Limit: 100 },
      { Scope: 'CLOUDFRONT', Limit: 100, NextMarker: 'm2' },
    ]);
    expect(await (await clients.wafv2('us-east-1')).config.region()).toBe('us-east-1');
    waf.on(ListIPSetsCommand).resolves({ IPSets: [], ...meta });
    expect(await wafPort(clients).find(EDGE, 'IPV6', 'cafe-production-blocklist-ipv6')).toBeUndefined();
  });

  it('writes the whole list back with the lock token it read, keeping the description', async () => {
    waf.on(GetIPSetCommand).resolves(ipSet(['46.1.1.1/32'], 'token-1'));
    waf.on(UpdateIPSetCommand).resolves({ NextLockToken: 'token-2', ...meta });
    const written = await wafPort(clients).modify(REF, (current) => [...current, '45.12.3.4/32']);
    expect(written).toEqual(['46.1.1.1/32', '45.12.3.4/32']);
    expect(waf.commandCalls(GetIPSetCommand)[0]!.args[0].input).toEqual({ Name: REF.name, Scope: 'CLOUDFRONT', Id: 'a1b2c3' });
    expect(waf.commandCalls(UpdateIPSetCommand)[0]!.args[0].input).toEqual({
      Name: REF.name,
      Scope: 'CLOUDFRONT',
      Id: 'a1b2c3',
      Addresses: ['46.1.1.1/32', '45.12.3.4/32'],
      LockToken: 'token-1',
      Description: 'Blocked by cafe-ops waf block',
    });
  });

  it('does not write when the change leaves the list as it is', async () => {
    waf.on(GetIPSetCommand).resolves(ipSet(['46.1.1.1/32'], 'token-1'));
    expect(await wafPort(clients).modify(REF, (current) => current)).toEqual(['46.1.1.1/32']);
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(0);
  });

  it('on WAFOptimisticLockException reads again and reapplies the change to the fresh list and token', async () => {
    waf.on(GetIPSetCommand).resolvesOnce(ipSet(['46.1.1.1/32'], 'token-1')).resolvesOnce(ipSet(['46.1.1.1/32', '47.2.2.2/32'], 'token-7'));
    waf.on(UpdateIPSetCommand).rejectsOnce(lockError()).resolves({ NextLockToken: 'token-8', ...meta });
    const clock = new FakeClock();
    const written = await wafPort(clients, clock).modify(REF, (current) => [...current, '45.12.3.4/32']);
    // The other writer's 47.2.2.2 survives: the change is applied to what the second read returned.
    expect(written).toEqual(['46.1.1.1/32', '47.2.2.2/32', '45.12.3.4/32']);
    const updates = waf.commandCalls(UpdateIPSetCommand).map((c) => [c.args[0].input.LockToken, c.args[0].input.Addresses]);
    expect(updates).toEqual([
      ['token-1', ['46.1.1.1/32', '45.12.3.4/32']],
      ['token-7', ['46.1.1.1/32', '47.2.2.2/32', '45.12.3.4/32']],
    ]);
    expect(clock.now()).toBeGreaterThanOrEqual(100);
  });

  it('gives up after a bounded number of lock conflicts, and passes other errors through at once', async () => {
    waf.on(GetIPSetCommand).resolves(ipSet([], 'token'));
    waf.on(UpdateIPSetCommand).rejects(lockError());
    const attempt = wafPort(clients, new FakeClock()).modify(REF, () => ['45.12.3.4/32']);
    await expect(attempt).rejects.toThrow(LockConflictError);
    await expect(attempt).rejects.toThrow(/changed under every one of 5 attempts \(WAFOptimisticLockException\)/);
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(MAX_LOCK_ATTEMPTS);
    waf.reset();
    waf.on(GetIPSetCommand).resolves(ipSet([], 'token'));
    waf.on(UpdateIPSetCommand).rejects(new WAFNonexistentItemException({ message: 'not found', $metadata: {} }));
    await expect(wafPort(clients, new FakeClock()).modify(REF, () => ['45.12.3.4/32'])).rejects.toThrow(WAFNonexistentItemException);
    expect(waf.commandCalls(UpdateIPSetCommand)).toHaveLength(1);
  });

  it('keeps records in the control table under pk waf#<cidr>', async () => {
    ddb.on(ScanCommand).resolvesOnce({
      Items: [{ pk: { S: 'waf#45.12.3.4/32' }, cidr: { S: '45.12.3.4/32' }, version: { S: 'IPV4' }, reason: { S: 'scraper' }, blockedBy: { S: 'arn:aws:sts::2:assumed-role/Oncall/alice' }, blockedAt: { S: '2026-12-01T12:00:00.000Z' }, expiresAt: { S: '2026-12-02T12:00:00.000Z' } }],
      LastEvaluatedKey: { pk: { S: 'waf#45.12.3.4/32' } },
      ...meta,
    }).resolvesOnce({ Items: [{ pk: { S: 'waf#2a01:4f8:10::/48' }, cidr: { S: '2a01:4f8:10::/48' }, version: { S: 'IPV6' }, reason: { S: 'x' }, blockedBy: { S: 'b' }, blockedAt: { S: 'c' } }], ...meta });
    const store = dynamoBlockStore(clients, 'eu-west-1', 'cafe-production-control');
    expect(await store.list()).toEqual([
      { cidr: '45.12.3.4/32', version: 'IPV4', reason: 'scraper', blockedBy: 'arn:aws:sts::2:assumed-role/Oncall/alice', blockedAt: '2026-12-01T12:00:00.000Z', expiresAt: '2026-12-02T12:00:00.000Z' },
      { cidr: '2a01:4f8:10::/48', version: 'IPV6', reason: 'x', blockedBy: 'b', blockedAt: 'c' },
    ]);
    const scans = ddb.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(scans[0]).toEqual({ TableName: 'cafe-production-control', ConsistentRead: true, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: { ':prefix': { S: 'waf#' } } });
    expect(scans[1]!.ExclusiveStartKey).toEqual({ pk: { S: 'waf#45.12.3.4/32' } });
    ddb.on(PutItemCommand).resolves(meta);
    ddb.on(DeleteItemCommand).resolves(meta);
    await store.put({ cidr: '45.12.3.4/32', version: 'IPV4', reason: 'r', blockedBy: 'me', blockedAt: 'now' });
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input).toEqual({
      TableName: 'cafe-production-control',
      Item: { pk: { S: 'waf#45.12.3.4/32' }, cidr: { S: '45.12.3.4/32' }, version: { S: 'IPV4' }, reason: { S: 'r' }, blockedBy: { S: 'me' }, blockedAt: { S: 'now' } },
    });
    await store.remove('45.12.3.4/32');
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).toEqual({ TableName: 'cafe-production-control', Key: { pk: { S: 'waf#45.12.3.4/32' } } });
  });

  it('finds the control table from the primary data stack, and records the caller ARN', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cafe-production-data' }).resolves({
      Stacks: [{ StackName: 'cafe-production-data', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'ControlTableName', OutputValue: 'cafe-production-control' }] }],
      ...meta,
    });
    expect(await controlTableName(clients, { project: 'cafe', name: 'production', primaryRegion: 'eu-west-1' })).toBe('cafe-production-control');
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id cafe-staging-data does not exist'), { name: 'ValidationError' }));
    await expect(controlTableName(clients, { project: 'cafe', name: 'staging', primaryRegion: 'eu-west-1' })).rejects.toThrow(/stack cafe-staging-data does not exist in eu-west-1/);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/Oncall/alice', UserId: 'AROA:alice', ...meta });
    expect(await callerIdentity(clients, 'eu-west-1')()).toBe('arn:aws:sts::222222222222:assumed-role/Oncall/alice');
  });
});
