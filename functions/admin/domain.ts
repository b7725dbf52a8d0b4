/**
 * The barista's side: the queue of orders to make, advancing an order (accepted → preparing →
 * ready → collected; "ready" resumes the lifecycle so the payment is captured, and an order is
 * collected only once it is) and the day's sales. Orders whose capture or refund failed for good
 * (`payment_failed`) stay in the queue and are listed with the day's sales, for a person to settle.
 */
import { conflict, notFound } from '../shared/errors';
import { ORDER_COLUMNS, withLines, type Order, type OrderRow, type OrderStatus } from '../shared/orders';
import { TaskTokenExpired, type Workflow } from '../shared/ports';
import type { Database, Sql } from '../shared/sql';

export const NEXT_STATUS: Partial<Record<OrderStatus, OrderStatus>> = { accepted: 'preparing', preparing: 'ready', ready: 'collected' };
export const QUEUE_STATUSES: OrderStatus[] = ['accepted', 'preparing', 'ready', 'payment_failed'];

export async function orderQueue(sql: Sql, statuses: OrderStatus[], limit: number): Promise<Order[]> {
  const { rows } = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE status = ANY($1::text[]) ORDER BY pickup_at, created_at, id LIMIT $2`, [statuses, limit]);
  return withLines(sql, rows);
}

export async function advanceOrder(ports: { db: Database; workflow: Workflow; now: Date }, orderId: string, expected?: OrderStatus): Promise<Order> {
  await ports.db.transaction(async (tx) => {
    const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [orderId]);
    const order = rows[0];
    if (!order) throw notFound('order');
    const next = NEXT_STATUS[order.status];
    if (order.status === 'payment_failed') {
      throw conflict(`the order's payment failed and needs attention (${order.status_reason ?? 'no reason recorded'}); it cannot be advanced`);
    }
    if (!next) throw conflict(`the order is ${order.status} and cannot be advanced`);
    if (expected && expected !== next) throw conflict(`the order is ${order.status}; it can only move to ${next}`);
    // Handing over an order that has not been paid for would give it away.
    if (next === 'collected' && order.payment_status !== 'captured') {
      throw conflict(
        order.payment_status === 'authorised'
          ? 'the payment for this order is still being captured; it can be collected once it is (try again in a moment)'
          : `the payment for this order is ${order.payment_status}, not captured; it cannot be collected`,
      );
    }
    await tx.query('UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1', [orderId, next, ports.now.toISOString()]);
    if (next === 'ready') {
      if (!order.task_token) throw conflict('the order is not waiting for the barista');
      // Sent before commit: if the workflow no longer waits (timed out, cancelled), nothing changes here.
      try {
        await ports.workflow.sendTaskSuccess(order.task_token, { orderId, status: 'ready' });
      } catch (error) {
        if (error instanceof TaskTokenExpired) throw conflict('the order timed out waiting for the barista and is being refunded');
        throw error;
      }
      await tx.query('UPDATE orders SET task_token = NULL WHERE id = $1', [orderId]);
    }
  });
  const { rows } = await ports.db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
  return (await withLines(ports.db, rows))[0]!;
}

export interface DailySales {
  date: string;
  orders: number;
  revenueCents: number;
  currency: string;
  items: { itemId: string; name: string; quantity: number; revenueCents: number }[];
  /** The day's orders whose capture or refund failed (`payment_failed`): not in the totals above. */
  needsAttention: { orderId: string; totalCents: number; currency: string; paymentStatus: string; reason: string | null }[];
}

/** Sales of one UTC day: orders whose payment was captured. */
export async function dailySales(sql: Sql, date: string): Promise<DailySales> {
  const from = new Date(`${date}T00:00:00.000Z`);
  const to = new Date(from.getTime() + 86_400_000);
  const range = [from.toISOString(), to.toISOString()];
  const { rows: totals } = await sql.query<{ orders: number; revenue: number; currency: string | null }>(
    `SELECT count(*)::int AS orders, coalesce(sum(total_cents), 0)::int AS revenue, min(currency) AS currency
       FROM orders WHERE payment_status = 'captured' AND created_at >= $1 AND created_at < $2`,
    range,
  );
  const { rows: items } = await sql.query<{ item_id: string; name: string; quantity: number; revenue: number }>(
    `SELECT l.item_id, min(l.name) AS name, sum(l.quantity)::int AS quantity, sum(l.quantity * l.unit_price_cents)::int AS revenue
       FROM order_items l JOIN orders o ON o.id = l.order_id
      WHERE o.payment_status = 'captured' AND o.created_at >= $1 AND o.created_at < $2
      GROUP BY l.item_id ORDER BY revenue DESC, l.item_id`,
    range,
  );
  const { rows: attention } = await sql.query<{ id: string; total_cents: number; currency: string; payment_status: string; status_reason: string | null }>(
    `SELECT id, total_cents, currency, payment_status, status_reason FROM orders
      WHERE status = 'payment_failed' AND created_at >= $1 AND created_at < $2 ORDER BY created_at, id`,
    range,
  );
  const total = totals[0]!;
  return {
    date,
    orders: total.orders,
    revenueCents: total.revenue,
    currency: total.currency?.trim() ?? 'EUR',
    items: items.map((i) => ({ itemId: i.item_id, name: i.name, quantity: i.quantity, revenueCents: i.revenue })),
    needsAttention: attention.map((o) => ({ orderId: o.id, totalCents: o.total_cents, currency: o.currency.trim(), paymentStatus: o.payment_status, reason: o.status_reason })),
  };
}
