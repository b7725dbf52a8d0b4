/**
 * `cafe-ops waf block | list | unblock` end to end against moto_server (WAFv2 IP sets with lock
 * tokens, DynamoDB, CloudFormation stack outputs, STS) on 127.0.0.1. moto creates no
 * AWS::WAFv2::IPSet from a template, so the test creates the sets the edge and app stacks would,
 * with their names, through the WAFv2 API; the data stack (the control table and its output) is a
 * real CloudFormation stack. moto does not check addresses or the 10,000-entry limit, and does not
 * keep CLOUDFRONT scope to us-east-1: the engine's own checks (test/lib/waf) cover those.
 */
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateIPSetCommand, GetIPSetCommand, UpdateIPSetCommand } from '@aws-sdk/client-wafv2';
import { AwsClients } from '../../src/lib/aws/clients';
import { wafPort } from '../../src/lib/waf/aws';
import type { WafResult } from '../../src/lib/waf/engine';
import type { IpSetRef, Place } from '../../src/lib/waf/ports';
import { cli } from '../support/cli';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

const ENV = { project: 'cafe', name: 'staging', primaryRegion: 'eu-west-1', secondaryRegion: 'eu-central-1' };
const PLACES: Place[] = [
  { key: 'edge', scope: 'CLOUDFRONT', region: 'us-east-1' },
  { key: 'primary', scope: 'REGIONAL', region: ENV.primaryRegion },
  { key: 'secondary', scope: 'REGIONAL', region: ENV.secondaryRegion },
];
const TABLE = 'cafe-staging-control';

const DATA_STACK = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    ControlTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: TABLE, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
    },
  },
  Outputs: { ControlTableName: { Value: { Ref: 'ControlTable' } } },
});

