/**
 * Every failure path of the order lifecycle: the ASL (templates/statemachines/order-lifecycle.asl.json)
 * executed by the project's local runner (src/lib/dev/step-functions.ts, aws-local-stepfunctions),
 * its task states bound to the real order-workflow and payments handlers, over PGlite, DynamoDB
 * idempotency records (dynalite) and the HTTP payment adapter talking to the sandbox. Faults the
 * sandbox cannot make (a database write failing) are thrown by a wrapper around the real handler,
 * as an unhandled error in the Lambda function would be.
 *
 * The semantics relied on, as AWS documents them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
 * - a Retrier or Catcher matches the error name; `States.ALL` matches any error (it must stand alone
 *   in its ErrorEquals); `States.TaskFailed` matches any error of a Task state except States.Timeout;
 * - retriers are scanned in order and the first match applies, so `MaxAttempts: 0` first stops an
 *   error from being retried by a later wildcard; once retries are exhausted, the catchers are scanned;
 * - a Catcher's `ResultPath` places `{Error, Cause}` into the state's input and passes it on
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html), which is how
 *   MarkCancelled/MarkFailed read `$.error.Error` and MarkCaptureFailed/MarkRefundFailed read `$.paymentError.Error`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandler as adminHandler } from '../../functions/admin/handler';
import { createHandler as ordersHandler } from '../../functions/orders/handler';
import { createHandler as paymentsHandler } from '../../functions/payments/handler';
import { createHandler as workflowHandler } from '../../functions/order-workflow/handler';
import { NEEDS_ATTENTION } from '../../functions/order-workflow/domain';
import type { Order } from '../../functions/shared/orders';
import { localWorkflow } from '../../functions/shared/local/workflow';
import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { httpPaymentProvider } from '../../functions/shared/payment-provider';
import type { Database } from '../../functions/shared/sql';
import { LocalStepFunctions, type ExecutionRecord } from '../../src/lib/dev/step-functions';
import { loadTemplate } from '../../src/lib/templates/load';
import { reset } from './support/api-suite';
import { ALICE, BARISTA, PICKUP, apiEvent, bodyOf, freshIdempotencyTable, prepare, startDynalite, testDeps, type TestDeps } from './support/harness';
import { pgliteInWorker } from './support/pglite-worker';

jest.setTimeout(60_000);

const DEFINITION_FILE = join(__dirname, '../../templates/statemachines/order-lifecycle.asl.json');
const definition = readFileSync(DEFINITION_FILE, 'utf8');
type State = { Type: string; Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[]; Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[] };
const states = (JSON.parse(definition) as { States: Record<string, State> }).States;

describe('order-lifecycle ASL: every Task state has a considered Catch', () => {
  const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');

  it.each(tasks.map(([name]) => name))('%s catches States.ALL, last and alone, into a state that exists', (name) => {
    const catchers = states[name]!.Catch ?? [];
    const last = catchers.at(-1);
    expect(last?.ErrorEquals).toEqual(['States.ALL']);
    for (const catcher of catchers) {
      expect(states[catcher.Next]).toBeDefined();
      // The error is added to the input, never put in its place: the next state still needs $.orderId.
      expect(catcher.ResultPath).toMatch(/^\$\.[a-zA-Z]+$/);
    }
  });

  it('ends every failure of a capture or a refund in PaymentFailed, through the step that marks the order', () => {
    expect(states.CapturePayment!.Catch!.map((c) => c.Next)).toEqual(['MarkCaptureFailed']);
    expect(states.Refund!.Catch!.map((c) => c.Next)).toEqual(['MarkRefundFailed']);
    expect([states.MarkCaptureFailed, states.MarkRefundFailed].map((s) => (s as { Next?: string }).Next)).toEqual(['PaymentFailed', 'PaymentFailed']);
    expect(states.PaymentFailed!.Type).toBe('Fail');
  });
});

describe('order-lifecycle ASL: a failover drill\'s write pause is waited out, not failed', () => {
  // The order-workflow steps that write throw WritesPaused while a drill has writes paused
  // (functions/shared/pause.ts). Retried first, with a capped back-off and jitter (MaxDelaySeconds,
  // JitterStrategy: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error),
  // long enough for a switchover, so a pause never cancels, fails or refunds an order.
  const tasks = Object.entries(states).filter(([name, s]) => s.Type === 'Task' && name !== 'Validate');

  it.each(tasks.map(([name]) => name))('%s retries WritesPaused first, for minutes', (name) => {
    const first = states[name]!.Retry![0] as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds: number };
    expect(first.ErrorEquals).toEqual(['WritesPaused']);
    let waited = 0;
    for (let attempt = 0, interval = first.IntervalSeconds; attempt < first.MaxAttempts; attempt++, interval *= first.BackoffRate) waited += Math.min(interval, first.MaxDelaySeconds);
    expect(waited).toBeGreaterThanOrEqual(300);
  });
});

describe('the payment_failed metric and alarm in the templates', () => {
  it('counts the line the order-workflow function logs, and alarms on the same metric', async () => {
    const app = (await loadTemplate(join(__dirname, '../../templates/app.yaml'))).template;
    const observability = (await loadTemplate(join(__dirname, '../../templates/observability.yaml'))).template;
    const filter = app.Resources.OrdersNeedingAttentionMetricFilter!.Properties as { LogGroupName: unknown; FilterPattern: string; MetricTransformations: { MetricNamespace: unknown; MetricName: string }[] };
    expect(filter.LogGroupName).toEqual({ Ref: 'OrderWorkflowLogGroup' });
    // A JSON filter on the Powertools line's "message" key: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    expect(filter.FilterPattern).toBe(`{ $.message = "${NEEDS_ATTENTION}" }`);
    const alarm = observability.Resources.OrdersNeedingAttentionAlarm!.Properties as { Namespace: unknown; MetricName: string; Threshold: number; AlarmActions: unknown[] };
    expect([alarm.Namespace, alarm.MetricName]).toEqual([filter.MetricTransformations[0]!.MetricNamespace, filter.MetricTransformations[0]!.MetricName]);
    expect(alarm.Threshold).toBe(1);
    expect(alarm.AlarmActions).toEqual([{ Ref: 'AlertTopicArn' }]);
  });
});

/** A handler wrapper that fails the next `times` calls of one action, like a function whose database write throws. */
type Faults = Map<string, number>;
const failing = (faults: Faults, fn: string, handler: (event: unknown) => Promise<unknown>) => async (event: unknown) => {
  const key = `${fn}:${String((event as { action?: string }).action)}`;
  const left = faults.get(key) ?? 0;
  if (left > 0) {
    faults.set(key, left - 1);
    throw Object.assign(new Error(`injected failure of ${key}`), { name: 'Error' });
  }
  return handler(event);
};

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('order lifecycle failure paths (ASL run locally, real handlers, PGlite)', () => {
  let db: Database;
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let sandbox: PaymentSandbox;
  let deps: TestDeps;
  let sfn: LocalStepFunctions;
  let faults: Faults;

  beforeAll(async () => {
    db = pgliteInWorker();
    await prepare(db);
    dynamo = await startDynalite();
    sandbox = await startPaymentSandbox();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await dynamo?.stop();
    await sandbox?.close();
  });
  afterEach(() => sfn?.stop());

  async function wire(timeoutSeconds?: Record<string, number>) {
    await reset(db);
    sandbox.reset();
    faults = new Map();
    const base = testDeps(db);
    deps = testDeps(db, {
      dynamodb: dynamo.client,
      tables: { ...base.tables, idempotency: await freshIdempotencyTable(dynamo.client) },
      payments: httpPaymentProvider({ baseUrl: sandbox.url, apiKey: async () => sandbox.apiKey }),
    });
    const functions: Record<string, (event: unknown) => Promise<unknown>> = {
      'order-workflow': failing(faults, 'order-workflow', workflowHandler(deps)),
      payments: failing(faults, 'payments', paymentsHandler(deps)),
    };
    sfn = new LocalStepFunctions({
      definition,
      substitutions: { OrderWorkflowFunctionArn: 'order-workflow', PaymentsFunctionArn: 'payments' },
      invoke: (fn, event) => functions[fn]!(event),
      stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:cafe-local-order-lifecycle',
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
      retryDelayMs: 5,
    });
    deps.workflow = localWorkflow(sfn);
    return { orders: ordersHandler(deps), admin: adminHandler(deps) };
  }

  const outcome = (orderId: string): Promise<ExecutionRecord> => sfn.waitFor(sfn.executionArn(orderId));
  const orderRow = async (id: string) =>
    (await db.query<{ status: string; payment_status: string; status_reason: string | null; task_token: string | null; completed_at: Date | null }>(
      'SELECT status, payment_status, status_reason, task_token, completed_at FROM orders WHERE id = $1',
      [id],
    )).rows[0]!;
  const stock = async (id: string) => (await db.query<{ stock: number }>('SELECT stock FROM menu_items WHERE id = $1', [id])).rows[0]!.stock;
  const place = async (orders: ReturnType<typeof ordersHandler>) => {
    const result = await orders(apiEvent('POST', '/orders', { claims: ALICE, body: { items: [{ itemId: 'oat-latte', quantity: 1 }, { itemId: 'croissant', quantity: 2 }], pickupAt: PICKUP } }));
    expect(result.statusCode).toBe(201);
    return bodyOf<Order>(result);
  };
  const accepted = (id: string) => until(async () => ((await orderRow(id)).status === 'accepted' ? true : undefined), 'the order to wait for the barista');
  const advance = (admin: ReturnType<typeof adminHandler>, orderId: string) => admin(apiEvent('POST', '/admin/orders/{orderId}/advance', { claims: BARISTA, params: { orderId } }));
  /** The barista makes the order: preparing, then ready (which resumes the lifecycle). */
  const make = async (admin: ReturnType<typeof adminHandler>, orderId: string) => {
    expect((await advance(admin, orderId)).statusCode).toBe(200);
    expect((await advance(admin, orderId)).statusCode).toBe(200);
  };
  const attentionLines = () => deps.memoryLog.lines.filter((l) => l.message === NEEDS_ATTENTION);

  it('Validate: an order whose total does not match its lines fails (OrderInvalid → MarkFailed, never retried), nothing charged', async () => {
    await wire();
    const id = '11111111-1111-4111-8111-111111111111';
    await db.query(`INSERT INTO customers (id) VALUES ('alice-sub')`);
    await db.query(`INSERT INTO orders (id, customer_id, total_cents, currency, pickup_at) VALUES ($1, 'alice-sub', 1, 'EUR', $2)`, [id, PICKUP]);
    await db.query(`INSERT INTO order_items (order_id, line, item_id, name, unit_price_cents, quantity) VALUES ($1, 1, 'espresso', 'Espresso', 250, 1)`, [id]);
    await sfn.startExecution({ name: id, input: JSON.stringify({ orderId: id }) });
    const done = await outcome(id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'OrderFailed' });
    expect(done.states).toEqual(['Validate', 'MarkFailed', 'Failed']);
    expect(await orderRow(id)).toMatchObject({ status: 'failed', payment_status: 'pending', status_reason: 'the order could not be validated' });
    expect(sandbox.calls).toEqual([]);
  });

  it('Validate: a transient failure is retried (States.TaskFailed), then the order goes on', async () => {
    const { orders } = await wire();
    faults.set('order-workflow:validate', 2);
    const order = await place(orders);
    await accepted(order.id);
    expect(faults.get('order-workflow:validate')).toBe(0);
    expect((await orderRow(order.id)).payment_status).toBe('authorised');
  });

  it('a write pause during the lifecycle is retried until it lifts; the order then goes on as usual', async () => {
    const { orders } = await wire();
    // The API's own check (POST /orders) answers open; then the drill pauses writes for the workflow's next
    // three checks (AuthorisePayment's step), and lifts the pause.
    let checks = 0;
    let pausedAnswers = 0;
    deps.controlFake.maintenance = async () => {
      checks++;
      if (checks > 1 && pausedAnswers < 3) {
        pausedAnswers++;
        return { writesPaused: true, reason: 'failover drill', retryAfterSeconds: 30 };
      }
      return { writesPaused: false, retryAfterSeconds: 30 };
    };
    const order = await place(orders);
    await accepted(order.id);
    expect(pausedAnswers).toBe(3);
    expect(await orderRow(order.id)).toMatchObject({ status: 'accepted', payment_status: 'authorised' });
  });

  it('AuthorisePayment: the provider down throughout → retried, then the order fails with a readable reason, stock back', async () => {
    const { orders } = await wire();
    sandbox.mode = 'down';
    const order = await place(orders);
    const done = await outcome(order.id);
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'MarkFailed', 'Failed']);
    expect(sandbox.calls.filter((c) => c.path === '/v1/authorisations')).toHaveLength(5); // the first try and the ASL's 4 retries
    expect(await orderRow(order.id)).toMatchObject({ status: 'failed', payment_status: 'pending', status_reason: 'the payment service was unavailable' });
    expect(await stock('croissant')).toBe(24);
  });

  it('AuthorisePayment: declined → failed, never retried, nothing authorised', async () => {
    const { orders } = await wire();
    sandbox.mode = 'decline';
    const order = await place(orders);
    const done = await outcome(order.id);
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'MarkFailed', 'Failed']);
    expect(sandbox.calls).toHaveLength(1);
    expect(await orderRow(order.id)).toMatchObject({ status: 'failed', payment_status: 'declined', status_reason: 'the payment was declined' });
  });

  it('CapturePayment: the authorisation is gone at the provider → payment_failed, needs attention; the barista cannot hand it over; sales list it', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    sandbox.authorisations.clear(); // e.g. expired at the provider, or lost
    await make(admin, order.id);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'PaymentFailed' });
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'MarkCaptureFailed', 'PaymentFailed']);
    // PaymentNotFound is not retried: one capture call.
    expect(sandbox.calls.filter((c) => c.path.endsWith('/capture')).map((c) => c.status)).toEqual([404]);
    expect(await orderRow(order.id)).toMatchObject({ status: 'payment_failed', payment_status: 'authorised', status_reason: 'the payment could not be captured (PaymentNotFound); needs attention' });
    const collect = await advance(admin, order.id);
    expect(collect.statusCode).toBe(409);
    expect(bodyOf<{ error: { message: string } }>(collect).error.message).toMatch(/payment failed and needs attention/);
    const queue = bodyOf<{ orders: Order[] }>(await admin(apiEvent('GET', '/admin/orders', { claims: BARISTA })));
    expect(queue.orders.map((o) => [o.id, o.status])).toEqual([[order.id, 'payment_failed']]);
    const sales = bodyOf<{ orders: number; needsAttention: { orderId: string }[] }>(await admin(apiEvent('GET', '/admin/sales/daily', { claims: BARISTA, query: { date: '2026-11-25' } })));
    expect([sales.orders, sales.needsAttention.map((o) => o.orderId)]).toEqual([0, [order.id]]);
    expect(attentionLines()).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ orderId: order.id, step: 'capture', error: 'PaymentNotFound' }) })]);
    // Made and handed out as far as the shop knows: its stock is not returned.
    expect(await stock('croissant')).toBe(22);
  });

  it('CapturePayment: the provider down throughout → retried with back-off, then payment_failed', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    sandbox.mode = 'down';
    await make(admin, order.id);
    const done = await outcome(order.id);
    expect(done.states.slice(-2)).toEqual(['MarkCaptureFailed', 'PaymentFailed']);
    expect(sandbox.calls.filter((c) => c.path.endsWith('/capture'))).toHaveLength(7); // the first try and 6 retries
    expect(await orderRow(order.id)).toMatchObject({ status: 'payment_failed', payment_status: 'authorised', status_reason: 'the payment could not be captured (PaymentProviderUnavailable); needs attention' });
  });

  it('the barista cannot collect an order whose capture has not happened yet (409), and can once it has', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    // The provider answers slowly: the capture is still running when the barista clicks again.
    sandbox.delayMs = 300;
    await make(admin, order.id);
    const early = await advance(admin, order.id);
    expect([early.statusCode, bodyOf<{ error: { message: string } }>(early).error.message]).toEqual([409, expect.stringContaining('still being captured')]);
    expect((await outcome(order.id)).status).toBe('SUCCEEDED');
    expect((await advance(admin, order.id)).statusCode).toBe(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'collected', payment_status: 'captured' });
  });

  it('Refund: the authorisation is gone when the customer cancels → payment_failed with both reasons, stock back once', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    sandbox.authorisations.clear();
    expect((await orders(apiEvent('POST', '/orders/{orderId}/cancel', { claims: ALICE, params: { orderId: order.id } }))).statusCode).toBe(200);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'PaymentFailed' });
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'Refund', 'MarkRefundFailed', 'PaymentFailed']);
    expect(await orderRow(order.id)).toMatchObject({
      status: 'payment_failed',
      payment_status: 'authorised',
      status_reason: 'cancelled by the customer; the payment could not be refunded (PaymentNotFound); needs attention',
    });
    expect(await stock('croissant')).toBe(24);
    expect((await advance(admin, order.id)).statusCode).toBe(409);
    expect(attentionLines()).toHaveLength(1);
  });

  it('Refund after the barista timeout fails too → payment_failed, stock returned', async () => {
    const { orders } = await wire({ WaitForBarista: 1 });
    const order = await place(orders);
    await accepted(order.id);
    sandbox.authorisations.clear();
    const done = await outcome(order.id);
    expect(done.states.slice(-4)).toEqual(['WaitForBarista', 'Refund', 'MarkRefundFailed', 'PaymentFailed']);
    expect(await orderRow(order.id)).toMatchObject({ status: 'payment_failed', payment_status: 'authorised' });
    expect(await stock('croissant')).toBe(24);
  });

  it('Complete: captured, but completion cannot be recorded → retried, then CompletionNotRecorded; the order can still be collected', async () => {
    const { orders, admin } = await wire();
    faults.set('order-workflow:complete', 99);
    const order = await place(orders);
    await accepted(order.id);
    await make(admin, order.id);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'CompletionNotRecorded' });
    expect(faults.get('order-workflow:complete')).toBe(99 - 5); // the first try and 4 retries
    expect(await orderRow(order.id)).toMatchObject({ status: 'ready', payment_status: 'captured', completed_at: null });
    expect((await advance(admin, order.id)).statusCode).toBe(200);
  });

  it('MarkCancelled cannot record the cancellation → OrderNotClosed, after the refund went through', async () => {
    const { orders } = await wire({ WaitForBarista: 1 });
    faults.set('order-workflow:cancel', 99);
    const order = await place(orders);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'OrderNotClosed' });
    expect(done.states.slice(-3)).toEqual(['Refund', 'MarkCancelled', 'OrderNotClosed']);
    expect((await orderRow(order.id)).payment_status).toBe('refunded');
  });

  it('MarkFailed cannot record the failure → OrderNotClosed, nothing charged', async () => {
    const { orders } = await wire();
    sandbox.mode = 'decline';
    faults.set('order-workflow:fail', 99);
    const order = await place(orders);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'OrderNotClosed' });
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'MarkFailed', 'OrderNotClosed']);
    expect(sandbox.authorisations.size).toBe(0);
  });

  it('MarkCaptureFailed cannot record it → OrderNotClosed (the execution fails: ExecutionsFailed alarms)', async () => {
    const { orders, admin } = await wire();
    faults.set('order-workflow:paymentFailed', 99);
    const order = await place(orders);
    await accepted(order.id);
    sandbox.authorisations.clear();
    await make(admin, order.id);
    const done = await outcome(order.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'OrderNotClosed' });
    expect(done.states.slice(-3)).toEqual(['CapturePayment', 'MarkCaptureFailed', 'OrderNotClosed']);
    // Still not collectable: the payment was never captured.
    expect((await advance(admin, order.id)).statusCode).toBe(409);
  });

  it('a retried MarkCaptureFailed counts the order once', async () => {
    const { orders, admin } = await wire();
    const order = await place(orders);
    await accepted(order.id);
    sandbox.authorisations.clear();
    await make(admin, order.id);
    await outcome(order.id);
    await workflowHandler(deps)({ action: 'paymentFailed', step: 'capture', orderId: order.id, reason: 'PaymentNotFound' });
    expect(attentionLines()).toHaveLength(1);
  });
});
