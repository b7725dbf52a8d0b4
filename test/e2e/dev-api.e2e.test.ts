/**
 * `cafe-ops dev` as a process, with no AWS credentials and no PostgreSQL server: the local API
 * answers the template's routes with the status codes the functions' own tests expect, the order
 * lifecycle runs to completion (and to compensation), Ctrl-C stops cleanly and the data is kept.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../src/lib/dev/dynamodb';
import { LOCAL_USER_POOL_ID, LocalTokenIssuer } from '../../src/lib/dev/tokens';
import { call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

const PICKUP = () => new Date(Date.now() + 20 * 60_000).toISOString();
const twoDrinks = () => ({ items: [{ itemId: 'flat-white', quantity: 2 }, { itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP() });

type Caller = 'anonymous' | 'customer' | 'other' | 'admin';

describe('cafe-ops dev: the local API', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cafe-dev-api-'));
  let dev: SpawnedDev;
  let base: string;
  const tokens: Partial<Record<Caller, string>> = {};

  const token = async (user: string, admin = false) =>
    ((await call(base, '/_dev/token', { method: 'POST', body: { user, admin } })).body as { idToken: string }).idToken;

  async function orderWaitingForBarista(): Promise<string> {
    const placed = await call(base, '/orders', { method: 'POST', token: tokens.customer!, body: twoDrinks() });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    for (let i = 0; i < 100; i++) {
      const order = await call(base, `/orders/${id}`, { token: tokens.customer! });
      if (order.body.status === 'accepted') return id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`order ${id} never reached the barista`);
  }

  async function until(orderId: string, check: (order: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      last = (await call(base, `/orders/${orderId}`, { token: tokens.customer! })).body;
      if (check(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`order ${orderId} stayed ${JSON.stringify(last)}`);
  }

  beforeAll(async () => {
    dev = await spawnDev(['--fresh', '--no-watch'], { dataDir });
    base = dev.result.urls.api;
    tokens.customer = await token('alice');
    tokens.other = await token('bob');
    tokens.admin = await token('barista', true);
  }, 120_000);

  afterAll(async () => {
    await dev?.stop();
  }, 30_000);

  it('prints where it runs, embedded, with every route of the template', () => {
    // 14 methods and 8 CORS preflights.
    expect(dev.result).toMatchObject({ database: 'embedded', routes: 22, dataDir, port: expect.any(Number) });
    expect(dev.result.urls.site).toBe(`http://localhost:${dev.result.port}/`);
    expect(dev.result.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('authorisation matrix over HTTP', () => {
    const rows: [string, string, (orderId: string) => { path: string; body?: unknown }, Record<Caller, number>, boolean][] = [
      ['GET', '/health', () => ({ path: '/health' }), { anonymous: 200, customer: 200, other: 200, admin: 200 }, false],
      ['GET', '/menu', () => ({ path: '/menu' }), { anonymous: 200, customer: 200, other: 200, admin: 200 }, false],
      ['GET', '/menu/{itemId}', () => ({ path: '/menu/espresso' }), { anonymous: 200, customer: 200, other: 200, admin: 200 }, false],
      ['POST', '/menu', () => ({ path: '/menu', body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }), { anonymous: 401, customer: 403, other: 403, admin: 201 }, false],
      ['PUT', '/menu/{itemId}', () => ({ path: '/menu/mocha', body: { priceCents: 460 } }), { anonymous: 401, customer: 403, other: 403, admin: 200 }, false],
      ['DELETE', '/menu/{itemId}', () => ({ path: '/menu/mocha' }), { anonymous: 401, customer: 403, other: 403, admin: 204 }, false],
      ['POST', '/orders', () => ({ path: '/orders', body: twoDrinks() }), { anonymous: 401, customer: 201, other: 201, admin: 201 }, false],
      ['GET', '/orders', () => ({ path: '/orders' }), { anonymous: 401, customer: 200, other: 200, admin: 200 }, false],
      ['GET', '/orders/{orderId}', (id) => ({ path: `/orders/${id}` }), { anonymous: 401, customer: 200, other: 404, admin: 404 }, true],
      ['POST', '/orders/{orderId}/cancel', (id) => ({ path: `/orders/${id}/cancel` }), { anonymous: 401, customer: 200, other: 404, admin: 404 }, true],
      ['GET', '/admin/orders', () => ({ path: '/admin/orders' }), { anonymous: 401, customer: 403, other: 403, admin: 200 }, false],
      ['POST', '/admin/orders/{orderId}/advance', (id) => ({ path: `/admin/orders/${id}/advance` }), { anonymous: 401, customer: 403, other: 403, admin: 200 }, true],
      ['GET', '/admin/sales/daily', () => ({ path: '/admin/sales/daily?date=2026-11-25' }), { anonymous: 401, customer: 403, other: 403, admin: 200 }, false],
    ];
    const cases = rows.flatMap(([method, resource, input, cell, needsOrder]) =>
      (Object.keys(cell) as Caller[]).map((caller) => ({ method, resource, caller, status: cell[caller], input, needsOrder })),
    );
    it.each(cases)('$method $resource as $caller → $status', async ({ method, caller, status, input, needsOrder }) => {
      const orderId = needsOrder ? await orderWaitingForBarista() : '';
      const { path, body } = input(orderId);
      const result = await call(base, path, { method, ...(tokens[caller] ? { token: tokens[caller] } : {}), ...(body !== undefined ? { body } : {}) });
      expect(result.status).toBe(status);
    }, 30_000);

    it('POST /health/canary (AWS_IAM): 403 unsigned, and a SigV4 Authorization header (not verified locally) writes the canary', async () => {
      expect(await call(base, '/health/canary', { method: 'POST', body: { id: 'canary#local#api' } })).toMatchObject({ status: 403, body: { message: 'Missing Authentication Token' } });
      expect((await call(base, '/health/canary', { method: 'POST', token: tokens.admin!, body: { id: 'canary#local#api' } })).status).toBe(403);
      const signed = { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261125/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00' };
      const written = await call(base, '/health/canary', { method: 'POST', headers: signed, body: { id: 'canary#local#api' } });
      expect(written).toMatchObject({ status: 201, body: { id: 'canary#local#api', region: expect.any(String), writtenAt: expect.any(String) } });
      expect((await call(base, '/health/canary', { method: 'POST', headers: signed, body: { id: 'no spaces allowed' } })).status).toBe(400);
    });

    it("checks ID tokens with the template's Lambda authorizer (functions/authorizer) and the local issuer's JWKS", async () => {
      // A signed-in order goes through the real authorizer: the customer's claims reach the orders function.
      const placed = await call(base, '/orders', { method: 'POST', token: tokens.customer!, body: twoDrinks() });
      expect(placed.status).toBe(201);
      // Tampered (admin group added), signed by another key, or expired: 401 from the authorizer, never 500.
      const [h, p, sig] = tokens.customer!.split('.') as [string, string, string];
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), 'cognito:groups': ['admin'] })).toString('base64url');
      const stranger = LocalTokenIssuer.generate();
      const expired = (await LocalTokenIssuer.generate(() => Date.now() - 7200_000).issue({ user: 'alice' })).token;
      for (const token of [`${h}.${forged}.${sig}`, (await stranger.issue({ user: 'alice', admin: true })).token, expired, 'garbage']) {
        expect(await call(base, '/admin/orders', { token })).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      }
      // The authorizer kept its copy of the keys in the local control table, as it does in each region's replica.
      const dynamodb = localDynamoClient(dev.result.dynamodb, 'eu-west-1');
      try {
        const item = (await dynamodb.send(new GetItemCommand({ TableName: 'cafe-local-control', Key: { pk: { S: `jwks#${LOCAL_USER_POOL_ID}` } } }))).Item;
        expect(JSON.parse(item!.jwks!.S!)).toMatchObject({ keys: [expect.objectContaining({ kty: 'RSA', alg: 'RS256' })] });
      } finally {
        dynamodb.destroy();
      }
    }, 30_000);

    it('answers what API Gateway answers for what the template does not define', async () => {
      expect((await call(base, '/orders', { method: 'DELETE' })).status).toBe(403);
      expect((await call(base, '/nowhere', { method: 'POST' })).body).toEqual({ message: 'Missing Authentication Token' });
    });
  });

  describe('the order lifecycle', () => {
    it('runs to completion: paid, made, ready, captured', async () => {
      const id = await orderWaitingForBarista();
      expect((await until(id, () => true)).paymentStatus).toBe('authorised');
      for (const to of ['preparing', 'ready']) {
        const advanced = await call(base, `/admin/orders/${id}/advance`, { method: 'POST', token: tokens.admin!, body: { to } });
        expect(advanced.status).toBe(200);
        expect(advanced.body.status).toBe(to);
      }
      const done = await until(id, (o) => o.paymentStatus === 'captured');
      expect(done).toMatchObject({ status: 'ready', paymentStatus: 'captured' });
      // The barista's token was used: advancing "ready" again is a conflict, collecting is fine.
      expect((await call(base, `/admin/orders/${id}/advance`, { method: 'POST', token: tokens.admin!, body: { to: 'ready' } })).status).toBe(409);
      expect((await call(base, `/admin/orders/${id}/advance`, { method: 'POST', token: tokens.admin!, body: { to: 'collected' } })).body.status).toBe('collected');
    });

    it('refunds an order the customer cancels while it waits for the barista', async () => {
      const id = await orderWaitingForBarista();
      expect((await call(base, `/orders/${id}/cancel`, { method: 'POST', token: tokens.customer! })).status).toBe(200);
      expect(await until(id, (o) => o.paymentStatus === 'refunded')).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded' });
    });

    it('fails an order whose payment is declined, and nothing is charged', async () => {
      await call(base, '/_dev/payments', { method: 'POST', body: { mode: 'decline' } });
      try {
        const placed = await call(base, '/orders', { method: 'POST', token: tokens.customer!, body: twoDrinks() });
        expect(await until(placed.body.id as string, (o) => o.status === 'failed')).toMatchObject({ status: 'failed', paymentStatus: 'declined' });
      } finally {
        await call(base, '/_dev/payments', { method: 'POST', body: { mode: 'approve' } });
      }
    });
  });

  it('keeps the menu read model in step with stock (the functions refresh it, as in AWS) and takes only JSON bodies', async () => {
    const stockOf = async () => ((await call(base, '/menu')).body.items as { id: string; stock: number | null }[]).find((i) => i.id === 'croissant')!.stock!;
    const before = await stockOf();
    const placed = await call(base, '/orders', { method: 'POST', token: tokens.other!, body: { items: [{ itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP() } });
    expect(placed.status).toBe(201);
    expect(await stockOf()).toBe(before - 2);
    expect((await call(base, `/orders/${placed.body.id as string}/cancel`, { method: 'POST', token: tokens.other! })).status).toBe(200);
    expect(await stockOf()).toBe(before);
    const plain = await call(base, '/orders', { method: 'POST', token: tokens.other!, body: JSON.stringify(twoDrinks()), headers: { 'Content-Type': 'text/plain' } });
    expect([plain.status, plain.body.error]).toEqual([415, expect.objectContaining({ code: 'unsupported_media_type' })]);
    // What another web page could send to the sandbox switch: refused, the sandbox keeps approving.
    const foreign = await call(base, '/_dev/payments', { method: 'POST', body: '{"mode":"down"}', headers: { 'Content-Type': 'text/plain' } });
    expect(foreign.status).toBe(415);
    expect((await call(base, '/_dev/payments', { method: 'POST', body: { mode: 'down' }, headers: { Origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('stops on Ctrl-C with exit code 0 and keeps the data for the next start, orders in progress included', async () => {
    const waiting = await orderWaitingForBarista();
    expect((await call(base, `/admin/orders/${waiting}/advance`, { method: 'POST', token: tokens.admin!, body: { to: 'preparing' } })).status).toBe(200);
    const before = (await call(base, '/orders', { token: tokens.customer! })).body.orders as { id: string }[];
    expect(before.length).toBeGreaterThan(0);
    expect(await dev.stop()).toBe(0);
    dev = await spawnDev(['--no-watch'], { dataDir });
    base = dev.result.urls.api;
    const after = (await call(base, '/orders', { token: tokens.customer! })).body.orders as { id: string }[];
    expect(after.map((o) => o.id).sort()).toEqual(before.map((o) => o.id).sort());
    // The menu kept its changes (mocha was added, then retired) rather than being seeded again.
    const menu = (await call(base, '/menu')).body.items as { id: string }[];
    expect(menu.map((i) => i.id)).toContain('espresso');
    expect(menu.map((i) => i.id)).not.toContain('mocha');
    expect((await call(base, '/menu/espresso')).body.version).toBe(1);
    // The order the barista was making resumes its lifecycle: ready captures the payment.
    expect((await call(base, `/admin/orders/${waiting}/advance`, { method: 'POST', token: tokens.admin!, body: { to: 'ready' } })).status).toBe(200);
    expect(await until(waiting, (o) => o.paymentStatus === 'captured')).toMatchObject({ status: 'ready', paymentStatus: 'captured' });
  }, 120_000);
});
