import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '../../../src/lib/dev/app-model';
import { createApiListener, type ApiDeps } from '../../../src/lib/dev/api-server';
import { matchRoute } from '../../../functions/shared/routes';
import type { ProxyEvent } from '../../../src/lib/dev/events';
import { LocalTokenIssuer } from '../../../src/lib/dev/tokens';

const routes: Route[] = [
  { method: 'GET', resource: '/menu', authorization: 'NONE', function: 'menu' },
  { method: 'POST', resource: '/orders', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/boom', authorization: 'NONE', function: 'boom' },
  { method: 'GET', resource: '/shapeless', authorization: 'NONE', function: 'shapeless' },
  { method: 'POST', resource: '/health/canary', authorization: 'AWS_IAM', function: 'health' },
  { method: 'GET', resource: '/orders', authorization: 'CUSTOM', function: 'orders', authorizer: 'authorizer', authorizerTtlSeconds: 300 },
  { method: 'GET', resource: '/orders/{orderId}', authorization: 'CUSTOM', function: 'orders', authorizer: 'authorizer', authorizerTtlSeconds: 300 },
];

describe('the local API listener', () => {
  const issuer = LocalTokenIssuer.generate();
  const events: { fn: string; event: ProxyEvent }[] = [];
  const logs: string[] = [];
  let modes: string[] = [];
  let server: Server;
  let base: string;
  const site = mkdtempSync(join(tmpdir(), 'cafe-site-'));
  mkdirSync(join(site, 'sub'));
  writeFileSync(join(site, 'index.html'), '<h1>café</h1>');
  writeFileSync(join(site, 'app.js'), 'console.log(1)');
  writeFileSync(join(site, '..', 'secret.txt'), 'nope');

  const invoke: ApiDeps['invoke'] = async (fn, event) => {
    events.push({ fn, event });
    if (fn === 'boom') throw new Error('handler crashed');
    if (fn === 'shapeless') return { hello: 'world' };
    if (fn === 'authorizer') {
      const { authorizationToken: token, methodArn } = event as unknown as { authorizationToken: string; methodArn: string };
      const stage = methodArn.replace(/^(arn:aws:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/.*$/, '$1/*');
      if (token === 'unauthorized') throw new Error('Unauthorized');
      if (token === 'crash') throw new Error('JWKS endpoint down and no copy');
      if (token === 'elsewhere') return { principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${stage.slice(0, -2)}/POST/*` }] } };
      if (token === 'denied') return { principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: stage }, { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stage }] } };
      if (token === 'first-method-only') return { principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] }, context: { sub: 'p' } };
      if (token === 'nested') return { principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stage }] }, context: { claims: { sub: 'x' } } };
      return { principalId: 'sub-1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stage }] }, context: { sub: 'sub-1', groups: 'admin', verified: true } };
    }
    return { statusCode: fn === 'orders' ? 201 : 200, headers: { 'Content-Type': 'application/json', 'X-Fn': fn }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: JSON.stringify({ fn }) };
  };

  beforeAll(async () => {
    server = createServer(
      createApiListener({
        routes: () => routes,
        matchRoute,
        invoke,
        issuer,
        siteDir: site,
        siteConfig: () => ({ apiUrl: '', auth: { kind: 'local', tokenUrl: '/_dev/token' } }),
        setPaymentMode: (mode) => modes.push(mode),
        log: (line) => logs.push(line),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    events.length = 0;
    logs.length = 0;
    modes = [];
  });

  it('invokes the function of a public route and returns its proxy response', async () => {
    const res = await fetch(`${base}/menu?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fn')).toBe('menu');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await res.json()).toEqual({ fn: 'menu' });
    expect(events[0]!.event).toMatchObject({ resource: '/menu', queryStringParameters: { x: '1' } });
    expect(events[0]!.event.requestContext.authorizer).toBeUndefined();
  });

  it('answers 401 on a protected route without a valid ID token, without invoking anything', async () => {
    for (const headers of <Record<string, string>[]>[{}, { Authorization: 'garbage' }, { Authorization: `Bearer ${(await issuer.issue({ user: 'a' })).token}` }]) {
      const res = await fetch(`${base}/orders`, { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    }
    expect(events).toHaveLength(0);
    expect(logs.join('\n')).toContain('POST /orders → 401');
  });

  it('passes a valid token\'s claims to the function as the Cognito authorizer does', async () => {
    const { token } = await issuer.issue({ user: 'bob', admin: true });
    const res = await fetch(`${base}/orders`, { method: 'POST', headers: { Authorization: token, 'Content-Type': 'application/json' }, body: '{"items":[]}' });
    expect(res.status).toBe(201);
    expect(events[0]!.event.body).toBe('{"items":[]}');
    expect(events[0]!.event.requestContext.authorizer!.claims).toMatchObject({ 'cognito:username': 'bob', 'cognito:groups': 'admin' });
  });

  it('answers 403 on an AWS_IAM route without a SigV4 Authorization header, and invokes it with one (the signature is not verified locally)', async () => {
    for (const headers of <Record<string, string>[]>[{}, { Authorization: (await issuer.issue({ user: 'a' })).token }, { Authorization: 'AWS4-HMAC-SHA1 x' }]) {
      const res = await fetch(`${base}/health/canary`, { method: 'POST', headers, body: '{"id":"c"}' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
    }
    expect(events).toHaveLength(0);
    const signed = await fetch(`${base}/health/canary`, { method: 'POST', headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=00' }, body: '{"id":"c"}' });
    expect(signed.status).toBe(200);
    expect(events).toEqual([{ fn: 'health', event: expect.objectContaining({ resource: '/health/canary', httpMethod: 'POST', body: '{"id":"c"}' }) }]);
  });

  it("runs a CUSTOM method's TOKEN authorizer first and answers as API Gateway does for each of its outcomes", async () => {
    const call = (token?: string) => fetch(`${base}/orders?status=open`, token ? { headers: { Authorization: token } } : {});
    // No identity source: 401 without invoking the authorizer.
    expect((await call()).status).toBe(401);
    expect(events).toHaveLength(0);
    const outcomes: [string, number, unknown][] = [
      ['unauthorized', 401, { message: 'Unauthorized' }],
      ['crash', 500, { message: null }],
      ['denied', 403, { message: 'User is not authorized to access this resource' }],
      ['elsewhere', 403, { message: 'User is not authorized to access this resource' }],
      ['nested', 500, { message: null }],
    ];
    for (const [token, status, body] of outcomes) {
      const res = await call(token);
      expect([token, res.status, await res.json()]).toEqual([token, status, body]);
    }
    expect(events.map((e) => e.fn)).toEqual(['authorizer', 'authorizer', 'authorizer', 'authorizer', 'authorizer']);
    expect(events[0]!.event).toEqual({ type: 'TOKEN', authorizationToken: 'unauthorized', methodArn: 'arn:aws:execute-api:eu-west-1:000000000000:local/local/GET/orders' });
    expect(logs.join('\n')).toContain('JWKS endpoint down and no copy');
    events.length = 0;
    const ok = await call('good');
    expect(ok.status).toBe(201);
    expect(events.map((e) => e.fn)).toEqual(['authorizer', 'orders']);
    // The context reaches the integration as requestContext.authorizer, every value a string.
    expect(events[1]!.event.requestContext.authorizer).toEqual({ principalId: 'sub-1', sub: 'sub-1', groups: 'admin', verified: 'true' });
  });

  it('caches a policy per token and judges it again for each method, as API Gateway does', async () => {
    const first = await fetch(`${base}/orders`, { headers: { Authorization: 'first-method-only' } });
    expect(first.status).toBe(201);
    // Same token, another method: the cached policy names only GET /orders, so API Gateway refuses without asking again.
    const second = await fetch(`${base}/orders/o-1`, { headers: { Authorization: 'first-method-only' } });
    expect([second.status, await second.json()]).toEqual([403, { message: 'User is not authorized to access this resource' }]);
    expect((await fetch(`${base}/orders`, { headers: { Authorization: 'first-method-only' } })).status).toBe(201);
    expect(events.map((e) => e.fn)).toEqual(['authorizer', 'orders', 'orders']);
  });

  it('answers 403 Missing Authentication Token for undefined routes and methods, like API Gateway', async () => {
    expect((await fetch(`${base}/nowhere`, { method: 'POST' })).status).toBe(403);
    const res = await fetch(`${base}/menu`, { method: 'DELETE' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('answers 502 when the function throws or returns no proxy response, and logs why', async () => {
    const crash = await fetch(`${base}/boom`);
    expect(crash.status).toBe(502);
    expect(await crash.json()).toEqual({ message: 'Internal server error' });
    expect(logs.join('\n')).toContain('handler crashed');
    expect((await fetch(`${base}/shapeless`)).status).toBe(502);
    expect(logs.join('\n')).toContain('shapeless returned no proxy response');
  });

  it('serves the storefront, its config, and nothing outside the site folder', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<h1>café</h1>');
    expect((await fetch(`${base}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await fetch(`${base}/config.json`)).json()).toEqual({ apiUrl: '', auth: { kind: 'local', tokenUrl: '/_dev/token' } });
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(403);
    expect((await fetch(`${base}/sub`)).status).toBe(403);
  });

  const asJson = { 'Content-Type': 'application/json' };

  it('signs users in locally with POST /_dev/token, with any name', async () => {
    const res = await fetch(`${base}/_dev/token`, { method: 'POST', headers: asJson, body: JSON.stringify({ user: 'carol', admin: true }) });
    const body = (await res.json()) as { idToken: string; claims: Record<string, unknown> };
    expect(res.status).toBe(200);
    expect((await issuer.verify(body.idToken)).ok).toBe(true);
    expect(body.claims['cognito:groups']).toEqual(['admin']);
    const jose = (await (await fetch(`${base}/_dev/token`, { method: 'POST', headers: asJson, body: JSON.stringify({ user: 'José García' }) })).json()) as { claims: Record<string, unknown> };
    expect(jose.claims['cognito:username']).toBe('José García');
    expect((await fetch(`${base}/_dev/token`, { method: 'POST', headers: asJson, body: '{}' })).status).toBe(400);
    expect((await fetch(`${base}/_dev/token`, { method: 'POST', headers: asJson, body: 'nope' })).status).toBe(400);
    const bad = await fetch(`${base}/_dev/token`, { method: 'POST', headers: asJson, body: JSON.stringify({ user: '<script>' }) });
    expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([400, expect.stringContaining('may hold letters')]);
  });

  it('switches the payment sandbox with POST /_dev/payments', async () => {
    expect((await fetch(`${base}/_dev/payments`, { method: 'POST', headers: asJson, body: '{"mode":"decline"}' })).status).toBe(200);
    expect((await fetch(`${base}/_dev/payments`, { method: 'POST', headers: asJson, body: '{"mode":"maybe"}' })).status).toBe(400);
    expect(modes).toEqual(['decline']);
  });

  it('refuses the control endpoints to another web page: a simple cross-origin POST, another Origin, a rebound host name', async () => {
    // What any page can make a browser send without a preflight.
    const simple = await fetch(`${base}/_dev/payments`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"mode":"down"}' });
    expect(simple.status).toBe(415);
    const foreign = await fetch(`${base}/_dev/payments`, { method: 'POST', headers: { ...asJson, Origin: 'https://evil.example' }, body: '{"mode":"down"}' });
    expect(foreign.status).toBe(403);
    const crossSite = await fetch(`${base}/_dev/token`, { method: 'POST', headers: { ...asJson, 'Sec-Fetch-Site': 'cross-site' }, body: '{"user":"mallory"}' });
    expect(crossSite.status).toBe(403);
    const port = new URL(base).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/_dev/payments', method: 'POST', headers: { Host: `evil.example:${port}`, ...asJson } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{"mode":"down"}');
    });
    expect(rebound).toBe(403);
    expect(modes).toEqual([]);
    // The storefront itself: same origin, JSON.
    const own = await fetch(`${base}/_dev/payments`, { method: 'POST', headers: { ...asJson, Origin: base }, body: '{"mode":"approve"}' });
    expect(own.status).toBe(200);
    expect(modes).toEqual(['approve']);
  });
});