describeWithTool(TOOLS.moto, 'cafe-ops waf on the emulator')('cafe-ops waf on the emulator (moto: WAFv2, DynamoDB, CloudFormation, STS)', () => {
  let moto: Moto;
  let clients: AwsClients;
  const refs = new Map<string, IpSetRef>();

  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpointUrl: moto.endpoint });
    await (await clients.cloudFormation(ENV.primaryRegion)).send(new CreateStackCommand({ StackName: 'cafe-staging-data', TemplateBody: DATA_STACK }));
    for (const place of PLACES) {
      for (const version of ['IPV4', 'IPV6'] as const) {
        const name = `cafe-staging-blocklist-${version.toLowerCase()}`;
        const created = await (await clients.wafv2(place.region)).send(
          new CreateIPSetCommand({ Name: name, Scope: place.scope, IPAddressVersion: version, Addresses: [], Description: 'Blocked by cafe-ops waf block - managed by the CLI, not by this template' }),
        );
        refs.set(`${place.key}/${version}`, { place, version, name, id: created.Summary!.Id! });
      }
    }
  }, 120_000);
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  const waf = (...args: string[]) => cli(['waf', ...args, '--env', 'staging', '--endpoint-url', moto.endpoint], { env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing' } });
  const addresses = async (place: string, version: 'IPV4' | 'IPV6' = 'IPV4') => {
    const ref = refs.get(`${place}/${version}`)!;
    const got = await (await clients.wafv2(ref.place.region)).send(new GetIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id }));
    return got.IPSet?.Addresses ?? [];
  };

  it('blocks in all three web ACLs, lists who, why and until when, and unblocks', async () => {
    const blocked = await waf('block', '45.12.3.4', '2a01:4f8:10::/48', '--reason', 'scraping the menu', '--for', '24h', '--yes', '--json');
    expect(blocked.stderr).toMatch(/ignored: --endpoint-url points at an emulator/);
    expect(blocked.code).toBe(0);
    const result = JSON.parse(blocked.stdout) as WafResult;
    expect(result.ok).toBe(true);
    expect(result.places.map((p) => `${p.place} ${p.region} ${p.scope} ${p.status}`)).toEqual(['edge us-east-1 CLOUDFRONT updated', 'primary eu-west-1 REGIONAL updated', 'secondary eu-central-1 REGIONAL updated']);
    for (const place of ['edge', 'primary', 'secondary']) {
      expect(await addresses(place, 'IPV4')).toEqual(['45.12.3.4/32']);
      expect(await addresses(place, 'IPV6')).toEqual(['2a01:4f8:10::/48']);
    }
    const item = await (await clients.dynamoDb(ENV.primaryRegion)).send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'waf#45.12.3.4/32' } } }));
    expect(item.Item?.reason?.S).toBe('scraping the menu');
    expect(item.Item?.blockedBy?.S).toMatch(/^arn:aws:(sts|iam)::123456789012:/);
    expect(Date.parse(item.Item!.expiresAt!.S!) - Date.parse(item.Item!.blockedAt!.S!)).toBe(24 * 3_600_000);

    const listed = await waf('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/45\.12\.3\.4\/32\s+yes\s+yes\s+yes\s+\S+\s+\S+Z\s+scraping the menu/);

    const again = await waf('block', '45.12.3.0/24', '--reason', 'x', '--yes');
    expect(again.code).toBe(0);
    const dup = await waf('block', '45.12.3.7', '--reason', 'x', '--yes');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/^Error: 45\.12\.3\.7\/32 is already blocked by 45\.12\.3\.0\/24/m);

    const unblocked = await waf('unblock', '45.12.3.4', '45.12.3.0/24', '2a01:4f8:10::/48', '--yes', '--json');
    expect(unblocked.code).toBe(0);
    expect((JSON.parse(unblocked.stdout) as WafResult).entries).toEqual([]);
    for (const place of ['edge', 'primary', 'secondary']) expect(await addresses(place)).toEqual([]);
  }, 180_000);

  it('removes an expired range from every set and the table at the next command', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    await (await clients.dynamoDb(ENV.primaryRegion)).send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'waf#46.1.1.0/24' }, cidr: { S: '46.1.1.0/24' }, version: { S: 'IPV4' }, reason: { S: 'one hour' }, blockedBy: { S: 'arn:aws:sts::123456789012:assumed-role/Oncall/alice' }, blockedAt: { S: past }, expiresAt: { S: past } } }),
    );
    for (const place of ['edge', 'primary', 'secondary']) {
      const ref = refs.get(`${place}/IPV4`)!;
      const client = await clients.wafv2(ref.place.region);
      const got = await client.send(new GetIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id }));
      await client.send(new UpdateIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id, Addresses: ['46.1.1.0/24'], LockToken: got.LockToken }));
    }
    const listed = await waf('list', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as WafResult).expired).toEqual(['46.1.1.0/24']);
    for (const place of ['edge', 'primary', 'secondary']) expect(await addresses(place)).toEqual([]);
    const item = await (await clients.dynamoDb(ENV.primaryRegion)).send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'waf#46.1.1.0/24' } } }));
    expect(item.Item).toBeUndefined();
  }, 120_000);

  it('retries on the emulator\'s WAFOptimisticLockException when another writer changes the set in between', async () => {
    const ref = refs.get('primary/IPV4')!;
    const ours = new AwsClients({ endpointUrl: moto.endpoint });
    const theirs = await clients.wafv2(ref.place.region);
    let interfered = false;
    // Before our first UpdateIPSet goes out, another writer updates the set: our lock token is then stale.
    (await ours.wafv2(ref.place.region)).middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateIPSetCommand' && !interfered) {
          interfered = true;
          const got = await theirs.send(new GetIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id }));
          await theirs.send(new UpdateIPSetCommand({ Name: ref.name, Scope: ref.place.scope, Id: ref.id, Addresses: ['47.2.2.2/32'], LockToken: got.LockToken }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'interfere' },
    );
    let reads = 0;
    const written = await wafPort(ours).modify(ref, (current) => {
      reads++;
      return [...current, '45.12.3.4/32'];
    });
    ours.destroy();
    expect(interfered).toBe(true);
    expect(reads).toBe(2);
    // The other writer's address survives: the change was reapplied to the fresh list.
    expect(written).toEqual(['47.2.2.2/32', '45.12.3.4/32']);
    expect(await addresses('primary')).toEqual(written);
  }, 60_000);
});
