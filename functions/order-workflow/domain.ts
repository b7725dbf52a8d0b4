/**
 * The steps of the order-lifecycle state machine that touch the order itself. Each is safe to run
 * twice (Step Functions retries): state changes are conditional on the current status.
 */
import { WorkflowError } from '../shared/errors';
import { restock, type Order, type OrderStatus } from '../shared/orders';
import type { Database } from '../shared/sql';

export interface WorkflowPorts {
  db: Database;
  now: Date;
  /** Called after a transaction that returned stock to the menu, so the menu read model follows. */
  stockChanged?: () => Promise<void>;
}

/** The order can be paid and made: it exists, is still placed, has lines and a positive total. */
export async function validate(ports: WorkflowPorts, orderId: string): Promise<Pick<Order, 'id' | 'totalCents' | 'currency' | 'pickupAt'> & { lines: number }> {
  // The order and the sum of its lines in one statement.
  const { rows } = await ports.db.query<{ id: string; status: OrderStatus; total_cents: number; currency: string; pickup_at: Date | string; lines: number; computed: number }>(
    `SELECT o.id, o.status, o.total_cents, o.currency, o.pickup_at,
            count(l.line)::int AS lines, coalesce(sum(l.unit_price_cents * l.quantity), 0)::int AS computed
       FROM orders o LEFT JOIN order_items l ON l.order_id = o.id
      WHERE o.id = $1
      GROUP BY o.id`,
    [orderId],
  );
  const order = rows[0];
  if (!order) throw new WorkflowError('OrderInvalid', `order ${orderId} does not exist`);
  if (order.status !== 'placed') throw new WorkflowError('OrderInvalid', `order ${orderId} is ${order.status}`);
  if (order.lines === 0 || order.total_cents <= 0) throw new WorkflowError('OrderInvalid', `order ${orderId} has nothing to pay for`);
  if (order.computed !== order.total_cents) throw new WorkflowError('OrderInvalid', `order ${orderId} total does not match its lines`);
  return { id: order.id, totalCents: order.total_cents, currency: order.currency.trim(), pickupAt: new Date(order.pickup_at).toISOString(), lines: order.lines };
}

/** Puts the order in the barista's queue with the token that resumes the workflow. */
export async function awaitBarista(ports: WorkflowPorts, orderId: string, taskToken: string): Promise<{ status: 'accepted' }> {
  const result = await ports.db.query(
    `UPDATE orders SET status = 'accepted', task_token = $2, updated_at = $3 WHERE id = $1 AND status IN ('placed', 'accepted')`,
    [orderId, taskToken, ports.now.toISOString()],
  );
  if (result.rowCount === 0) {
    const { rows } = await ports.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (rows[0]?.status === 'cancelled') throw new WorkflowError('OrderCancelled', `order ${orderId} was cancelled`);
    throw new WorkflowError('OrderInvalid', `order ${orderId} cannot wait for the barista (${rows[0]?.status ?? 'missing'})`);
  }
  return { status: 'accepted' };
}

/** Payment captured: the order is done as far as the workflow goes. */
export async function complete(ports: WorkflowPorts, orderId: string): Promise<void> {
  await ports.db.query(`UPDATE orders SET completed_at = coalesce(completed_at, $2), task_token = NULL, updated_at = $2 WHERE id = $1`, [orderId, ports.now.toISOString()]);
}

/** Ends an order that will not be made: `cancelled` after a refund, `failed` when it could not be validated or paid. */
export async function close(ports: WorkflowPorts, orderId: string, status: 'cancelled' | 'failed', reason: string): Promise<void> {
  const restocked = await ports.db.transaction(async (tx) => {
    const result = await tx.query(
      `UPDATE orders SET status = $2, status_reason = coalesce(status_reason, $3), task_token = NULL, updated_at = $4
        WHERE id = $1 AND status IN ('placed', 'accepted', 'preparing', 'ready')`,
      [orderId, status, reason.slice(0, 200), ports.now.toISOString()],
    );
    // Only the transition returns the stock, so a customer cancellation (already restocked) or a retry does not.
    if (result.rowCount > 0) await restock(tx, orderId);
    return result.rowCount > 0;
  });
  if (restocked) await ports.stockChanged?.();
}

/** The message the order-workflow function logs for an order left needing attention; templates/app.yaml counts it (metric filter). */
export const NEEDS_ATTENTION = 'order needs attention';

/**
 * A capture or refund that failed for good: the order ends `payment_failed` (terminal, shown in the
 * barista's queue and the day's sales) with the reason, for a person to settle with the provider.
 * Stock returns unless the order had been made (`ready`). Safe to run twice.
 */
export async function markPaymentFailed(ports: WorkflowPorts, orderId: string, reason: string): Promise<{ previous: OrderStatus | undefined; changed: boolean }> {
  const outcome = await ports.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: OrderStatus; status_reason: string | null }>('SELECT status, status_reason FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
    const order = rows[0];
    if (!order) throw new WorkflowError('OrderInvalid', `order ${orderId} does not exist`);
    if (!(['placed', 'accepted', 'preparing', 'ready', 'cancelled'] as OrderStatus[]).includes(order.status)) return { previous: order.status, changed: false, restocked: false };
    const why = order.status === 'cancelled' && order.status_reason ? `${order.status_reason}; ${reason}` : reason;
    await tx.query(`UPDATE orders SET status = 'payment_failed', status_reason = $2, task_token = NULL, updated_at = $3 WHERE id = $1`, [orderId, why.slice(0, 200), ports.now.toISOString()]);
    // A cancelled order's stock is back already; a made one (ready) was handed over.
    const restocked = order.status !== 'cancelled' && order.status !== 'ready';
    if (restocked) await restock(tx, orderId);
    return { previous: order.status, changed: true, restocked };
  });
  if (outcome.restocked) await ports.stockChanged?.();
  return { previous: outcome.previous, changed: outcome.changed };
}
