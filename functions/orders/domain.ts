/**
 * Customer orders. Prices come from the menu in the database, never from the client. Placing an
 * order is one transaction: stock is taken with conditional updates (no oversell under
 * concurrency) and the order and its lines are written. The lifecycle execution starts after commit
 * (so its first step sees the order); if it cannot start, the order is failed and its stock returned.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, HttpError, notFound, unavailable } from '../shared/errors';
import { ORDER_COLUMNS, restock, withLines, type Order, type OrderRow } from '../shared/orders';
import type { Identity } from '../shared/identity';
import { TaskTokenExpired, type Workflow } from '../shared/ports';
import type { Database } from '../shared/sql';

export interface PlaceOrder {
  items: { itemId: string; quantity: number }[];
  pickupAt: Date;
  /** Idempotency-Key header: the same key from the same customer returns the same order. */
  clientToken?: string;
}

export interface OrderPorts {
  db: Database;
  workflow: Workflow;
  now: Date;
  newId?: () => string;
  /** Called after a transaction that took or returned stock, so the menu read model follows. */
  stockChanged?: () => Promise<void>;
}

/** The same Idempotency-Key sent again with another order: a client bug, never a retry. */
export const keyReused = () =>
  new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different order; send a new key for a new order', [
    { field: 'Idempotency-Key', reason: 'already used with a different body' },
  ]);

/** Whether a stored order is the one `request` asks for (same lines, same pickup time). */
function sameRequest(order: Order, request: PlaceOrder): boolean {
  const lines = (items: { itemId: string; quantity: number }[]) =>
    items
      .map((l) => `${l.itemId}x${l.quantity}`)
      .sort()
      .join(',');
  return lines(order.items) === lines(request.items) && Date.parse(order.pickupAt) === request.pickupAt.getTime();
}

/** How far ahead a pickup may be booked, and how soon. */
export const PICKUP_WINDOW = { minMinutes: 0, maxHours: 24 };

