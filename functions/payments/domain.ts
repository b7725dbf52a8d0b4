/**
 * Payments of an order: authorise the order's total (from the database, never from the caller),
 * capture it when the barista has made it, refund it when the order is cancelled or times out.
 * The handler makes each call idempotent per key; the provider also receives the key.
 */
import { WorkflowError } from '../shared/errors';
import type { PaymentProvider } from '../shared/ports';
import type { Database } from '../shared/sql';

export interface PaymentPorts {
  db: Database;
  provider: PaymentProvider;
  now: Date;
}

export interface PaymentResult {
  orderId: string;
  status: 'authorised' | 'captured' | 'refunded' | 'nothing-to-refund';
  authorisationId?: string;
  amountCents: number;
  currency: string;
}

interface PaymentRow {
  authorisation_id: string;
  status: 'authorised' | 'captured' | 'refunded';
  amount_cents: number;
  currency: string;
}

/** An order with its payment, if any (the columns of `payments` are null when there is none). */
interface OrderPaymentRow {
  total_cents: number;
  order_currency: string;
  order_status: string;
  authorisation_id: string | null;
  status: PaymentRow['status'] | null;
  amount_cents: number | null;
  currency: string | null;
}

/** The order and its payment in one read; no row when the order does not exist. */
async function orderPayment(db: Database, orderId: string): Promise<{ order?: OrderPaymentRow; payment?: PaymentRow }> {
  const { rows } = await db.query<OrderPaymentRow>(
    `SELECT o.total_cents, o.currency AS order_currency, o.status AS order_status, p.authorisation_id, p.status, p.amount_cents, p.currency
       FROM orders o LEFT JOIN payments p ON p.order_id = o.id
      WHERE o.id = $1`,
    [orderId],
  );
  const order = rows[0];
  return { order, payment: order?.authorisation_id ? (order as PaymentRow) : undefined };
}

const resultOf = (orderId: string, payment: PaymentRow) => ({ orderId, authorisationId: payment.authorisation_id, amountCents: payment.amount_cents, currency: payment.currency.trim() });

export async function authorise(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const { order, payment: existing } = await orderPayment(ports.db, orderId);
  if (existing) return { ...resultOf(orderId, existing), status: existing.status };
  if (!order) throw new WorkflowError('OrderInvalid', `order ${orderId} does not exist`);
  if (order.order_status === 'cancelled') throw new WorkflowError('OrderCancelled', `order ${orderId} was cancelled`);
  const currency = order.order_currency.trim();
  let auth;
  try {
    auth = await ports.provider.authorise({ amountCents: order.total_cents, currency, reference: orderId, idempotencyKey });
  } catch (error) {
    if (error instanceof WorkflowError && error.name === 'PaymentDeclined') {
      await ports.db.query(`UPDATE orders SET payment_status = 'declined', updated_at = $2 WHERE id = $1 AND payment_status = 'pending'`, [orderId, ports.now.toISOString()]);
    }
    throw error;
  }
  // One statement stores the payment and moves the order from pending to authorised, atomically as
  // the transaction of two statements it replaces. Its parts run with one snapshot and cannot see
  // each other's effects (https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING),
  // and an invocation racing another for the order relies on Read Committed
  // (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED): its INSERT waits for
  // the other's row and then does nothing; its UPDATE finds the order updated by the other and, the
  // WHERE clause evaluated again on the new version, leaves it (no longer pending). The other's
  // payment is committed by then but not in this statement's snapshot, so it is read by a new one.
  const { rows } = await ports.db.query<{ stored: number }>(
    `WITH stored AS (
       INSERT INTO payments (order_id, authorisation_id, status, amount_cents, currency, updated_at) VALUES ($1, $2, 'authorised', $3, $4, $5)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id
     ), authorised AS (
       UPDATE orders SET payment_status = 'authorised', updated_at = $5 WHERE id = $1 AND payment_status = 'pending'
     )
     SELECT count(*)::int AS stored FROM stored`,
    [orderId, auth.authorisationId, order.total_cents, currency, ports.now.toISOString()],
  );
  if (rows[0]?.stored === 0) {
    const { payment } = await orderPayment(ports.db, orderId);
    if (payment) return { ...resultOf(orderId, payment), status: payment.status };
  }
  return { orderId, status: 'authorised', authorisationId: auth.authorisationId, amountCents: order.total_cents, currency };
}

/** The payment and the order move to `status` together, in one statement. */
async function settle(ports: PaymentPorts, orderId: string, status: 'captured' | 'refunded'): Promise<void> {
  await ports.db.query(
    `WITH payment AS (
       UPDATE payments SET status = $2, updated_at = $3 WHERE order_id = $1
     )
     UPDATE orders SET payment_status = $2, updated_at = $3 WHERE id = $1`,
    [orderId, status, ports.now.toISOString()],
  );
}

export async function capture(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const { payment: existing } = await orderPayment(ports.db, orderId);
  if (!existing) throw new WorkflowError('PaymentNotFound', `order ${orderId} has no authorised payment`);
  const result = resultOf(orderId, existing);
  if (existing.status === 'captured') return { ...result, status: 'captured' };
  if (existing.status === 'refunded') throw new WorkflowError('OrderCancelled', `order ${orderId} was refunded`);
  await ports.provider.capture({ authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, idempotencyKey });
  await settle(ports, orderId, 'captured');
  return { ...result, status: 'captured' };
}

/** Refunds (or voids) whatever was taken; an order with no payment has nothing to refund. */
export async function refund(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const { order, payment: existing } = await orderPayment(ports.db, orderId);
  if (!existing) return { orderId, status: 'nothing-to-refund', amountCents: 0, currency: order?.order_currency.trim() ?? 'EUR' };
  const result = resultOf(orderId, existing);
  if (existing.status === 'refunded') return { ...result, status: 'refunded' };
  await ports.provider.refund({ authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, idempotencyKey });
  await settle(ports, orderId, 'refunded');
  return { ...result, status: 'refunded' };
}
