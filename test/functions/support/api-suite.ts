/**
 * The café's HTTP API over one database: the same cases run on embedded PGlite (fast, unit) and
 * on a real PostgreSQL 15 server (e2e, plus the concurrency cases PGlite cannot exercise).
 */
import { createHandler as adminHandler } from '../../../functions/admin/handler';
import { createHandler as healthHandler } from '../../../functions/health/handler';
import { createHandler as menuHandler } from '../../../functions/menu/handler';
import { createHandler as ordersHandler } from '../../../functions/orders/handler';
import { awaitBarista } from '../../../functions/order-workflow/domain';
import { createHandler as workflowHandler } from '../../../functions/order-workflow/handler';
import { authorise, capture, refund } from '../../../functions/payments/domain';
import { createHandler as paymentsHandler } from '../../../functions/payments/handler';
import type { ApiHandler, ApiResult } from '../../../functions/shared/http';
import type { Order } from '../../../functions/shared/orders';
import type { Database } from '../../../functions/shared/sql';
import { ALICE, BARISTA, BOB, CLAIMS, PICKUP, apiEvent, bodyOf, freshIdempotencyTable, prepare, startDynalite, testDeps, type Caller, type TestDeps } from './harness';

export interface SuiteDatabase {
  db: Database;
  close(): Promise<void>;
}

interface Api {
  deps: TestDeps;
  menu: ApiHandler;
  orders: ApiHandler;
  admin: ApiHandler;
  health: ApiHandler;
}

type Dynamo = Awaited<ReturnType<typeof startDynalite>>;

/** The functions over `db`, with Idempotency-Key records in a fresh table of embedded DynamoDB. */
async function build(db: Database, dynamo: Dynamo): Promise<Api> {
  const base = testDeps(db);
  const deps = testDeps(db, { dynamodb: dynamo.client, tables: { ...base.tables, idempotency: await freshIdempotencyTable(dynamo.client) } });
  return { deps, menu: menuHandler(deps), orders: ordersHandler(deps), admin: adminHandler(deps), health: healthHandler(deps) };
}

export async function reset(db: Database): Promise<void> {
  await db.query('TRUNCATE order_items, payments, orders, customers, menu_items CASCADE');
  await prepare(db);
}

const count = async (db: Database, sql: string) => Number((await db.query<{ n: number }>(sql)).rows[0]!.n);
const stockOf = async (db: Database, id: string) => (await db.query<{ stock: number | null }>('SELECT stock FROM menu_items WHERE id = $1', [id])).rows[0]?.stock;

export async function placeAs(api: Api, claims: Record<string, unknown>, body: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
  return api.orders(apiEvent('POST', '/orders', { claims, body, headers }));
}

