/** Reading orders: shared by the customer, barista and workflow functions. */
import type { Sql } from './sql';

/** `payment_failed`: a capture or refund failed for good; terminal, needs a person (docs/functions.md). */
export type OrderStatus = 'placed' | 'accepted' | 'preparing' | 'ready' | 'collected' | 'cancelled' | 'failed' | 'payment_failed';
export type PaymentStatus = 'pending' | 'authorised' | 'captured' | 'refunded' | 'declined';

export interface OrderLine {
  itemId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  totalCents: number;
  currency: string;
  pickupAt: string;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
  items: OrderLine[];
}

export interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  total_cents: number;
  currency: string;
  pickup_at: Date | string;
  status_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  task_token: string | null;
}

export const ORDER_COLUMNS = 'id, customer_id, status, payment_status, total_cents, currency, pickup_at, status_reason, created_at, updated_at, task_token';

const iso = (value: Date | string) => new Date(value).toISOString();

/** An order from its row and its lines (in line order). */
export function toOrder(r: OrderRow, lines: OrderLine[]): Order {
  return {
    id: r.id,
    customerId: r.customer_id,
    status: r.status,
    paymentStatus: r.payment_status,
    totalCents: r.total_cents,
    currency: r.currency.trim(),
    pickupAt: iso(r.pickup_at),
    statusReason: r.status_reason,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    items: lines,
  };
}

/** Attaches the lines of each order (one query for all of them). */
export async function withLines(sql: Sql, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const { rows: lines } = await sql.query<{ order_id: string; item_id: string; name: string; unit_price_cents: number; quantity: number }>(
    'SELECT order_id, item_id, name, unit_price_cents, quantity FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line',
    [rows.map((r) => r.id)],
  );
  return rows.map((r) =>
    toOrder(
      r,
      lines.filter((l) => l.order_id === r.id).map((l) => ({ itemId: l.item_id, name: l.name, unitPriceCents: l.unit_price_cents, quantity: l.quantity })),
    ),
  );
}

/** Returns stock taken by an order to the menu (on cancellation or failure). */
export async function restock(sql: Sql, orderId: string): Promise<void> {
  await sql.query(
    `UPDATE menu_items m SET stock = m.stock + l.quantity
       FROM (SELECT item_id, sum(quantity)::int AS quantity FROM order_items WHERE order_id = $1 GROUP BY item_id) l
      WHERE m.id = l.item_id AND m.stock IS NOT NULL`,
    [orderId],
  );
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
