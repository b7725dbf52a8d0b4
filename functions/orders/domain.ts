/**
 * Customer orders. Prices come from the menu in the database, never from the client. Placing an
 * order is one read of its items, then one statement writing the order and its lines, in one
 * transaction with the conditional updates that take counted items' stock (no oversell under
 * concurrency). The lifecycle execution starts after commit
 * (so its first step sees the order); if it cannot start, the order is failed and its stock returned.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, HttpError, notFound, unavailable } from '../shared/errors';
import { ORDER_COLUMNS, restock, toOrder, withLines, type Order, type OrderRow } from '../shared/orders';
import type { Identity } from '../shared/identity';
import { TaskTokenExpired, type Workflow } from '../shared/ports';
import type { Database, Sql } from '../shared/sql';

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
  // Lines in item-id order: errors name the first bad line the same way every time, and counted
  // items are locked in that order so concurrent orders cannot deadlock.
  const lines = request.items.map((line, index) => ({ ...line, index })).sort((a, b) => (a.itemId < b.itemId ? -1 : 1));
  // One read prices every line and says which items are counted. Uncounted items are only read (no
  // row lock, so popular drinks do not serialise orders); counted ones are taken below with a
  // conditional update, which cannot go below zero.
  const { rows: found } = await ports.db.query<MenuRow>('SELECT id, name, price_cents, currency, available, retired_at IS NOT NULL AS retired, stock FROM menu_items WHERE id = ANY($1::text[])', [
    lines.map((l) => l.itemId),
  ]);
  const byId = new Map(found.map((row) => [row.id, row]));
  const priced: PricedLine[] = lines.map((line) => {
    const item = byId.get(line.itemId);
    if (!item || item.retired || !item.available || (item.stock !== null && item.stock < line.quantity)) throw notOrderable(line, item);
    return { ...line, name: item.name, price: item.price_cents, currency: item.currency.trim(), counted: item.stock !== null };
  });
  const counted = priced.filter((p) => p.counted);
  let placed: OrderRow;
  try {
    if (counted.length === 0) {
      // Nothing to take: the order, its lines and the customer are one statement, atomic without a transaction.
      placed = await insertOrder(ports.db, id, customer, request, ports.now, priced);
    } else {
      placed = await ports.db.transaction(async (tx) => {
        for (const line of counted) {
          const { rows: taken } = await tx.query<{ name: string; price_cents: number; currency: string }>(
            `UPDATE menu_items SET stock = stock - $2
              WHERE id = $1 AND retired_at IS NULL AND available AND stock >= $2
              RETURNING name, price_cents, currency`,
            [line.itemId, line.quantity],
          );
          const row = taken[0];
          if (!row) {
            // Changed since the read above (another order took the last ones, or the menu was edited).
            const { rows: known } = await tx.query<MenuRow>('SELECT id, name, price_cents, currency, available, retired_at IS NOT NULL AS retired, stock FROM menu_items WHERE id = $1', [
              line.itemId,
            ]);
            throw notOrderable(line, known[0]);
          }
          Object.assign(line, { name: row.name, price: row.price_cents, currency: row.currency.trim() });
        }
        return insertOrder(tx, id, customer, request, ports.now, priced);
      });
    }
  } catch (error) {
    // Two requests with one Idempotency-Key raced: the loser returns the winner's order.
    if ((error as { code?: string }).code === '23505' && request.clientToken) {
      const existing = await findByClientToken(ports.db, customer.sub, request.clientToken);
      if (existing && !sameRequest(existing, request)) throw keyReused();
      if (existing) return { order: existing, created: false };
    }
    throw error;
  }
  // Only counted items change what the menu shows.
  if (counted.length > 0) await ports.stockChanged?.();
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
    if (counted.length > 0) await ports.stockChanged?.();
    throw Object.assign(unavailable('orders cannot be taken right now; try again shortly', 10), { cause: error });
  }
  // The order as placed, from the insert itself: no read back.
  const ordered = [...priced].sort((a, b) => a.index - b.index);
  return { order: toOrder(placed, ordered.map((p) => ({ itemId: p.itemId, name: p.name, unitPriceCents: p.price, quantity: p.quantity }))), created: true };
}

interface MenuRow {
  id: string;
  name: string;
  price_cents: number;
  currency: string;
  available: boolean;
  retired: boolean;
  stock: number | null;
}
interface PricedLine {
  itemId: string;
  quantity: number;
  index: number;
  name: string;
  price: number;
  currency: string;
  counted: boolean;
}

/** Why a line cannot be ordered, naming the item as the customer sees it on the menu, not by its id. */
function notOrderable(line: { itemId: string; quantity: number; index: number }, item: MenuRow | undefined): HttpError {
  if (!item || item.retired) return badRequest(`items.${line.index}.itemId`, `"${line.itemId}" is not on the menu`);
  const field = `items.${line.index}`;
  if (!item.available) return new HttpError(409, 'unavailable', `${item.name} is not available right now`, [{ field: `${field}.itemId`, reason: 'not available right now' }]);
  // Counted when read, uncounted when taken (the menu was edited in between): ask again.
  if (item.stock === null) return conflict(`${item.name} changed on the menu; try again`);
  if (!item.stock) return new HttpError(409, 'sold_out', `${item.name} is sold out`, [{ field: `${field}.itemId`, reason: 'sold out' }]);
  return new HttpError(409, 'sold_out', `only ${item.stock} ${item.name} left; ${line.quantity} asked`, [{ field: `${field}.quantity`, reason: `only ${item.stock} left` }]);
}

/**
 * The customer (first order), the order and its lines in one statement: data-modifying CTEs run
 * as one statement, so all or none of it is written
 * (https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING). Returns the order's row.
 */
async function insertOrder(sql: Sql, id: string, customer: Identity, request: PlaceOrder, now: Date, priced: PricedLine[]): Promise<OrderRow> {
  const currencies = new Set(priced.map((p) => p.currency));
  if (currencies.size !== 1) throw conflict('items are priced in different currencies');
  const total = priced.reduce((sum, p) => sum + p.price * p.quantity, 0);
  const ordered = [...priced].sort((a, b) => a.index - b.index);
  const { rows } = await sql.query<OrderRow>(
    `WITH customer AS (
       INSERT INTO customers (id, email) VALUES ($2, $3) ON CONFLICT (id) DO NOTHING
     ), placed AS (
       INSERT INTO orders (id, customer_id, total_cents, currency, pickup_at, client_token, created_at, updated_at)
       VALUES ($1, $2, $4, $5, $6, $7, $8, $8)
       RETURNING ${ORDER_COLUMNS}
     ), lines AS (
       INSERT INTO order_items (order_id, line, item_id, name, unit_price_cents, quantity)
       SELECT $1, l.line, l.item_id, l.name, l.price, l.quantity
         FROM unnest($9::text[], $10::text[], $11::int[], $12::int[]) WITH ORDINALITY AS l(item_id, name, price, quantity, line)
     )
     SELECT * FROM placed`,
    [
      id,
      customer.sub,
      customer.email ?? null,
      total,
      [...currencies][0],
      request.pickupAt.toISOString(),
      request.clientToken ?? null,
      now.toISOString(),
      ordered.map((p) => p.itemId),
      ordered.map((p) => p.name),
      ordered.map((p) => p.price),
      ordered.map((p) => p.quantity),
    ],
  );
  return rows[0]!;
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