const twoDrinks = { items: [{ itemId: 'flat-white', quantity: 2 }, { itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP };

export function defineApiSuite(open: () => Promise<SuiteDatabase>) {
  let database: SuiteDatabase;
  let dynamo: Dynamo;
  let api: Api;
  // Starting an embedded database and migrating it can take seconds on a loaded machine.
  beforeAll(async () => {
    database = await open();
    await prepare(database.db);
    dynamo = await startDynalite();
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
    await database?.close();
  });
  beforeEach(async () => {
    await reset(database.db);
    api = await build(database.db, dynamo);
  });

  describe('menu', () => {
    it('serves the menu from the read model, rebuilding it from the database when missing', async () => {
      const first = await api.menu(apiEvent('GET', '/menu'));
      expect(first.statusCode).toBe(200);
      const items = bodyOf<{ items: { id: string; priceCents: number }[] }>(first).items;
      expect(items.map((i) => i.id)).toContain('flat-white');
      expect(api.deps.readModel.puts).toBe(1);
      // A change behind the read model's back is not seen: reads come from the read model.
      await database.db.query(`UPDATE menu_items SET price_cents = 999 WHERE id = 'flat-white'`);
      const second = bodyOf<{ items: { id: string; priceCents: number }[] }>(await api.menu(apiEvent('GET', '/menu')));
      expect(second.items.find((i) => i.id === 'flat-white')?.priceCents).toBe(380);
      expect(api.deps.readModel.puts).toBe(1);
    });

    it('lets an admin create, update (optimistically) and retire an item, refreshing the read model each time', async () => {
      const created = await api.menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }));
      expect(created.statusCode).toBe(201);
      expect(bodyOf(created)).toMatchObject({ id: 'mocha', priceCents: 450, version: 1, currency: 'EUR' });
      expect((await api.menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }))).statusCode).toBe(409);

      const stale = await api.menu(apiEvent('PUT', '/menu/{itemId}', { claims: BARISTA, params: { itemId: 'mocha' }, body: { priceCents: 470, version: 7 } }));
      expect(stale.statusCode).toBe(409);
      const updated = await api.menu(apiEvent('PUT', '/menu/{itemId}', { claims: BARISTA, params: { itemId: 'mocha' }, body: { priceCents: 470, version: 1 } }));
      expect(bodyOf(updated)).toMatchObject({ priceCents: 470, version: 2 });
      const read = await api.menu(apiEvent('GET', '/menu/{itemId}', { params: { itemId: 'mocha' } }));
      expect(bodyOf(read)).toMatchObject({ priceCents: 470 });

      expect((await api.menu(apiEvent('DELETE', '/menu/{itemId}', { claims: BARISTA, params: { itemId: 'mocha' } }))).statusCode).toBe(204);
      expect((await api.menu(apiEvent('GET', '/menu/{itemId}', { params: { itemId: 'mocha' } }))).statusCode).toBe(404);
      expect((await api.menu(apiEvent('DELETE', '/menu/{itemId}', { claims: BARISTA, params: { itemId: 'mocha' } }))).statusCode).toBe(404);
    });

    it('names the field and the reason of a bad item', async () => {
      const result = await api.menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'x', name: 'X', category: 'coffee', priceCents: -5 } }));
      expect(result.statusCode).toBe(400);
      expect(bodyOf<{ error: { issues: { field: string; reason: string }[] } }>(result).error.issues[0]).toMatchObject({ field: 'priceCents' });
    });
  });

  describe('orders', () => {
    it('prices an order from the menu, takes stock and starts its lifecycle', async () => {
      const result = await placeAs(api, ALICE, twoDrinks);
      expect(result.statusCode).toBe(201);
      const order = bodyOf<Order>(result);
      expect(order).toMatchObject({ status: 'placed', paymentStatus: 'pending', totalCents: 2 * 380 + 280, currency: 'EUR', customerId: ALICE.sub });
      expect(order.items).toEqual([
        { itemId: 'flat-white', name: 'Flat white', unitPriceCents: 380, quantity: 2 },
        { itemId: 'croissant', name: 'Croissant', unitPriceCents: 280, quantity: 1 },
      ]);
      expect(result.headers.Location).toBe(`/orders/${order.id}`);
      expect(api.deps.workflowFake.started).toEqual([order.id]);
      expect(await stockOf(database.db, 'croissant')).toBe(23);
    });

    it('places an order in as few statements as its stock needs, and answers with the order as stored', async () => {
      const statements: string[] = [];
      const verb = (text: string) => text.trim().split(/\s+/)[0]!;
      const counting: Database = {
        query: (text, params) => (statements.push(verb(text)), database.db.query(text, params)),
        transaction: (fn) => (statements.push('BEGIN'), database.db.transaction((tx) => fn({ query: (text, params) => (statements.push(verb(text)), tx.query(text, params)) }))),
        close: async () => undefined,
      };
      const deps = testDeps(counting);
      const orders = ordersHandler(deps);
      const drinks = await orders(apiEvent('POST', '/orders', { claims: ALICE, body: { items: [{ itemId: 'flat-white', quantity: 2 }, { itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP } }));
      expect(drinks.statusCode).toBe(201);
      // Uncounted items: one read prices both lines, one statement writes the customer, the order and
      // its lines; no transaction, no read back, no read-model write (no stock changed).
      expect(statements).toEqual(['SELECT', 'WITH']);
      expect(deps.readModel.puts).toBe(0);
      const placed = bodyOf<Order>(drinks);
      expect(bodyOf<Order>(await orders(apiEvent('GET', '/orders/{orderId}', { claims: ALICE, params: { orderId: placed.id } })))).toEqual(placed);
      // The lifecycle's first step reads the order and its lines' sum in one statement.
      statements.length = 0;
      await expect(workflowHandler(deps)({ action: 'validate', orderId: placed.id })).resolves.toEqual({ id: placed.id, totalCents: 2 * 380 + 250, currency: 'EUR', pickupAt: PICKUP, lines: 2 });
      expect(statements).toEqual(['SELECT']);
      // A counted item is taken in a transaction, and the read model follows.
      statements.length = 0;
      const pastry = await orders(apiEvent('POST', '/orders', { claims: BOB, body: { items: [{ itemId: 'flat-white', quantity: 1 }, { itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP } }));
      expect(pastry.statusCode).toBe(201);
      expect(statements.slice(0, 4)).toEqual(['SELECT', 'BEGIN', 'UPDATE', 'WITH']);
      expect(deps.readModel.puts).toBe(1);
      expect(await stockOf(database.db, 'croissant')).toBe(22);
      expect(bodyOf<Order>(await orders(apiEvent('GET', '/orders/{orderId}', { claims: BOB, params: { orderId: bodyOf<Order>(pastry).id } })))).toEqual(bodyOf<Order>(pastry));
    });

    it('returns the same order for a repeated Idempotency-Key, taking stock once', async () => {
      const headers = { 'Idempotency-Key': 'order-key-0001' };
      const first = await placeAs(api, ALICE, twoDrinks, headers);
      const again = await placeAs(api, ALICE, twoDrinks, headers);
      expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
      expect(bodyOf<Order>(again).id).toBe(bodyOf<Order>(first).id);
      expect(await stockOf(database.db, 'croissant')).toBe(23);
      expect(api.deps.workflowFake.started).toHaveLength(1);
    });

    it('refuses what is sold out or unavailable with 409, naming the item as the menu does, and writes nothing', async () => {
      await database.db.query(`UPDATE menu_items SET stock = 1 WHERE id = 'croissant'`);
      const result = await placeAs(api, ALICE, { items: [{ itemId: 'espresso', quantity: 1 }, { itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP });
      expect(result.statusCode).toBe(409);
      expect(bodyOf<{ error: unknown }>(result).error).toEqual({ code: 'sold_out', message: 'only 1 Croissant left; 2 asked', issues: [{ field: 'items.1.quantity', reason: 'only 1 left' }] });
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM orders')).toBe(0);
      expect(await stockOf(database.db, 'croissant')).toBe(1);
      await database.db.query(`UPDATE menu_items SET stock = 0 WHERE id = 'croissant'`);
      const soldOut = bodyOf<{ error: { message: string } }>(await placeAs(api, ALICE, { items: [{ itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP }));
      expect(soldOut.error.message).toBe('Croissant is sold out');
      await database.db.query(`UPDATE menu_items SET available = false WHERE id = 'espresso'`);
      const off = bodyOf<{ error: { message: string } }>(await placeAs(api, ALICE, { items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP }));
      expect(off.error.message).toBe('Espresso is not available right now');
    });

    it('keeps the menu read model in step with stock: orders take it, cancellations return it, sold out and back', async () => {
      const menuStock = async (id: string) => bodyOf<{ items: { id: string; stock: number | null }[] }>(await api.menu(apiEvent('GET', '/menu'))).items.find((i) => i.id === id)?.stock;
      expect(await menuStock('croissant')).toBe(24);
      await database.db.query(`UPDATE menu_items SET stock = 2 WHERE id = 'croissant'`);
      // An edit through the menu function (the admin's way) refreshes the read model too.
      expect((await api.menu(apiEvent('PUT', '/menu/{itemId}', { claims: BARISTA, params: { itemId: 'croissant' }, body: { stock: 2 } }))).statusCode).toBe(200);
      expect(await menuStock('croissant')).toBe(2);
      const order = bodyOf<Order>(await placeAs(api, ALICE, { items: [{ itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP }));
      expect(await menuStock('croissant')).toBe(0);
      expect((await placeAs(api, BOB, { items: [{ itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP })).statusCode).toBe(409);
      expect((await api.orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }))).statusCode).toBe(200);
      expect(await menuStock('croissant')).toBe(2);
      // Stock returned by the lifecycle (an order failed) reaches the read model by the same path.
      const failing = bodyOf<Order>(await placeAs(api, BOB, { items: [{ itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP }));
      expect(await menuStock('croissant')).toBe(1);
      const workflow = workflowHandler(api.deps);
      await workflow({ action: 'fail', orderId: failing.id, reason: 'PaymentDeclined' });
      expect(await menuStock('croissant')).toBe(2);
    });

    it('places one order for two identical requests sent at once with one Idempotency-Key (the other is told to retry, or replayed)', async () => {
      const headers = { 'Idempotency-Key': 'order-key-race1' };
      const results = await Promise.all([placeAs(api, ALICE, twoDrinks, headers), placeAs(api, ALICE, twoDrinks, headers)]);
      const statuses = results.map((r) => r.statusCode).sort();
      expect([[200, 201], [201, 409]]).toContainEqual(statuses);
      const busy = results.find((r) => r.statusCode === 409);
      if (busy) expect([bodyOf<{ error: { code: string } }>(busy).error.code, busy.headers['Retry-After']]).toEqual(['in_progress', '1']);
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM orders')).toBe(1);
      const again = await placeAs(api, ALICE, twoDrinks, headers);
      expect(again.statusCode).toBe(200);
    });

    it('refuses the same Idempotency-Key with another body (422), whether Powertools or the order remembers it', async () => {
      const headers = { 'Idempotency-Key': 'order-key-0002' };
      const first = await placeAs(api, ALICE, twoDrinks, headers);
      expect(first.statusCode).toBe(201);
      const other = await placeAs(api, ALICE, { ...twoDrinks, items: [{ itemId: 'espresso', quantity: 1 }] }, headers);
      expect(other.statusCode).toBe(422);
      expect(bodyOf<{ error: unknown }>(other).error).toEqual({
        code: 'idempotency_key_reused',
        message: 'this Idempotency-Key was already used for a different order; send a new key for a new order',
        issues: [{ field: 'Idempotency-Key', reason: 'already used with a different body' }],
      });
      const laterPickup = await placeAs(api, ALICE, { ...twoDrinks, pickupAt: '2026-11-25T09:30:00.000Z' }, headers);
      expect(laterPickup.statusCode).toBe(422);
      // Another customer's key is their own.
      expect((await placeAs(api, BOB, { ...twoDrinks, items: [{ itemId: 'espresso', quantity: 1 }] }, headers)).statusCode).toBe(201);
      // Once the Powertools record is gone (expired), the order's client_token still refuses it, and still replays.
      const forgetful = ordersHandler({ ...api.deps, tables: { ...api.deps.tables, idempotency: await freshIdempotencyTable(dynamo.client) } });
      expect((await forgetful(apiEvent('POST', '/orders', { claims: ALICE, body: { ...twoDrinks, items: [{ itemId: 'espresso', quantity: 1 }] }, headers }))).statusCode).toBe(422);
      const replay = await forgetful(apiEvent('POST', '/orders', { claims: ALICE, body: twoDrinks, headers }));
      expect([replay.statusCode, bodyOf<Order>(replay).id]).toEqual([200, bodyOf<Order>(first).id]);
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM orders')).toBe(2);
      expect(api.deps.workflowFake.started).toHaveLength(2);
    });

    it('shows a customer only their own orders', async () => {
      const mine = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await placeAs(api, BOB, { items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP });
      const list = bodyOf<{ orders: Order[] }>(await api.orders(apiEvent('GET', '/orders', { claims: ALICE })));
      expect(list.orders.map((o) => o.id)).toEqual([mine.id]);
      expect((await api.orders(apiEvent('GET', '/orders/{orderId}', { claims: ALICE, params: { orderId: mine.id } }))).statusCode).toBe(200);
      expect((await api.orders(apiEvent('GET', '/orders/{orderId}', { claims: BOB, params: { orderId: mine.id } }))).statusCode).toBe(404);
    });

    it('cancels a waiting order: stock back, the waiting workflow told OrderCancelled', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await awaitBarista({ db: database.db, now: new Date() }, order.id, 'token-1');
      api.deps.workflowFake.live.add('token-1');
      const result = await api.orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }));
      expect(result.statusCode).toBe(200);
      expect(bodyOf<Order>(result).status).toBe('cancelled');
      expect(api.deps.workflowFake.failed).toEqual([{ token: 'token-1', error: 'OrderCancelled', cause: 'cancelled by the customer' }]);
      expect(await stockOf(database.db, 'croissant')).toBe(24);
      // Cancelling twice is harmless.
      expect((await api.orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }))).statusCode).toBe(200);
      expect(await stockOf(database.db, 'croissant')).toBe(24);
    });

    it('refuses to cancel an order the barista has started (409)', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await database.db.query(`UPDATE orders SET status = 'preparing' WHERE id = $1`, [order.id]);
      const result = await api.orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }));
      expect(result.statusCode).toBe(409);
    });

    it('fails the order and returns its stock when the lifecycle cannot start (503)', async () => {
      api.deps.workflowFake.failStart = true;
      const result = await placeAs(api, ALICE, twoDrinks);
      expect(result.statusCode).toBe(503);
      expect(result.headers['Retry-After']).toBe('10');
      expect((await database.db.query<{ status: string }>('SELECT status FROM orders')).rows).toEqual([{ status: 'failed' }]);
      expect(await stockOf(database.db, 'croissant')).toBe(24);
    });

    it('answers 503 with Retry-After to writes while the maintenance switch pauses them; reads go on', async () => {
      api.deps.controlFake.state = { writesPaused: true, retryAfterSeconds: 20 };
      const result = await placeAs(api, ALICE, twoDrinks);
      expect(result.statusCode).toBe(503);
      expect(result.headers['Retry-After']).toBe('20');
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM orders')).toBe(0);
      expect((await api.orders(apiEvent('GET', '/orders', { claims: ALICE }))).statusCode).toBe(200);
      expect((await api.menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }))).statusCode).toBe(503);
      expect((await api.menu(apiEvent('GET', '/menu'))).statusCode).toBe(200);
    });
  });

  describe('hostile and malformed payloads', () => {
    const table: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string?][] = [
      ['no body', {}, 400, 'body'],
      ['not JSON', { rawBody: '{"items": [' }, 400, 'body'],
      ['an array body', { body: [1, 2] }, 400],
      ['items is a string', { body: { items: 'flat-white', pickupAt: PICKUP } }, 400, 'items'],
      ['empty items', { body: { items: [], pickupAt: PICKUP } }, 400, 'items'],
      ['negative quantity', { body: { items: [{ itemId: 'espresso', quantity: -2 }], pickupAt: PICKUP } }, 400, 'items.0.quantity'],
      ['zero quantity', { body: { items: [{ itemId: 'espresso', quantity: 0 }], pickupAt: PICKUP } }, 400, 'items.0.quantity'],
      ['fractional quantity', { body: { items: [{ itemId: 'espresso', quantity: 1.5 }], pickupAt: PICKUP } }, 400, 'items.0.quantity'],
      ['quantity as a string', { body: { items: [{ itemId: 'espresso', quantity: '1' }], pickupAt: PICKUP } }, 400, 'items.0.quantity'],
      ['huge quantity', { body: { items: [{ itemId: 'espresso', quantity: 1e9 }], pickupAt: PICKUP } }, 400, 'items.0.quantity'],
      ['unknown item', { body: { items: [{ itemId: 'unicorn-latte', quantity: 1 }], pickupAt: PICKUP } }, 400, 'items.0.itemId'],
      ['SQL in the item id', { body: { items: [{ itemId: "espresso'; DROP TABLE orders; --", quantity: 1 }], pickupAt: PICKUP } }, 400, 'items.0.itemId'],
      ['a client price', { body: { items: [{ itemId: 'espresso', quantity: 1, priceCents: 1 }], pickupAt: PICKUP } }, 400],
      ['a client total', { body: { ...twoDrinks, totalCents: 1 } }, 400],
      ['prototype pollution', { rawBody: `{"items":[{"itemId":"espresso","quantity":1}],"pickupAt":"${PICKUP}","__proto__":{"admin":true}}` }, 400],
      ['duplicate lines', { body: { items: [{ itemId: 'espresso', quantity: 1 }, { itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP } }, 400, 'items.1.itemId'],
      ['too many lines', { body: { items: Array.from({ length: 21 }, (_, i) => ({ itemId: `item-${i}`, quantity: 1 })), pickupAt: PICKUP } }, 400, 'items'],
      ['pickup not a date', { body: { items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: 'tomorrow-ish' } }, 400, 'pickupAt'],
      ['pickup in the past', { body: { items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: '2020-01-01T00:00:00Z' } }, 400, 'pickupAt'],
      ['pickup next week', { body: { items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: '2026-12-02T09:00:00Z' } }, 400, 'pickupAt'],
      ['a 1 MB body', { rawBody: JSON.stringify({ items: [{ itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP, pad: 'x'.repeat(1_000_000) }) }, 413, 'body'],
      ['deeply nested JSON', { rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}` }, 400],
      ['a bad Idempotency-Key', { body: twoDrinks, headers: { 'Idempotency-Key': '../../etc' } }, 400, 'Idempotency-Key'],
      // What a cross-origin page can send without a CORS preflight.
      ['a text/plain body', { body: twoDrinks, headers: { 'Content-Type': 'text/plain' } }, 415, 'Content-Type'],
      ['a form body', { rawBody: 'items=espresso', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, 'Content-Type'],
      ['a body without a Content-Type', { body: twoDrinks, headers: { 'Content-Type': '' } }, 415, 'Content-Type'],
    ];
    const cases = table.map(([name, input, status, field]) => ({ name, input, status, field }));
    it.each(cases)('$name → $status, nothing written', async ({ input, status, field }) => {
      const result = await api.orders(apiEvent('POST', '/orders', { claims: ALICE, ...input }));
      expect(result.statusCode).toBe(status);
      const error = bodyOf<{ error: { issues?: { field: string }[]; message: string } }>(result).error;
      if (field) expect(error.issues?.[0]?.field).toBe(field);
      expect(result.body).not.toMatch(/at .*\.ts:\d+|stack/i);
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM orders')).toBe(0);
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM customers')).toBe(0);
      expect(await stockOf(database.db, 'croissant')).toBe(24);
      expect(api.deps.workflowFake.started).toEqual([]);
    });

    const otherRoutes: { name: string; fn: 'menu' | 'admin'; method: string; resource: string; params?: Record<string, string>; body?: unknown; rawBody?: string; query?: Record<string, string>; status: number }[] = [
      { name: 'menu item with a client-chosen version', fn: 'menu', method: 'POST', resource: '/menu', body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450, version: 9 }, status: 400 },
      { name: 'menu item id with SQL', fn: 'menu', method: 'PUT', resource: '/menu/{itemId}', params: { itemId: "espresso' OR '1'='1" }, body: { priceCents: 1 }, status: 400 },
      { name: 'menu price as a string', fn: 'menu', method: 'PUT', resource: '/menu/{itemId}', params: { itemId: 'espresso' }, body: { priceCents: '1' }, status: 400 },
      { name: 'menu change with nothing to change', fn: 'menu', method: 'PUT', resource: '/menu/{itemId}', params: { itemId: 'espresso' }, body: { version: 1 }, status: 400 },
      { name: 'menu name of 10 000 characters', fn: 'menu', method: 'POST', resource: '/menu', body: { id: 'long', name: 'x'.repeat(10_000), category: 'coffee', priceCents: 100 }, status: 400 },
      { name: 'menu negative stock', fn: 'menu', method: 'PUT', resource: '/menu/{itemId}', params: { itemId: 'croissant' }, body: { stock: -1 }, status: 400 },
      { name: 'menu body that is JSON null', fn: 'menu', method: 'POST', resource: '/menu', rawBody: 'null', status: 400 },
      { name: 'advance to a made-up status', fn: 'admin', method: 'POST', resource: '/admin/orders/{orderId}/advance', params: { orderId: '00000000-0000-4000-8000-000000000000' }, body: { to: 'eaten' }, status: 400 },
      { name: 'advance an unknown order', fn: 'admin', method: 'POST', resource: '/admin/orders/{orderId}/advance', params: { orderId: '00000000-0000-4000-8000-000000000000' }, status: 404 },
      { name: 'queue with an unknown status', fn: 'admin', method: 'GET', resource: '/admin/orders', query: { status: 'accepted,lost' }, status: 400 },
      { name: 'queue with a limit of a million', fn: 'admin', method: 'GET', resource: '/admin/orders', query: { limit: '1000000' }, status: 400 },
      { name: 'sales for a non-date', fn: 'admin', method: 'GET', resource: '/admin/sales/daily', query: { date: "2026-11-25'; --" }, status: 400 },
    ];
    it.each(otherRoutes)('admin: $name → $status, nothing written', async ({ fn, method, resource, params, body, rawBody, query, status }) => {
      const result = await api[fn](apiEvent(method, resource, { claims: BARISTA, params, body, rawBody, query }));
      expect(result.statusCode).toBe(status);
      expect(bodyOf<{ error: { code: string } }>(result).error.code).toBeDefined();
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM menu_items WHERE version > 1 OR retired_at IS NOT NULL')).toBe(0);
      expect(await count(database.db, 'SELECT count(*)::int AS n FROM menu_items')).toBe(7);
      expect(await stockOf(database.db, 'croissant')).toBe(24);
      expect(api.deps.readModel.puts).toBe(0);
    });

    it.each([
      { name: 'not a UUID', id: 'not-a-uuid', status: 400 },
      { name: 'SQL', id: "1' OR '1'='1", status: 400 },
      { name: 'someone else’s order', id: 'other', status: 404 },
      { name: 'an unknown order', id: '00000000-0000-4000-8000-000000000000', status: 404 },
    ])('order id: $name → $status', async ({ id, status }) => {
      const bobs = bodyOf<Order>(await placeAs(api, BOB, twoDrinks));
      const orderId = id === 'other' ? bobs.id : id;
      expect((await api.orders(apiEvent('GET', '/orders/{orderId}', { claims: ALICE, params: { orderId } }))).statusCode).toBe(status);
      expect((await api.orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId } }))).statusCode).toBe(status);
      expect((await database.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [bobs.id])).rows[0]?.status).toBe('placed');
    });
  });

  describe('authorisation matrix', () => {
    type Cell = Record<Caller, number>;
    const matrix: [string, string, (orderId: string) => { params?: Record<string, string>; body?: unknown; query?: Record<string, string> }, keyof Omit<Api, 'deps'>, Cell][] = [
      ['GET', '/health', () => ({}), 'health', { anonymous: 200, customer: 200, other: 200, admin: 200 }],
      ['GET', '/menu', () => ({}), 'menu', { anonymous: 200, customer: 200, other: 200, admin: 200 }],
      ['GET', '/menu/{itemId}', () => ({ params: { itemId: 'espresso' } }), 'menu', { anonymous: 200, customer: 200, other: 200, admin: 200 }],
      ['POST', '/menu', () => ({ body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }), 'menu', { anonymous: 401, customer: 403, other: 403, admin: 201 }],
      ['PUT', '/menu/{itemId}', () => ({ params: { itemId: 'espresso' }, body: { priceCents: 260 } }), 'menu', { anonymous: 401, customer: 403, other: 403, admin: 200 }],
      ['DELETE', '/menu/{itemId}', () => ({ params: { itemId: 'espresso' } }), 'menu', { anonymous: 401, customer: 403, other: 403, admin: 204 }],
      ['POST', '/orders', () => ({ body: twoDrinks }), 'orders', { anonymous: 401, customer: 201, other: 201, admin: 201 }],
      ['GET', '/orders', () => ({}), 'orders', { anonymous: 401, customer: 200, other: 200, admin: 200 }],
      ['GET', '/orders/{orderId}', (orderId) => ({ params: { orderId } }), 'orders', { anonymous: 401, customer: 200, other: 404, admin: 404 }],
      ['POST', '/orders/{orderId}/cancel', (orderId) => ({ params: { orderId } }), 'orders', { anonymous: 401, customer: 200, other: 404, admin: 404 }],
      ['GET', '/admin/orders', () => ({}), 'admin', { anonymous: 401, customer: 403, other: 403, admin: 200 }],
      ['POST', '/admin/orders/{orderId}/advance', (orderId) => ({ params: { orderId } }), 'admin', { anonymous: 401, customer: 403, other: 403, admin: 200 }],
      ['GET', '/admin/sales/daily', () => ({ query: { date: '2026-11-25' } }), 'admin', { anonymous: 401, customer: 403, other: 403, admin: 200 }],
    ];
    const rows = matrix.flatMap(([method, resource, input, fn, cell]) => (Object.keys(cell) as Caller[]).map((caller) => ({ method, resource, caller, status: cell[caller], input, fn })));
    it.each(rows)('$method $resource as $caller → $status', async ({ method, resource, caller, status, input, fn }) => {
      // Alice's order, accepted and waiting for the barista.
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await awaitBarista({ db: database.db, now: new Date() }, order.id, 'token-m');
      api.deps.workflowFake.live.add('token-m');
      const before = await count(database.db, `SELECT count(*)::int AS n FROM orders WHERE status <> 'accepted' OR updated_at <> created_at`);
      const result = await api[fn](apiEvent(method, resource, { ...input(order.id), claims: CLAIMS[caller] }));
      expect(result.statusCode).toBe(status);
      if (status >= 400) {
        // A refused call changes nothing.
        expect(await count(database.db, `SELECT count(*)::int AS n FROM orders WHERE status <> 'accepted' OR updated_at <> created_at`)).toBe(before);
        expect(await count(database.db, 'SELECT count(*)::int AS n FROM menu_items WHERE retired_at IS NOT NULL OR version > 1')).toBe(0);
      }
    });
  });

  describe('barista', () => {
    it('advances an order accepted → preparing → ready (resuming the lifecycle) → collected', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await awaitBarista({ db: database.db, now: new Date() }, order.id, 'token-b');
      api.deps.workflowFake.live.add('token-b');
      const queue = bodyOf<{ orders: Order[] }>(await api.admin(apiEvent('GET', '/admin/orders', { claims: BARISTA })));
      expect(queue.orders.map((o) => [o.id, o.status])).toEqual([[order.id, 'accepted']]);

      const advance = (body?: unknown) => api.admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id }, body }));
      expect((await advance({ to: 'ready' })).statusCode).toBe(409);
      expect(bodyOf<Order>(await advance({ to: 'preparing' })).status).toBe('preparing');
      expect(api.deps.workflowFake.succeeded).toEqual([]);
      expect(bodyOf<Order>(await advance()).status).toBe('ready');
      expect(api.deps.workflowFake.succeeded).toEqual([{ token: 'token-b', output: { orderId: order.id, status: 'ready' } }]);
      // Not handed over before the lifecycle has captured the payment.
      await database.db.query(`UPDATE orders SET payment_status = 'authorised' WHERE id = $1`, [order.id]);
      const early = await advance();
      expect([early.statusCode, bodyOf<{ error: { message: string } }>(early).error.message]).toEqual([409, expect.stringContaining('still being captured')]);
      expect((await database.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [order.id])).rows[0]?.status).toBe('ready');
      await database.db.query(`UPDATE orders SET payment_status = 'captured' WHERE id = $1`, [order.id]);
      expect(bodyOf<Order>(await advance()).status).toBe('collected');
      expect((await advance()).statusCode).toBe(409);
    });

    it('does not mark ready an order whose wait timed out (409, nothing changed)', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await awaitBarista({ db: database.db, now: new Date() }, order.id, 'expired-token');
      await database.db.query(`UPDATE orders SET status = 'preparing' WHERE id = $1`, [order.id]);
      const result = await api.admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id } }));
      expect(result.statusCode).toBe(409);
      expect((await database.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [order.id])).rows[0]?.status).toBe('preparing');
    });

    it('keeps a payment_failed order in the queue and lists it with the day’s sales; it cannot be advanced', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      await awaitBarista({ db: database.db, now: new Date() }, order.id, 'token-p');
      await database.db.query(`UPDATE orders SET status = 'ready', payment_status = 'authorised' WHERE id = $1`, [order.id]);
      await workflowHandler(api.deps)({ action: 'paymentFailed', step: 'capture', orderId: order.id, reason: 'PaymentNotFound' });
      const queue = bodyOf<{ orders: Order[] }>(await api.admin(apiEvent('GET', '/admin/orders', { claims: BARISTA })));
      expect(queue.orders.map((o) => [o.id, o.status, o.statusReason])).toEqual([[order.id, 'payment_failed', 'the payment could not be captured (PaymentNotFound); needs attention']]);
      const only = bodyOf<{ orders: Order[] }>(await api.admin(apiEvent('GET', '/admin/orders', { claims: BARISTA, query: { status: 'payment_failed' } })));
      expect(only.orders).toHaveLength(1);
      const advance = await api.admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id } }));
      expect([advance.statusCode, bodyOf<{ error: { message: string } }>(advance).error.message]).toEqual([409, expect.stringContaining('needs attention')]);
      const sales = bodyOf<{ orders: number; needsAttention: unknown[] }>(await api.admin(apiEvent('GET', '/admin/sales/daily', { claims: BARISTA, query: { date: '2026-11-25' } })));
      expect(sales.orders).toBe(0);
      expect(sales.needsAttention).toEqual([
        { orderId: order.id, totalCents: 1040, currency: 'EUR', paymentStatus: 'authorised', reason: 'the payment could not be captured (PaymentNotFound); needs attention' },
      ]);
      // Made and handed over as far as the barista knows: its stock is not returned.
      expect(await stockOf(database.db, 'croissant')).toBe(23);
      expect(api.deps.memoryLog.lines.filter((l) => l.message === 'order needs attention')).toEqual([
        { level: 'error', message: 'order needs attention', fields: { orderId: order.id, step: 'capture', error: 'PaymentNotFound', previousStatus: 'ready' } },
      ]);
    });

    it('sums the day’s captured sales per item', async () => {
      const a = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      const b = bodyOf<Order>(await placeAs(api, BOB, { items: [{ itemId: 'flat-white', quantity: 1 }], pickupAt: PICKUP }));
      await placeAs(api, BOB, { items: [{ itemId: 'espresso', quantity: 3 }], pickupAt: PICKUP });
      await database.db.query(`UPDATE orders SET payment_status = 'captured' WHERE id = ANY($1::uuid[])`, [[a.id, b.id]]);
      const sales = bodyOf(await api.admin(apiEvent('GET', '/admin/sales/daily', { claims: BARISTA, query: { date: '2026-11-25' } })));
      expect(sales).toEqual({
        date: '2026-11-25',
        orders: 2,
        revenueCents: 1040 + 380,
        currency: 'EUR',
        items: [
          { itemId: 'flat-white', name: 'Flat white', quantity: 3, revenueCents: 1140 },
          { itemId: 'croissant', name: 'Croissant', quantity: 1, revenueCents: 280 },
        ],
        needsAttention: [],
      });
      const bad = await api.admin(apiEvent('GET', '/admin/sales/daily', { claims: BARISTA, query: { date: '2026-02-31' } }));
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('payments', () => {
    /** `db` with the first word of every statement it runs recorded in `statements` (BEGIN for a transaction). */
    const counted = (statements: string[]): Database => {
      const verb = (text: string) => text.trim().split(/\s+/)[0]!;
      const db = database.db;
      return {
        query: (text, params) => (statements.push(verb(text)), db.query(text, params)),
        transaction: (fn) => (statements.push('BEGIN'), db.transaction((tx) => fn({ query: (text, params) => (statements.push(verb(text)), tx.query(text, params)) }))),
        close: async () => undefined,
      };
    };
    const paymentOf = async (orderId: string) =>
      (
        await database.db.query<{ payment_status: string; status: string | null; authorisation_id: string | null; rows: number }>(
          `SELECT o.payment_status, p.status, p.authorisation_id, (SELECT count(*)::int FROM payments WHERE order_id = o.id) AS rows
             FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.id = $1`,
          [orderId],
        )
      ).rows[0];

    it('authorises in two statements, captures and refunds in two each, and answers a repeat with one read', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      const statements: string[] = [];
      const payments = paymentsHandler({ ...api.deps, db: counted(statements) });
      const event = (action: string) => ({ action, orderId: order.id, idempotencyKey: `${action}-${order.id}` });
      // One read of the order and its payment; one statement storing the payment and moving the order.
      await expect(payments(event('authorise'))).resolves.toEqual({ orderId: order.id, status: 'authorised', authorisationId: 'auth-1', amountCents: 1040, currency: 'EUR' });
      expect(statements).toEqual(['SELECT', 'WITH']);
      expect(await paymentOf(order.id)).toEqual({ payment_status: 'authorised', status: 'authorised', authorisation_id: 'auth-1', rows: 1 });
      // A repeat under another key (the idempotency record answers the same key without SQL) reads and stops.
      statements.length = 0;
      const ports = { db: counted(statements), provider: api.deps.provider, now: api.deps.clock.now() };
      await expect(authorise(ports, order.id, 'another-key')).resolves.toMatchObject({ status: 'authorised', authorisationId: 'auth-1' });
      expect(statements).toEqual(['SELECT']);
      expect(api.deps.provider.charges).toHaveLength(1);

      statements.length = 0;
      await expect(payments(event('capture'))).resolves.toEqual({ orderId: order.id, status: 'captured', authorisationId: 'auth-1', amountCents: 1040, currency: 'EUR' });
      expect(statements).toEqual(['SELECT', 'WITH']);
      expect(await paymentOf(order.id)).toEqual({ payment_status: 'captured', status: 'captured', authorisation_id: 'auth-1', rows: 1 });
      statements.length = 0;
      await expect(capture(ports, order.id, 'another-key')).resolves.toMatchObject({ status: 'captured' });
      expect(statements).toEqual(['SELECT']);
      expect(api.deps.provider.captures).toEqual(['auth-1']);

      statements.length = 0;
      await expect(payments(event('refund'))).resolves.toEqual({ orderId: order.id, status: 'refunded', authorisationId: 'auth-1', amountCents: 1040, currency: 'EUR' });
      expect(statements).toEqual(['SELECT', 'WITH']);
      expect(await paymentOf(order.id)).toEqual({ payment_status: 'refunded', status: 'refunded', authorisation_id: 'auth-1', rows: 1 });
      statements.length = 0;
      await expect(refund(ports, order.id, 'another-key')).resolves.toMatchObject({ status: 'refunded' });
      await expect(capture(ports, order.id, 'a-third-key')).rejects.toMatchObject({ name: 'OrderCancelled' });
      expect(statements).toEqual(['SELECT', 'SELECT']);
      expect(api.deps.provider.refunds).toEqual(['auth-1']);
    });

    it('refunds nothing with one read when nothing was taken, and records a decline with one update', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      const statements: string[] = [];
      const ports = { db: counted(statements), provider: api.deps.provider, now: api.deps.clock.now() };
      await expect(refund(ports, order.id, 'refund-key')).resolves.toEqual({ orderId: order.id, status: 'nothing-to-refund', amountCents: 0, currency: 'EUR' });
      expect(statements).toEqual(['SELECT']);
      const unknown = '00000000-0000-4000-8000-000000000000';
      await expect(refund(ports, unknown, 'refund-key')).resolves.toEqual({ orderId: unknown, status: 'nothing-to-refund', amountCents: 0, currency: 'EUR' });
      await expect(capture(ports, order.id, 'capture-key')).rejects.toMatchObject({ name: 'PaymentNotFound' });
      await expect(authorise(ports, unknown, 'authorise-key')).rejects.toMatchObject({ name: 'OrderInvalid' });
      statements.length = 0;
      api.deps.provider.mode = 'decline';
      await expect(authorise(ports, order.id, 'authorise-key')).rejects.toMatchObject({ name: 'PaymentDeclined' });
      expect(statements).toEqual(['SELECT', 'UPDATE']);
      expect(await paymentOf(order.id)).toEqual({ payment_status: 'declined', status: null, authorisation_id: null, rows: 0 });
      // Only a pending order moves to authorised: a later authorisation is stored (so a refund finds it), the decline stays.
      api.deps.provider.mode = 'approve';
      await expect(authorise(ports, order.id, 'authorise-again')).resolves.toMatchObject({ status: 'authorised' });
      expect(await paymentOf(order.id)).toMatchObject({ payment_status: 'declined', status: 'authorised', rows: 1 });
      const cancelled = bodyOf<Order>(await placeAs(api, BOB, twoDrinks));
      await database.db.query(`UPDATE orders SET status = 'cancelled' WHERE id = $1`, [cancelled.id]);
      await expect(authorise(ports, cancelled.id, 'authorise-cancelled')).rejects.toMatchObject({ name: 'OrderCancelled' });
    });

    it('keeps the payment another invocation stored first: one row, the order authorised once, the stored authorisation answered', async () => {
      const order = bodyOf<Order>(await placeAs(api, ALICE, twoDrinks));
      const statements: string[] = [];
      // The rival finishes between this invocation's read and its write, as a racing invocation can.
      const provider = Object.assign(Object.create(api.deps.provider) as typeof api.deps.provider, {
        authorise: async (request: Parameters<typeof api.deps.provider.authorise>[0]) => {
          await database.db.query(
            `WITH p AS (INSERT INTO payments (order_id, authorisation_id, status, amount_cents, currency) VALUES ($1, 'rival', 'authorised', 1040, 'EUR'))
             UPDATE orders SET payment_status = 'authorised', updated_at = '2026-11-25T08:00:00Z' WHERE id = $1`,
            [order.id],
          );
          return api.deps.provider.authorise(request);
        },
      });
      const ports = { db: counted(statements), provider, now: api.deps.clock.now() };
      await expect(authorise(ports, order.id, 'authorise-key')).resolves.toEqual({ orderId: order.id, status: 'authorised', authorisationId: 'rival', amountCents: 1040, currency: 'EUR' });
      expect(statements).toEqual(['SELECT', 'WITH', 'SELECT']);
      expect(await paymentOf(order.id)).toEqual({ payment_status: 'authorised', status: 'authorised', authorisation_id: 'rival', rows: 1 });
      // The order was not written again: its updated_at is still the rival's.
      const { rows } = await database.db.query<{ updated_at: Date }>('SELECT updated_at FROM orders WHERE id = $1', [order.id]);
      expect(new Date(rows[0]!.updated_at).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    });
  });

  describe('health', () => {
    it('reports region, role, a writable database and the control table', async () => {
      const result = await api.health(apiEvent('GET', '/health'));
      expect(result.statusCode).toBe(200);
      expect(bodyOf(result)).toMatchObject({ status: 'ok', region: 'eu-west-1', role: 'primary', writesPaused: false, checks: { reader: { ok: true, writer: true }, dynamodb: { ok: true } } });
    });

    it('is unhealthy (503) when the control table cannot be read', async () => {
      api.deps.controlFake.maintenance = async () => {
        throw new Error('ResourceNotFoundException');
      };
      const result = await api.health(apiEvent('GET', '/health'));
      expect(result.statusCode).toBe(503);
      expect(bodyOf(result)).toMatchObject({ status: 'unhealthy', checks: { dynamodb: { ok: false } } });
    });

    it('writes a drill canary once and reads it back with the ids it lacks (direct invocation)', async () => {
      const health = healthHandler(api.deps);
      const id = `canary#suite-${Date.now()}#1`;
      const written = await health({ action: 'canary-write', id });
      expect(written).toEqual({ id, region: 'eu-west-1', writtenAt: expect.stringMatching(/Z$/) });
      expect(await health({ action: 'canary-write', id })).toEqual(written);
      expect(await health({ action: 'canary-read', ids: [id, `${id}0`] })).toEqual({ region: 'eu-west-1', found: [written], missing: [`${id}0`] });
    });
  });

  return { database: () => database, api: () => api };
}
