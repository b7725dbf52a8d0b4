import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateInvalidationCommand, CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../../../src/lib/aws/clients';
import { deployPlan } from '../../../src/lib/deploy/engine';
import type { HookPort } from '../../../src/lib/deploy/hooks';
import { awsHookPort, SITE_MANIFEST_KEY } from '../../../src/lib/deploy/hooks-aws';
import { siteConfigFromValues } from '../../../src/lib/site/config';
import { buildPlan } from '../../../src/lib/deploy/plan';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { buildGraph } from '../../../src/lib/stacks/graph';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock, FakeCloudFormation } from './fake-cloudformation';
import { catalogText, env, readTemplate } from './fixtures';

const tags = { Project: 'cafe', Environment: 'staging', CostCenter: 'cafe-platform' };
const withHooks = `${catalogText.replace(
  '      DbId: { output: db.Id }\n',
  '      DbId: { output: db.Id }\n    after:\n      - invoke: { function: MigrateFn, roles: [primary], description: migrations, payload: { action: migrate } }\n',
)}    after:
      - site:
          bucket: Bucket
          distribution: Dist
          config:
            apiUrl: { output: edge.Url }
            region: { context: primaryRegion }
            primaryApi: { output: api.Id, from: primary }
`;

function setup(hooks: HookPort) {
  const clock = new FakeClock();
  const outputs = (stack: string, region: string) => ({ Id: `${stack}@${region}`, GlobalId: 'g', MigrateFn: `migrate-${region}`, Bucket: 'site-bucket', Dist: 'E123', Url: 'https://api.example' });
  const cfn = new FakeCloudFormation({ clock, outputs });
  const plan = buildPlan(parseCatalog(withHooks, '/project/templates/stacks.yaml', 'stacks.yaml'), env);
  const out = createMemoryOutput();
  return { plan, out, run: () => deployPlan(plan, { tags, yes: true, readTemplate }, { cloudFormation: (r) => cfn.port(r), clock, out: out.output, hooks }) };
}

describe('deploy hooks', () => {
  it('runs a role-limited invocation and the site publish with resolved config, after the stack deploys', async () => {
    const calls: string[] = [];
    const hooks: HookPort = {
      invoke: async (region, fn, payload) => (calls.push(`invoke ${region} ${fn} ${JSON.stringify(payload)}`), { requestId: 'r-1', result: { applied: 2 } }),
      publishSite: async (input) => (calls.push(`site ${input.region} ${input.bucket} ${input.distributionId} ${JSON.stringify(input.config)}`), { uploaded: ['index.html'], unchanged: 3, deleted: [], invalidationId: 'I1' }),
    };
    const { run } = setup(hooks);
    const report = await run();
    expect(report.ok).toBe(true);
    expect(calls).toEqual([
      'invoke eu-west-1 migrate-eu-west-1 {"action":"migrate"}',
      'site us-east-1 site-bucket E123 {"apiUrl":"https://api.example","region":"eu-west-1","primaryApi":"cafe-staging-api@eu-west-1"}',
    ]);
    const api = report.stacks.find((s) => s.id === 'api@primary')!;
    expect(api.hooks).toEqual([{ hook: 'invoke MigrateFn', ok: true, detail: 'migrate-eu-west-1: {"applied":2}', requestId: 'r-1' }]);
    expect(report.stacks.find((s) => s.id === 'api@secondary')!.hooks).toBeUndefined();
  });

  it('fails the stack when its function fails, and starts nothing that needs it', async () => {
    const hooks: HookPort = {
      invoke: async () => ({ requestId: 'r-2', error: 'relation "orders" already exists' }),
      publishSite: async () => {
        throw new Error('must not publish');
      },
    };
    const { run } = setup(hooks);
    const report = await run();
    expect(report.ok).toBe(false);
    const api = report.stacks.find((s) => s.id === 'api@primary')!;
    expect(api.result).toBe('failed');
    expect(api.error).toBe('after deploy: invoke MigrateFn: migrate-eu-west-1 failed: relation "orders" already exists');
    expect(report.stacks.find((s) => s.id === 'edge@edge')!.result).toBe('skipped');
  });

  it('reconciles the WAF blocklist of each place after its stack, and only warns when a place cannot be checked', async () => {
    const text = withHooks.replace('    after:\n      - site:', '    after:\n      - blocklist: {}\n      - site:').replace(
      '    after:\n      - invoke:',
      '    after:\n      - blocklist: {}\n      - invoke:',
    );
    const clock = new FakeClock();
    const outputs = () => ({ Id: 'x', GlobalId: 'g', MigrateFn: 'migrate', Bucket: 'site-bucket', Dist: 'E123', Url: 'https://api.example' });
    const cfn = new FakeCloudFormation({ clock, outputs });
    const plan = buildPlan(parseCatalog(text, '/project/templates/stacks.yaml', 'stacks.yaml'), env);
    const swept: string[] = [];
    const hooks: HookPort = {
      invoke: async () => ({ result: { applied: 0 } }),
      publishSite: async () => ({ uploaded: [], unchanged: 1, deleted: [] }),
      sweepBlocklist: async (place) => {
        swept.push(place);
        return place === 'secondary' ? { ok: false, detail: 'eu-central-1: AccessDeniedException' } : { ok: true, detail: '2 ranges blocked' };
      },
    };
    const out = createMemoryOutput();
    const report = await deployPlan(plan, { tags, yes: true, readTemplate }, { cloudFormation: (r) => cfn.port(r), clock, out: out.output, hooks });
    expect(report.ok).toBe(true);
    expect(swept.sort()).toEqual(['edge', 'primary', 'secondary']);
    expect(report.stacks.find((s) => s.id === 'api@secondary')!.hooks).toEqual([
      { hook: 'reconcile the WAF blocklist (secondary)', ok: true, detail: 'not reconciled: eu-central-1: AccessDeniedException' },
    ]);
    expect(out.lines.filter((l) => l.kind === 'warn').map((l) => l.text)).toContain('cafe-staging-api (eu-central-1): WAF blocklist not reconciled: eu-central-1: AccessDeniedException');
    expect(plan.waves.flat().find((n) => n.id === 'edge@edge')!.after.map((h) => h.kind)).toEqual(['blocklist', 'site']);
  });

  it('makes hook config outputs graph edges, and lets a hook read its own stack', () => {
    const graph = buildGraph(parseCatalog(withHooks, '/project/templates/stacks.yaml', 'stacks.yaml'));
    expect(graph.nodes.get('edge@edge')!.dependsOn).toEqual(expect.arrayContaining(['api@primary', 'api@secondary']));
    expect(graph.nodes.get('edge@edge')!.dependsOn).not.toContain('edge@edge');
  });
});

