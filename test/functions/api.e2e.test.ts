import { connectPg } from '../../functions/shared/sql';
import { createHandler as ordersHandler } from '../../functions/orders/handler';
import type { Order } from '../../functions/shared/orders';
import { describeWithTool, TOOLS } from '../support/tools';
import { startPostgres, type Postgres } from '../support/postgres';
import { defineApiSuite, reset } from './support/api-suite';
import { apiEvent, bodyOf, PICKUP, prepare, testDeps } from './support/harness';

describeWithTool(TOOLS.postgres, 'café API on PostgreSQL 15')('café API on a PostgreSQL 15 server', () => {
  let pg: Postgres;
  beforeAll(async () => (pg = await startPostgres()), 60_000);
  afterAll(async () => pg?.stop());

  describe('every route', () => {
    defineApiSuite(async () => {
      const db = await connectPg({ connectionString: await pg.createDatabase('api'), max: 4 });
      return { db, close: () => db.close() };
    });
  });

  describe('under concurrency', () => {
    it('never oversells: 40 customers race for 12 slices of banana bread', async () => {
      const db = await connectPg({ connectionString: await pg.createDatabase('oversell'), max: 20 });
      try {
        await prepare(db);
        const orders = ordersHandler(testDeps(db));
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            orders(apiEvent('POST', '/orders', { claims: { sub: `customer-${i}` }, body: { items: [{ itemId: 'espresso', quantity: 1 }, { itemId: 'banana-bread', quantity: 1 }], pickupAt: PICKUP } })),
          ),
        );
        const statuses = results.map((r) => r.statusCode);
        expect(statuses.filter((s) => s === 201)).toHaveLength(12);
        expect(statuses.filter((s) => s === 409)).toHaveLength(28);
        const { rows } = await db.query<{ stock: number; sold: number; lines: number; orders: number }>(
          `SELECT (SELECT stock FROM menu_items WHERE id = 'banana-bread') AS stock,
                  (SELECT coalesce(sum(quantity), 0)::int FROM order_items WHERE item_id = 'banana-bread') AS sold,
                  (SELECT count(*)::int FROM order_items) AS lines,
                  (SELECT count(*)::int FROM orders) AS orders`,
        );
        expect(rows[0]).toEqual({ stock: 0, sold: 12, lines: 24, orders: 12 });
      } finally {
        await db.close();
      }
    });

    it('loses no line and deadlocks nowhere when orders lock the same items in opposite orders', async () => {
      const db = await connectPg({ connectionString: await pg.createDatabase('lines'), max: 20 });
      try {
        await prepare(db);
        await reset(db);
        const orders = ordersHandler(testDeps(db));
        const bodies = Array.from({ length: 30 }, (_, i) => ({
          items: i % 2 ? [{ itemId: 'croissant', quantity: 1 }, { itemId: 'flat-white', quantity: 2 }, { itemId: 'espresso', quantity: 1 }] : [{ itemId: 'espresso', quantity: 1 }, { itemId: 'flat-white', quantity: 2 }, { itemId: 'croissant', quantity: 1 }],
          pickupAt: PICKUP,
        }));
        const results = await Promise.all(bodies.map((body, i) => orders(apiEvent('POST', '/orders', { claims: { sub: `c-${i}` }, body }))));
        const created = results.filter((r) => r.statusCode === 201).map((r) => bodyOf<Order>(r));
        expect(created).toHaveLength(24); // croissant stock is 24
        expect(results.filter((r) => r.statusCode === 409)).toHaveLength(6);
        for (const order of created) expect(order.items).toHaveLength(3);
        const { rows } = await db.query<{ lines: number; croissants: number; stock: number }>(
          `SELECT (SELECT count(*)::int FROM order_items) AS lines,
                  (SELECT coalesce(sum(quantity), 0)::int FROM order_items WHERE item_id = 'croissant') AS croissants,
                  (SELECT stock FROM menu_items WHERE id = 'croissant') AS stock`,
        );
        expect(rows[0]).toEqual({ lines: 72, croissants: 24, stock: 0 });
      } finally {
        await db.close();
      }
    });
  });
});