export async function placeOrder(ports: OrderPorts, customer: Identity, request: PlaceOrder): Promise<{ order: Order; created: boolean }> {
  const earliest = ports.now.getTime() + PICKUP_WINDOW.minMinutes * 60_000 - 60_000;
  if (request.pickupAt.getTime() < earliest) throw badRequest('pickupAt', 'is in the past');
  if (request.pickupAt.getTime() > ports.now.getTime() + PICKUP_WINDOW.maxHours * 3_600_000) {
    throw badRequest('pickupAt', `is more than ${PICKUP_WINDOW.maxHours} hours ahead`);
  }
  const seen = new Set<string>();
  request.items.forEach((line, i) => {
    if (seen.has(line.itemId)) throw badRequest(`items.${i}.itemId`, 'appears twice; use quantity');
    seen.add(line.itemId);
  });

  // The handler checks the key first (Powertools idempotency, with payload validation); the
  // order's own client_token catches what outlives those records or races past them.
  if (request.clientToken) {
    const existing = await findByClientToken(ports.db, customer.sub, request.clientToken);
    if (existing && !sameRequest(existing, request)) throw keyReused();
    if (existing) return { order: existing, created: false };
  }

  const id = (ports.newId ?? randomUUID)();
  try {
    await ports.db.transaction(async (tx) => {
      await tx.query('INSERT INTO customers (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [customer.sub, customer.email ?? null]);
      // Lock rows in item-id order so concurrent orders cannot deadlock.
      const lines = request.items.map((line, index) => ({ ...line, index })).sort((a, b) => (a.itemId < b.itemId ? -1 : 1));
      const priced: { itemId: string; name: string; price: number; currency: string; quantity: number; index: number }[] = [];
      for (const line of lines) {
        // Uncounted items are only read (no row lock, so popular drinks do not serialise orders);
        // counted ones are taken with a conditional update, which cannot go below zero.
        const { rows: found } = await tx.query<{ name: string; price_cents: number; currency: string; stock: number | null }>(
          'SELECT name, price_cents, currency, stock FROM menu_items WHERE id = $1 AND retired_at IS NULL AND available',
          [line.itemId],
        );
        let row = found[0];
        if (row && row.stock !== null) {
          const { rows: taken } = await tx.query<{ name: string; price_cents: number; currency: string; stock: number | null }>(
            `UPDATE menu_items SET stock = stock - $2
              WHERE id = $1 AND retired_at IS NULL AND available AND stock >= $2
              RETURNING name, price_cents, currency, stock`,
            [line.itemId, line.quantity],
          );
          row = taken[0];
        }
        if (!row) {
          const { rows: known } = await tx.query<{ name: string; available: boolean; retired: boolean; stock: number | null }>(
            'SELECT name, available, retired_at IS NOT NULL AS retired, stock FROM menu_items WHERE id = $1',
            [line.itemId],
          );
          const item = known[0];
          if (!item || item.retired) throw badRequest(`items.${line.index}.itemId`, `"${line.itemId}" is not on the menu`);
          // Named as the customer sees it on the menu, not by its id.
          const field = `items.${line.index}`;
          if (!item.available) throw new HttpError(409, 'unavailable', `${item.name} is not available right now`, [{ field: `${field}.itemId`, reason: 'not available right now' }]);
          if (!item.stock) throw new HttpError(409, 'sold_out', `${item.name} is sold out`, [{ field: `${field}.itemId`, reason: 'sold out' }]);
          throw new HttpError(409, 'sold_out', `only ${item.stock} ${item.name} left; ${line.quantity} asked`, [{ field: `${field}.quantity`, reason: `only ${item.stock} left` }]);
        }
        priced.push({ ...line, name: row.name, price: row.price_cents, currency: row.currency.trim() });
      }
      const currencies = new Set(priced.map((p) => p.currency));
      if (currencies.size !== 1) throw conflict('items are priced in different currencies');
      const total = priced.reduce((sum, p) => sum + p.price * p.quantity, 0);
      await tx.query(
        `INSERT INTO orders (id, customer_id, total_cents, currency, pickup_at, client_token, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
        [id, customer.sub, total, [...currencies][0], request.pickupAt.toISOString(), request.clientToken ?? null, ports.now.toISOString()],
      );
      const ordered = [...priced].sort((a, b) => a.index - b.index);
      for (const [line, p] of ordered.entries()) {
        await tx.query('INSERT INTO order_items (order_id, line, item_id, name, unit_price_cents, quantity) VALUES ($1, $2, $3, $4, $5, $6)', [
          id,
          line + 1,
          p.itemId,
          p.name,
          p.price,
          p.quantity,
        ]);
      }
    });
  } catch (error) {
    // Two requests with one Idempotency-Key raced: the loser returns the winner's order.
    if ((error as { code?: string }).code === '23505' && request.clientToken) {
      const existing = await findByClientToken(ports.db, customer.sub, request.clientToken);
      if (existing && !sameRequest(existing, request)) throw keyReused();
      if (existing) return { order: existing, created: false };
    }
    throw error;
  }
  await ports.stockChanged?.();
  try {
    await ports.workflow.start(id);
  } catch (error) {
    await ports.db.transaction(async (tx) => {
      await tx.query(`UPDATE orders SET status = 'failed', status_reason = 'the order could not be started', updated_at = $2 WHERE id = $1 AND status = 'placed'`, [
        id,
        ports.now.toISOString(),
      ]);
      await restock(tx, id);
    });
    await ports.stockChanged?.();
    throw Object.assign(unavailable('orders cannot be taken right now; try again shortly', 10), { cause: error });
  }
  return { order: (await getOrder(ports.db, customer, id))!, created: true };
}

async function findByClientToken(db: Database, customerId: string, token: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $1 AND client_token = $2`, [customerId, token]);
  return (await withLines(db, rows))[0];
}

/** One of the customer's own orders; someone else's order is "not found", not "forbidden". */
export async function getOrder(db: Database, customer: Identity, orderId: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND customer_id = $2`, [orderId, customer.sub]);
  return (await withLines(db, rows))[0];
}

export async function listOrders(db: Database, customer: Identity, limit: number): Promise<Order[]> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [customer.sub, limit]);
  return withLines(db, rows);
}

/**
 * Cancels an order the barista has not started. If the workflow is waiting for the barista, its
 * task fails with OrderCancelled (→ refund); if it has not got that far, the wait step sees the
 * cancellation and fails the same way.
 */
export async function cancelOrder(ports: OrderPorts, customer: Identity, orderId: string): Promise<Order> {
  const restocked = await ports.db.transaction(async (tx) => {
    const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND customer_id = $2 FOR UPDATE`, [orderId, customer.sub]);
    const order = rows[0];
    if (!order) throw notFound('order');
    if (order.status === 'cancelled') return false;
    if (order.status !== 'placed' && order.status !== 'accepted') throw conflict(`the order is already ${order.status} and can no longer be cancelled`);
    await tx.query(`UPDATE orders SET status = 'cancelled', status_reason = 'cancelled by the customer', task_token = NULL, updated_at = $2 WHERE id = $1`, [
      orderId,
      ports.now.toISOString(),
    ]);
    await restock(tx, orderId);
    if (order.task_token) {
      // An expired token means the wait already timed out and the workflow is refunding anyway.
      await ports.workflow.sendTaskFailure(order.task_token, 'OrderCancelled', 'cancelled by the customer').catch((error: unknown) => {
        if (!(error instanceof TaskTokenExpired)) throw error;
      });
    }
    return true;
  });
  if (restocked) await ports.stockChanged?.();
  return (await getOrder(ports.db, customer, orderId))!;
}
