/**
 * The order-lifecycle ASL executed for real (aws-local-stepfunctions), its task states bound to
 * the real order-workflow and payments handlers, over PostgreSQL 15, DynamoDB idempotency records
 * (dynalite) and the payment provider adapter talking HTTP to the sandbox.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandler as adminHandler } from '../../functions/admin/handler';
import { createHandler as ordersHandler } from '../../functions/orders/handler';
import { createHandler as paymentsHandler } from '../../functions/payments/handler';
import { createHandler as workflowHandler } from '../../functions/order-workflow/handler';
import type { Order } from '../../functions/shared/orders';
import { localWorkflow } from '../../functions/shared/local/workflow';
import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { httpPaymentProvider } from '../../functions/shared/payment-provider';
import { connectPg, type Database } from '../../functions/shared/sql';
import { LocalStepFunctions } from '../../src/lib/dev/step-functions';
import { describeWithTool, TOOLS } from '../support/tools';
import { startPostgres, type Postgres } from '../support/postgres';
import { reset } from './support/api-suite';
import { ALICE, BARISTA, PICKUP, apiEvent, bodyOf, prepare, startDynalite, testDeps, type TestDeps } from './support/harness';

jest.setTimeout(60_000);

const definition = readFileSync(join(__dirname, '../../templates/statemachines/order-lifecycle.asl.json'), 'utf8');

/** The local state machine `cafe-ops dev` runs, seen per order (executions are named after the order). */
function lifecycleOf(sfn: LocalStepFunctions) {
  return { outcome: (orderId: string) => sfn.waitFor(sfn.executionArn(orderId)), stop: () => sfn.stop() };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeWithTool(TOOLS.postgres, 'order lifecycle on PostgreSQL 15')('order lifecycle (ASL, real handlers)', () => {
  let pg: Postgres;
  let db: Database;
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let sandbox: PaymentSandbox;
  let deps: TestDeps;
  let lifecycle: ReturnType<typeof lifecycleOf>;

  beforeAll(async () => {
    pg = await startPostgres();
    db = await connectPg({ connectionString: await pg.createDatabase('lifecycle'), max: 6 });
    await prepare(db);
    dynamo = await startDynalite();
    sandbox = await startPaymentSandbox();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await dynamo?.stop();
    await sandbox?.close();
    await pg?.stop();
  });

  async function wire(timeoutSeconds?: Record<string, number>) {
    await reset(db);
    sandbox.reset();
    deps = testDeps(db, {
      dynamodb: dynamo.client,
      payments: httpPaymentProvider({ baseUrl: sandbox.url, apiKey: async () => sandbox.apiKey }),
    });
    const workflowStep = workflowHandler(deps);
    const payments = paymentsHandler(deps);
    const functions: Record<string, (event: unknown) => Promise<unknown>> = { 'order-workflow': workflowStep, payments: (event) => payments(event) };
    const sfn = new LocalStepFunctions({
      definition,
      substitutions: { OrderWorkflowFunctionArn: 'order-workflow', PaymentsFunctionArn: 'payments' },
      invoke: (fn, event) => functions[fn]!(event),
      stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:cafe-local-order-lifecycle',
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
      retryDelayMs: 20,
    });
    lifecycle = lifecycleOf(sfn);
    deps.workflow = localWorkflow(sfn);
    return { orders: ordersHandler(deps), admin: adminHandler(deps) };
  }
  afterEach(() => lifecycle?.stop());

  const orderRow = async (id: string) =>
    (await db.query<{ status: string; payment_status: string; status_reason: string | null; completed_at: Date | null }>('SELECT status, payment_status, status_reason, completed_at FROM orders WHERE id = $1', [id])).rows[0]!;
  const stock = async (id: string) => (await db.query<{ stock: number }>('SELECT stock FROM menu_items WHERE id = $1', [id])).rows[0]!.stock;
  const place = async (orders: ReturnType<typeof ordersHandler>) => {
    const result = await orders(apiEvent('POST', '/orders', { claims: ALICE, body: { items: [{ itemId: 'oat-latte', quantity: 1 }, { itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP } }));
    expect(result.statusCode).toBe(201);
    return bodyOf<Order>(result);
  };
  const accepted = (id: string) => until(async () => ((await orderRow(id)).status === 'accepted' ? true : undefined), 'the order to wait for the barista');

  it('happy path: validate, authorise, barista makes it, capture, complete', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    expect((await orderRow(order.id)).payment_status).toBe('authorised');
    const advance = () => admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id } }));
    expect((await advance()).statusCode).toBe(200);
    expect((await advance()).statusCode).toBe(200);
    const outcome = await lifecycle.outcome(order.id);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'Complete']);
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ status: 'ready', payment_status: 'captured' });
    expect(row.completed_at).not.toBeNull();
    const auths = [...sandbox.authorisations.values()];
    expect(auths).toEqual([expect.objectContaining({ amount: 420 + 2 * 280, currency: 'EUR', reference: order.id, status: 'captured' })]);
    expect(sandbox.calls.map((c) => c.idempotencyKey)).toEqual([`authorise-${order.id}`, `capture-${order.id}`]);
    expect((await advance()).statusCode).toBe(200); // collected
    expect((await orderRow(order.id)).status).toBe('collected');
    // Structured logs say what happened, never the provider's key or authorisation header.
    const logs = deps.memoryLog.text();
    expect(deps.memoryLog.lines.filter((l) => l.message === 'payment').map((l) => l.fields?.status)).toEqual(['authorised', 'captured']);
    expect(logs).not.toContain(sandbox.apiKey);
    expect(logs).not.toMatch(/Bearer/);
  });

  it('barista timeout: the authorisation is refunded and the order cancelled, stock returned', async () => {
    const { orders, admin } = await wire({ WaitForBarista: 1 });
    const order = await place(orders);
    expect(await stock('croissant')).toBe(22);
    const outcome = await lifecycle.outcome(order.id);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'Refund', 'MarkCancelled', 'Cancelled']);
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_status: 'refunded', status_reason: 'the barista did not take the order in time' });
    expect([...sandbox.authorisations.values()].map((a) => a.status)).toEqual(['refunded']);
    expect(await stock('croissant')).toBe(24);
    // Too late for the barista.
    expect((await admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id } }))).statusCode).toBe(409);
  });

  it('payment declined: the order fails, nothing is charged, stock returned', async () => {
    const { orders } = await wire();
    sandbox.mode = 'decline';
    const order = await place(orders);
    const outcome = await lifecycle.outcome(order.id);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'OrderFailed' });
    expect(outcome.states).toEqual(['Validate', 'AuthorisePayment', 'MarkFailed', 'Failed']);
    expect(await orderRow(order.id)).toMatchObject({ status: 'failed', payment_status: 'declined', status_reason: 'the payment was declined' });
    expect(sandbox.authorisations.size).toBe(0);
    expect(await stock('croissant')).toBe(24);
  });

  it('customer cancellation while waiting for the barista: refund, cancelled', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    const cancel = await orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }));
    expect(cancel.statusCode).toBe(200);
    const outcome = await lifecycle.outcome(order.id);
    expect(outcome.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'Refund', 'MarkCancelled', 'Cancelled']);
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_status: 'refunded', status_reason: 'cancelled by the customer' });
    expect([...sandbox.authorisations.values()].map((a) => a.status)).toEqual(['refunded']);
    expect(await stock('croissant')).toBe(24);
    expect((await admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id } }))).statusCode).toBe(409);
  });

  it('cancellation right after placing: the order ends cancelled and nothing stays charged', async () => {
    const { orders } = await wire();
    const order = await place(orders);
    const cancel = await orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }));
    expect(cancel.statusCode).toBe(200);
    await lifecycle.outcome(order.id);
    expect((await orderRow(order.id)).status).toBe('cancelled');
    expect([...sandbox.authorisations.values()].filter((a) => a.status !== 'refunded')).toEqual([]);
    expect(await stock('croissant')).toBe(24);
  });

  it('provider down for a while: retried, then one authorisation', async () => {
    const { orders, admin } = await wire();
    sandbox.mode = 'down';
    const order = await place(orders);
    await until(async () => (sandbox.calls.length >= 2 ? true : undefined), 'two failed attempts');
    sandbox.mode = 'approve';
    await accepted(order.id);
    await admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id }, body: { to: 'preparing' } }));
    await admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId: order.id }, body: { to: 'ready' } }));
    expect((await lifecycle.outcome(order.id)).status).toBe('SUCCEEDED');
    expect(sandbox.authorisations.size).toBe(1);
    expect(sandbox.calls.filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(2);
  });
});