describe('hook port over the SDK', () => {
  const lambda = mockClient(LambdaClient);
  const s3 = mockClient(S3Client);
  const cloudFront = mockClient(CloudFrontClient);
  afterEach(() => [lambda, s3, cloudFront].forEach((m) => m.reset()));
  afterAll(() => [lambda, s3, cloudFront].forEach((m) => m.restore()));

  const clients = () => new AwsClients({});
  const OUTPUTS = {
    environment: 'production', identityRegion: 'eu-west-1', apiUrl: 'https://api.cafe.example.com', siteUrl: 'https://cafe.example.com/',
    userPoolDomain: 'cafe-production', userPoolClientId: 'client-1',
  };

  it('refuses to publish without the values config.json needs', async () => {
    await expect(awsHookPort(clients(), async () => '/nowhere').publishSite({ region: 'us-east-1', bucket: 'site', distributionId: 'E1', config: { apiUrl: 'x' } })).rejects.toThrow(
      "the site hook's config lacks environment, identityRegion, siteUrl, userPoolDomain, userPoolClientId",
    );
    expect(s3.calls()).toHaveLength(0);
  });
  // The part of the SDK's stream mixin the adapter uses.
  const body = (text: string) => ({ transformToString: async () => text });

  it('invokes synchronously and turns a FunctionError into the function\'s message', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: 'no database' })), $metadata: { requestId: 'req-9' } } as never);
    const result = await awsHookPort(clients(), async () => '/nowhere').invoke('eu-west-1', 'cafe-staging-migrate', { action: 'migrate' });
    expect(result).toEqual({ requestId: 'req-9', error: 'no database' });
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'cafe-staging-migrate', InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString())).toEqual({ action: 'migrate' });
  });

  it('uploads only changed site files, deletes removed ones, writes config.json and invalidates those paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'site-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<h1>menu</h1>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'app.js.map'), '{}');
    const { createHash } = await import('node:crypto');
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    // The bucket already has this app.js, and an old page that is gone now.
    s3.on(GetObjectCommand, { Key: SITE_MANIFEST_KEY }).resolves({ Body: body(JSON.stringify({ 'assets/app.js': sha('console.log(1)'), 'old.html': 'x' })) } as never);
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    cloudFront.on(CreateInvalidationCommand).resolves({ Invalidation: { Id: 'INV1', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: undefined as never } });

    const result = await awsHookPort(clients(), async () => dir).publishSite({ region: 'us-east-1', bucket: 'site', distributionId: 'E1', config: OUTPUTS });

    expect(result).toEqual({ uploaded: ['config.json', 'index.html'], unchanged: 1, deleted: ['old.html'], invalidationId: 'INV1' });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Key, p.ContentType, p.CacheControl])).toEqual([
      ['config.json', 'application/json', 'no-cache'],
      ['index.html', 'text/html; charset=utf-8', 'no-cache'],
      [SITE_MANIFEST_KEY, 'application/json', 'no-cache'],
    ]);
    // config.json is the storefront's: the API through its failover name, sign-in through Cognito's hosted UI.
    expect(JSON.parse(String(puts[0]!.Body))).toEqual({
      apiUrl: 'https://api.cafe.example.com',
      environment: 'production',
      auth: { kind: 'cognito', domain: 'cafe-production.auth.eu-west-1.amazoncognito.com', clientId: 'client-1', redirectUri: 'https://cafe.example.com/' },
    });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: 'old.html' }]);
    expect(cloudFront.commandCalls(CreateInvalidationCommand)[0]!.args[0].input.InvalidationBatch!.Paths).toEqual({ Quantity: 4, Items: ['/config.json', '/index.html', '/old.html', '/'] });
  });

  it('uploads nothing and invalidates nothing when the site has not changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'site-'));
    writeFileSync(join(dir, 'index.html'), 'same');
    const { createHash } = await import('node:crypto');
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const config = `${JSON.stringify(siteConfigFromValues(OUTPUTS), null, 2)}\n`;
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify({ 'index.html': sha('same'), 'config.json': sha(config) })) } as never);
    s3.on(PutObjectCommand).resolves({});
    const result = await awsHookPort(clients(), async () => dir).publishSite({ region: 'us-east-1', bucket: 'site', distributionId: 'E1', config: OUTPUTS });
    expect(result).toEqual({ uploaded: [], unchanged: 2, deleted: [] });
    expect(cloudFront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });
});
