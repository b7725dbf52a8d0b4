/**
 * Run in a plain Node process by pglite.test.ts (PGlite's WebAssembly loader needs real dynamic
 * import): migrations, the demo menu, an order placed and cancelled through the real handlers.
 * Prints one JSON line.
 */
import { createHandler as migrateHandler } from '../../../functions/migrate/handler';
import { createHandler as ordersHandler } from '../../../functions/orders/handler';
import { openPglite } from '../../../functions/shared/pglite';
import { ALICE, PICKUP, apiEvent, bodyOf, testDeps } from './harness';

async function main() {
  const db = await openPglite();
  const log = testDeps(db).memoryLog;
  const first = await migrateHandler({ db, log })({ seedDemoMenu: true });
  const second = await migrateHandler({ db, log })({});
  const deps = testDeps(db);
  const orders = ordersHandler(deps);
  const placed = await orders(apiEvent('POST', '/orders', { claims: ALICE, body: { items: [{ itemId: 'croissant', quantity: 3 }, { itemId: 'espresso', quantity: 1 }], pickupAt: PICKUP } }));
  const order = bodyOf<{ id: string; totalCents: number; status: string }>(placed);
  const stockAfterOrder = (await db.query<{ stock: number }>(`SELECT stock FROM menu_items WHERE id = 'croissant'`)).rows[0]?.stock;
  const cancelled = await orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }));
  const stockAfterCancel = (await db.query<{ stock: number }>(`SELECT stock FROM menu_items WHERE id = 'croissant'`)).rows[0]?.stock;
  const duplicate = await db.transaction(async (tx) => (await tx.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]);
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ first, second, placed: placed.statusCode, totalCents: order.totalCents, started: deps.workflowFake.started.length, stockAfterOrder, cancelled: bodyOf<{ status: string }>(cancelled).status, stockAfterCancel, migrations: duplicate })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
