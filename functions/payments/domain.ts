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

async function payment(db: Database, orderId: string): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>('SELECT authorisation_id, status, amount_cents, currency FROM payments WHERE order_id = $1', [orderId]);
  return rows[0];
}

export async function authorise(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const existing = await payment(ports.db, orderId);
  if (existing) {
    return { orderId, status: existing.status === 'authorised' ? 'authorised' : existing.status, authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, currency: existing.currency.trim() };
  }
  const { rows } = await ports.db.query<{ total_cents: number; currency: string; status: string }>('SELECT total_cents, currency, status FROM orders WHERE id = $1', [orderId]);
  const order = rows[0];
  if (!order) throw new WorkflowError('OrderInvalid', `order ${orderId} does not exist`);
  if (order.status === 'cancelled') throw new WorkflowError('OrderCancelled', `order ${orderId} was cancelled`);
  const currency = order.currency.trim();
  let auth;
  try {
    auth = await ports.provider.authorise({ amountCents: order.total_cents, currency, reference: orderId, idempotencyKey });
  } catch (error) {
    if (error instanceof WorkflowError && error.name === 'PaymentDeclined') {
      await ports.db.query(`UPDATE orders SET payment_status = 'declined', updated_at = $2 WHERE id = $1 AND payment_status = 'pending'`, [orderId, ports.now.toISOString()]);
    }
    throw error;
  }
  await ports.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO payments (order_id, authorisation_id, status, amount_cents, currency, updated_at) VALUES ($1, $2, 'authorised', $3, $4, $5)
       ON CONFLICT (order_id) DO NOTHING`,
      [orderId, auth.authorisationId, order.total_cents, currency, ports.now.toISOString()],
    );
    await tx.query(`UPDATE orders SET payment_status = 'authorised', updated_at = $2 WHERE id = $1 AND payment_status = 'pending'`, [orderId, ports.now.toISOString()]);
  });
  return { orderId, status: 'authorised', authorisationId: auth.authorisationId, amountCents: order.total_cents, currency };
}

async function settle(ports: PaymentPorts, orderId: string, status: 'captured' | 'refunded'): Promise<void> {
  await ports.db.transaction(async (tx) => {
    await tx.query('UPDATE payments SET status = $2, updated_at = $3 WHERE order_id = $1', [orderId, status, ports.now.toISOString()]);
    await tx.query('UPDATE orders SET payment_status = $2, updated_at = $3 WHERE id = $1', [orderId, status, ports.now.toISOString()]);
  });
}

export async function capture(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const existing = await payment(ports.db, orderId);
  if (!existing) throw new WorkflowError('PaymentNotFound', `order ${orderId} has no authorised payment`);
  const result = { orderId, authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, currency: existing.currency.trim() };
  if (existing.status === 'captured') return { ...result, status: 'captured' };
  if (existing.status === 'refunded') throw new WorkflowError('OrderCancelled', `order ${orderId} was refunded`);
  await ports.provider.capture({ authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, idempotencyKey });
  await settle(ports, orderId, 'captured');
  return { ...result, status: 'captured' };
}

/** Refunds (or voids) whatever was taken; an order with no payment has nothing to refund. */
export async function refund(ports: PaymentPorts, orderId: string, idempotencyKey: string): Promise<PaymentResult> {
  const existing = await payment(ports.db, orderId);
  if (!existing) {
    const { rows } = await ports.db.query<{ currency: string }>('SELECT currency FROM orders WHERE id = $1', [orderId]);
    return { orderId, status: 'nothing-to-refund', amountCents: 0, currency: rows[0]?.currency.trim() ?? 'EUR' };
  }
  const result = { orderId, authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, currency: existing.currency.trim() };
  if (existing.status === 'refunded') return { ...result, status: 'refunded' };
  await ports.provider.refund({ authorisationId: existing.authorisation_id, amountCents: existing.amount_cents, idempotencyKey });
  await settle(ports, orderId, 'refunded');
  return { ...result, status: 'refunded' };
}
