/**
 * The failover drill's Route 53, CloudWatch, DynamoDB, Secrets Manager and KMS adapters against
 * moto_server, and its HTTP checks against a local server; then a whole drill over them. moto has
 * no Aurora global switchover or DynamoDB global-table replication: those stay on the fakes (the
 * RDS adapter is pinned to the real shapes in test/lib/failover/aws.test.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import { CreateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { CreateSecretCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { AwsClients } from '../../src/lib/aws/clients';
import { dnsPort, metricsPort, secretsPort, tablesPort } from '../../src/lib/failover/aws';
import { runDrill } from '../../src/lib/failover/drill';
import { DEFAULT_SETTINGS } from '../../src/lib/failover/engine';
import { fetchHttpPort } from '../../src/lib/failover/http';
import { fileJournalStore } from '../../src/lib/failover/journal';
import { systemClock, type FailoverPorts, type HttpPort, type TablesPort } from '../../src/lib/failover/ports';
import type { DrillReport } from '../../src/lib/failover/report';
import { createMemoryOutput } from '../support/memory-output';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';
import { CONTROL, ENV, FakeWorld } from '../lib/failover/fakes';

const PRIMARY = ENV.primaryRegion;
const SECONDARY = ENV.secondaryRegion;
const TABLES = ['menu', 'carts', 'idempotency', 'control'].map((t) => `cafe-production-${t}`);

async function createHealthCheck(clients: AwsClients, host: string): Promise<string> {
  const r53 = await clients.route53();
  const created = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: `${host}-${Date.now()}`,
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: host, ResourcePath: '/health', Port: 443, RequestInterval: 10, FailureThreshold: 3, EnableSNI: true },
    }),
  );
  return created.HealthCheck!.Id!;
}

/** A local stand-in for both regional APIs and the public name, which follows the Route 53 primary health check. */
async function startApi(primaryCheck: () => Promise<{ inverted: boolean; disabled: boolean } | undefined>): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const [, isPublic, region, path] = /^\/(?:(public)|r\/([a-z0-9-]+))(\/.*)$/.exec(req.url ?? '') ?? [];
      const scope = isPublic ? 'public' : 'r';
      let served = region;
      if (scope === 'public') {
        const check = await primaryCheck();
        served = check?.disabled && check.inverted ? SECONDARY : PRIMARY;
      }
      hits.push(`${scope} ${served} ${req.method === 'GET' ? '' : `${req.method} `}${path}`);
      if (path === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      res.setHeader('content-type', 'application/json');
      if (path === '/health/canary' && req.method === 'POST') {
        // AWS_IAM: a SigV4 signature for execute-api in the region that serves the request.
        const signed = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/execute-api\/aws4_request,/.exec(req.headers.authorization ?? '');
        if (signed?.[1] !== served) return void res.writeHead(403).end('{"message":"Missing Authentication Token"}');
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const { id } = JSON.parse(body) as { id: string };
        res.statusCode = 201;
        return void res.end(JSON.stringify({ id, region: served, writtenAt: new Date().toISOString() }));
      }
      if (path === '/health') return void res.end(JSON.stringify({ status: 'ok', region: served, role: 'primary' }));
      if (path === '/menu') return void res.end('[{"id":"espresso","price":250}]');
      res.statusCode = 404;
      res.end('{"error":"not_found"}');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${address.port}`, hits };
}

/** Sends the café's HTTPS names to the local server. */
function localHttp(base: string): HttpPort {
  const real = fetchHttpPort(async () => ({ accessKeyId: 'AKIDLOCALDRILL', secretAccessKey: 'local-drill-secret' }));
  const local = (url: string) => {
    const u = new URL(url);
    const regional = /^api-([a-z0-9-]+)\.cafe\.example\.com$/.exec(u.hostname);
    return regional ? `${base}/r/${regional[1]}${u.pathname}` : u.hostname === `api.${ENV.domain}` ? `${base}/public${u.pathname}` : url;
  };
  return {
    get: (url, timeoutMs) => real.get(local(url), timeoutMs),
    postSigned: (url, body, region, timeoutMs) => real.postSigned(local(url), body, region, timeoutMs),
  };
}

describeWithTool(TOOLS.moto, 'failover against moto_server')('failover against moto_server and a local API', () => {
  let moto: Moto;
  let clients: AwsClients;
  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpointUrl: moto.endpoint });
  }, 90_000);
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  it('Route 53: reads a health check, forces it unhealthy (Disabled + Inverted) and back, reads checker status', async () => {
    const id = await createHealthCheck(clients, 'api-eu-west-1.cafe.example.com');
    const dns = dnsPort(clients);
    expect(await dns.getHealthCheck(id)).toMatchObject({ id, inverted: false, disabled: false, fqdn: 'api-eu-west-1.cafe.example.com' });
    await dns.setHealthCheck(id, { inverted: true, disabled: true });
    expect(await dns.getHealthCheck(id)).toMatchObject({ inverted: true, disabled: true });
    await dns.setHealthCheck(id, { inverted: false, disabled: false });
    expect(await dns.getHealthCheck(id)).toMatchObject({ inverted: false, disabled: false });
    const status = await dns.healthCheckStatus(id);
    expect(status.total).toBeGreaterThan(0);
    expect(status.healthy).toBe(status.total);
    expect(await dns.getHealthCheck('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('CloudWatch: reads the largest Aurora global lag of one cluster over the window', async () => {
    const cw = await clients.cloudWatch(SECONDARY);
    const now = Date.now();
    const point = (metric: string, cluster: string, value: number, ago: number) => ({
      MetricName: metric, Dimensions: [{ Name: 'DBClusterIdentifier', Value: cluster }], Timestamp: new Date(now - ago), Value: value, Unit: 'Milliseconds' as const,
    });
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          point('AuroraGlobalDBReplicationLag', 'cafe-production-secondary', 140, 120_000),
          point('AuroraGlobalDBReplicationLag', 'cafe-production-secondary', 610, 60_000),
          point('AuroraGlobalDBRPOLag', 'cafe-production-secondary', 700, 60_000),
          point('AuroraGlobalDBReplicationLag', 'some-other-cluster', 99_000, 60_000),
        ],
      }),
    );
    const lag = await metricsPort(clients).replicationLag(SECONDARY, 'cafe-production-secondary', now - 5 * 60_000, now + 60_000);
    expect(lag).toMatchObject({ replicationLagMs: 610, rpoLagMs: 700 });
    expect(await metricsPort(clients).replicationLag(SECONDARY, 'nothing-here', now - 5 * 60_000, now + 60_000)).not.toHaveProperty('replicationLagMs');
  });

  it('DynamoDB: the maintenance flag and canaries round-trip through the control table', async () => {
    const ddb = await clients.dynamoDb(PRIMARY);
    await ddb.send(new CreateTableCommand({ TableName: CONTROL, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    const tables = tablesPort(clients);
    expect(await tables.writesPaused(PRIMARY, CONTROL)).toBe(false);
    expect((await tables.setWritesPaused(PRIMARY, CONTROL, { paused: true, drillId: 'd1', at: Date.now() })).requestId).toBeTruthy();
    expect(await tables.writesPaused(PRIMARY, CONTROL)).toBe(true);
    await tables.setWritesPaused(PRIMARY, CONTROL, { paused: false, drillId: 'd1', at: Date.now() });
    expect(await tables.writesPaused(PRIMARY, CONTROL)).toBe(false);
    const canary = { id: 'canary#d1#1', drillId: 'd1', seq: 1, region: PRIMARY, writtenAt: Date.now() };
    await tables.putCanary(PRIMARY, CONTROL, canary);
    expect(await tables.getCanary(PRIMARY, CONTROL, canary.id)).toEqual(canary);
    expect(await tables.getCanary(PRIMARY, CONTROL, 'canary#d1#9')).toBeUndefined();
    expect(await tables.describeReplicas(PRIMARY, CONTROL)).toMatchObject({ status: 'ACTIVE' });
    expect(await tables.describeReplicas(PRIMARY, 'no-such-table')).toBeUndefined();
  });

  it('Secrets Manager and KMS: a secret and an enabled key are found, a missing secret and a disabled key are not', async () => {
    const secret = await (await clients.secretsManager(SECONDARY)).send(new CreateSecretCommand({ Name: 'cafe/production/db', SecretString: '{"password":"generated"}' }));
    const key = await (await clients.kms(SECONDARY)).send(new CreateKeyCommand({ Description: 'cafe platform key', MultiRegion: true }));
    const disabled = await (await clients.kms(SECONDARY)).send(new CreateKeyCommand({ Description: 'off' }));
    await (await clients.kms(SECONDARY)).send(new DisableKeyCommand({ KeyId: disabled.KeyMetadata!.KeyId! }));
    const port = secretsPort(clients);
    expect(await port.secretExists(SECONDARY, secret.ARN!)).toBe(true);
    expect(await port.secretExists(SECONDARY, 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:cafe/production/none-AbCdEf')).toBe(false);
    expect(await port.keyEnabled(SECONDARY, key.KeyMetadata!.Arn!)).toBe(true);
    expect(await port.keyEnabled(SECONDARY, disabled.KeyMetadata!.Arn!)).toBe(false);
  });

  it('Secrets Manager: DescribeSecret shows a rotation under way while a version is AWSPENDING and not AWSCURRENT', async () => {
    // The createSecret step of a rotation puts the pending version; finishSecret moves AWSCURRENT onto it
    // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html).
    const sm = await clients.secretsManager(PRIMARY);
    const secret = await sm.send(new CreateSecretCommand({ Name: 'cafe/production/aurora-app', SecretString: '{"username":"cafe_app","password":"one"}' }));
    const port = secretsPort(clients);
    expect(await port.rotation(PRIMARY, secret.ARN!)).toMatchObject({ enabled: false, inProgress: false });
    const token = '11111111-2222-3333-4444-555555555555';
    await sm.send(new PutSecretValueCommand({ SecretId: secret.ARN!, ClientRequestToken: token, SecretString: '{"username":"cafe_app_clone","password":"two"}', VersionStages: ['AWSPENDING'] }));
    expect(await port.rotation(PRIMARY, secret.ARN!)).toMatchObject({ inProgress: true });
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: secret.ARN!, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: secret.VersionId! }));
    // AWSPENDING and AWSCURRENT on the same version: done.
    expect(await port.rotation(PRIMARY, secret.ARN!)).toMatchObject({ inProgress: false });
  });

  it('HTTP: answers, statuses, timeouts and refused connections', async () => {
    const api = await startApi(async () => undefined);
    try {
      const http = fetchHttpPort();
      expect(await http.get(`${api.base}/r/eu-west-1/health`, 2_000)).toEqual({ status: 200, body: '{"status":"ok","region":"eu-west-1","role":"primary"}' });
      expect((await http.get(`${api.base}/r/eu-west-1/nothing`, 2_000)).status).toBe(404);
      await expect(http.get(`${api.base}/r/eu-west-1/slow`, 200)).rejects.toThrow(/timeout|aborted/i);
      await expect(http.get('http://127.0.0.1:9/health', 2_000)).rejects.toThrow();
    } finally {
      api.server.closeAllConnections();
      api.server.close();
    }
  });

  it('a whole drill and its failback over moto Route 53, CloudWatch, DynamoDB, Secrets Manager, KMS and a local API', async () => {
    const dns = dnsPort(clients);
    const checks = { primary: await createHealthCheck(clients, 'api-eu-west-1.cafe.example.com'), secondary: await createHealthCheck(clients, 'api-eu-central-1.cafe.example.com') };
    for (const region of [PRIMARY, SECONDARY]) {
      const ddb = await clients.dynamoDb(region);
      for (const table of TABLES) {
        await ddb.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
      }
    }
    const cw = await clients.cloudWatch(SECONDARY);
    const cwPrimary = await clients.cloudWatch(PRIMARY);
    for (const [client, cluster] of [[cw, 'cafe-production-secondary'], [cwPrimary, 'cafe-production-primary']] as const) {
      await client.send(new PutMetricDataCommand({ Namespace: 'AWS/RDS', MetricData: ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag'].map((m) => ({ MetricName: m, Dimensions: [{ Name: 'DBClusterIdentifier', Value: cluster }], Timestamp: new Date(Date.now() - 30_000), Value: 85, Unit: 'Milliseconds' as const })) }));
    }
    const world = new FakeWorld({ clock: systemClock, switchMs: 300, failoverMs: 300 });
    const outputs = (region: string, stack: string) => world.stacks.get(`${region}/cafe-production-${stack}`)!.outputs;
    Object.assign(outputs('us-east-1', 'edge'), { PrimaryHealthCheckId: checks.primary, SecondaryHealthCheckId: checks.secondary });
    for (const region of [PRIMARY, SECONDARY]) {
      const secrets = await clients.secretsManager(region);
      const db = await secrets.send(new CreateSecretCommand({ Name: 'cafe/production/db', SecretString: '{}' }));
      const app = await secrets.send(new CreateSecretCommand({ Name: 'cafe/production/app', SecretString: '{}' }));
      const pay = await secrets.send(new CreateSecretCommand({ Name: 'cafe/production/payment', SecretString: '{}' }));
      const key = await (await clients.kms(region)).send(new CreateKeyCommand({ MultiRegion: true }));
      Object.assign(outputs(region, 'security'), { DbSecretArn: db.ARN!, AppDbSecretArn: app.ARN!, PaymentApiKeySecretArn: pay.ARN!, KmsKeyArn: key.KeyMetadata!.Arn! });
    }
    const api = await startApi(() => dns.getHealthCheck(checks.primary));
    const moto = tablesPort(clients);
    // moto keeps each region's table apart: replicate writes the way a global table would.
    const tables: TablesPort = {
      ...moto,
      describeReplicas: world.ports().tables.describeReplicas,
      setWritesPaused: async (region, table, pause) => {
        const call = await moto.setWritesPaused(region, table, pause);
        await moto.setWritesPaused(region === PRIMARY ? SECONDARY : PRIMARY, table, pause);
        return call;
      },
      putCanary: async (region, table, canary) => {
        const call = await moto.putCanary(region, table, canary);
        await moto.putCanary(region === PRIMARY ? SECONDARY : PRIMARY, table, canary);
        return call;
      },
    };
    const fake = world.ports();
    const ports: FailoverPorts = { ...fake, clock: systemClock, metrics: metricsPort(clients), dns, tables, http: localHttp(api.base), secrets: secretsPort(clients) };
    const dir = mkdtempSync(join(tmpdir(), 'cafe-failover-'));
    const store = fileJournalStore(dir);
    const settings = { ...DEFAULT_SETTINGS, ttlMs: 50, drainMs: 50, trafficSwitch: 'health-check' as const, poll: { initialMs: 20, maxMs: 100 } };
    try {
      const out = createMemoryOutput();
      const there = (await runDrill({ env: ENV, action: 'failover', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, settings }, { ports, store, out: out.output })) as DrillReport & { reportFiles: string[] };
      expect(there.stop?.reason ?? there.state).toBe('completed');
      // The secrets created here have no rotation configured (moto runs no rotation function): that check warns.
      expect(there.preflight.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['secret-rotation', 'warn']]);
      expect(await dns.getHealthCheck(checks.primary)).toMatchObject({ inverted: true, disabled: true });
      expect(await moto.writesPaused(SECONDARY, CONTROL)).toBe(false);
      expect(there.lagBeforeSwitch).toEqual({ replicationLagMs: 85, rpoLagMs: 85 });
      expect(there.rpo.ms).toBe(0);
      expect(api.hits).toContain(`public ${SECONDARY} /health`);
      expect(api.hits).toContain(`public ${SECONDARY} /menu`);
      // The signed writes, through the public name and the target's own name, answered by the target.
      expect(api.hits.filter((h) => h.includes('POST'))).toEqual([`public ${SECONDARY} POST /health/canary`, `r ${SECONDARY} POST /health/canary`]);
      // Route 53 and DynamoDB request ids from moto are in the timeline.
      expect(there.timeline.find((t) => t.step === 'move-traffic')!.requestIds.length).toBeGreaterThanOrEqual(3);
      const files = there.reportFiles.map((f) => join(dir, f));
      expect(readFileSync(files[0]!, 'utf8')).toContain(`# Failover drill ${there.drillId}: production, eu-west-1 → eu-central-1`);
      expect(JSON.parse(readFileSync(files[1]!, 'utf8'))).toMatchObject({ state: 'completed', rpo: { ms: 0 } });
      expect(JSON.parse(readFileSync(join(dir, '.cafe-ops/failover/production.json'), 'utf8'))).toMatchObject({ state: 'completed', drillId: there.drillId });

      const back = (await runDrill({ env: ENV, action: 'failover', to: 'primary', mode: 'planned', yes: true, allowDataLoss: false, settings }, { ports, store, out: out.output })) as DrillReport;
      expect(back.state).toBe('completed');
      expect(await dns.getHealthCheck(checks.primary)).toMatchObject({ inverted: false, disabled: false });
      expect(api.hits.slice(-3)).toEqual([`public ${PRIMARY} /menu`, `public ${PRIMARY} POST /health/canary`, `r ${PRIMARY} POST /health/canary`]);
    } finally {
      api.server.closeAllConnections();
      api.server.close();
    }
  });
});
