import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStepFunctions, SavedExecutionError, TaskTokenError } from '../../../src/lib/dev/step-functions';

const definition = readFileSync(resolve(__dirname, '../../../templates/statemachines/order-lifecycle.asl.json'), 'utf8');
const substitutions = { OrderWorkflowFunctionArn: 'order-workflow', PaymentsFunctionArn: 'payments' };
const arn = 'arn:aws:states:local:000000000000:stateMachine:cafe-local-order-lifecycle';

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** Local functions recording their calls; `payments` behaviour per action is configurable. */
function fakeFunctions(behaviour: Partial<Record<string, () => unknown>> = {}) {
  const calls: { fn: string; payload: Record<string, unknown> }[] = [];
  const tokens: string[] = [];
  const invoke = async (fn: string, payload: unknown) => {
    const p = payload as Record<string, unknown>;
    calls.push({ fn, payload: p });
    if (p.action === 'awaitBarista') tokens.push(String(p.taskToken));
    const special = behaviour[`${fn}:${String(p.action)}`];
    if (special) return special();
    return { orderId: p.orderId, ok: true };
  };
  return { calls, tokens, invoke };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never became true');
}

describe('LocalStepFunctions running the order-lifecycle ASL', () => {
  it('runs to completion once the barista sends the task token back', async () => {
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn });
    const { executionArn } = await sfn.startExecution({ input: JSON.stringify({ orderId: 'o-1' }), name: 'o-1' });
    expect(executionArn).toBe('arn:aws:states:local:000000000000:execution:cafe-local-order-lifecycle:o-1');
    await until(() => fns.tokens.length === 1);
    expect(sfn.describeExecution(executionArn)?.status).toBe('RUNNING');
    expect(sfn.pendingTokens()).toEqual([{ taskToken: fns.tokens[0], executionArn }]);

    await sfn.sendTaskSuccess({ taskToken: fns.tokens[0]!, output: JSON.stringify({ advancedBy: 'barista' }) });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(fns.calls.map((c) => `${c.fn}:${String(c.payload.action)}`)).toEqual([
      'order-workflow:validate', 'payments:authorise', 'order-workflow:awaitBarista', 'payments:capture', 'order-workflow:complete',
    ]);
    expect(fns.calls[1]!.payload.idempotencyKey).toBe('authorise-o-1');
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'Complete']);
    expect((done.output as { barista: unknown }).barista).toEqual({ advancedBy: 'barista' });
    // A token works once.
    await expect(sfn.sendTaskSuccess({ taskToken: fns.tokens[0]!, output: '{}' })).rejects.toBeInstanceOf(TaskTokenError);
  });

  it('marks the order failed when the payment is declined, without capturing', async () => {
    const fns = fakeFunctions({ 'payments:authorise': () => { throw named('PaymentDeclined', 'card declined'); } });
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-2' } });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('OrderFailed');
    const actions = fns.calls.map((c) => `${c.fn}:${String(c.payload.action)}`);
    expect(actions).toEqual(['order-workflow:validate', 'payments:authorise', 'order-workflow:fail']);
    expect(fns.calls[2]!.payload.reason).toBe('PaymentDeclined');
  });

  it('refunds and cancels when the barista reports a cancellation through the token', async () => {
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-3' } });
    await until(() => fns.tokens.length === 1);
    await sfn.sendTaskFailure({ taskToken: fns.tokens[0]!, error: 'OrderCancelled', cause: 'customer cancelled' });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.states.slice(-3)).toEqual(['Refund', 'MarkCancelled', 'Cancelled']);
    expect(fns.calls.at(-1)!.payload).toMatchObject({ action: 'cancel', reason: 'OrderCancelled' });
  });

  it('retries an unavailable payment provider, then gives up and fails the order', async () => {
    let attempts = 0;
    const fns = fakeFunctions({ 'payments:authorise': () => { attempts += 1; throw named('PaymentProviderUnavailable'); } });
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, retryDelayMs: 1 });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-4' } });
    const done = await sfn.waitFor(executionArn);
    expect(attempts).toBe(5); // the first try and the 4 retries of the ASL
    expect(done.status).toBe('FAILED');
    expect(fns.calls.at(-1)!.payload).toMatchObject({ action: 'fail', reason: 'PaymentProviderUnavailable' });
  });

  it('refuses a definition placeholder it has no local function for', () => {
    expect(() => new LocalStepFunctions({ definition, substitutions: { OrderWorkflowFunctionArn: 'x' }, invoke: async () => ({}), stateMachineArn: arn }))
      .toThrow('no local value for ${PaymentsFunctionArn}');
  });

  it('aborts running executions on stop', async () => {
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-5' } });
    await until(() => fns.tokens.length === 1);
    await sfn.stop();
    expect(sfn.describeExecution(executionArn)?.status).toBe('ABORTED');
    expect(sfn.pendingTokens()).toEqual([]);
  });
});

describe('LocalStepFunctions across a restart', () => {
  it('keeps executions waiting on a task token and resumes them with the same token, without running the waiting step again', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    const first = fakeFunctions();
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, stateDir });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-9' }, name: 'o-9' });
    await until(() => first.tokens.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    await before.stop();
    await before.flush();

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, stateDir });
    const resumed = await after.resume();
    expect(resumed.map((r) => r.executionArn)).toEqual([executionArn]);
    await until(() => after.pendingTokens().length === 1);
    expect(after.pendingTokens()[0]!.taskToken).toBe(first.tokens[0]);
    expect(second.calls).toEqual([]); // awaitBarista is not called again

    await after.sendTaskSuccess({ taskToken: first.tokens[0]!, output: '{"status":"ready"}' });
    const done = await after.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(second.calls.map((c) => `${String(c.payload.action)}:${String(c.payload.orderId)}`)).toEqual(['capture:o-9', 'complete:o-9']);
    await after.flush();
    // Nothing is left waiting for the next start.
    const third = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, stateDir });
    expect(await third.resume()).toEqual([]);
  });

  it('resumes an execution in flight at the state it was in, after a crash (nothing stopped, only what was written)', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const first = fakeFunctions({ 'payments:authorise': () => hung.then(() => ({})) });
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, stateDir });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-7' }, name: 'o-7' });
    await until(() => first.calls.some((c) => c.payload.action === 'authorise'));
    await before.flush();
    // What a killed process leaves behind: the files as they were written.
    const crashed = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    cpSync(stateDir, crashed, { recursive: true });
    expect(readdirSync(crashed)).toEqual(['o-7.json']);
    expect(JSON.parse(readFileSync(join(crashed, 'o-7.json'), 'utf8')).state.name).toBe('AuthorisePayment');
    release();
    await before.stop();

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, stateDir: crashed });
    expect((await after.resume()).map((r) => r.executionArn)).toEqual([executionArn]);
    await until(() => second.tokens.length === 1);
    // Authorise runs again (with the same idempotency key), and the wait gets the execution's token.
    expect(second.calls.map((c) => `${String(c.payload.action)}:${String(c.payload.idempotencyKey ?? '')}`)).toEqual(['authorise:authorise-o-7', 'awaitBarista:']);
    await after.sendTaskSuccess({ taskToken: second.tokens[0]!, output: '{}' });
    const done = await after.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'Complete']);
    await after.flush();
    expect(readdirSync(crashed)).toEqual([]);
  });

  it('has kept a new execution on disk by the time StartExecution returns (a crash right after loses nothing)', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, stateDir });
    await sfn.startExecution({ input: { orderId: 'o-11' }, name: 'o-11' });
    // Read synchronously, before any other write could run.
    expect(existsSync(join(stateDir, 'o-11.json'))).toBe(true);
    await sfn.stop();
  });

  it('keeps the barista\'s answer before SendTaskSuccess returns: after a crash the execution carries on with it instead of waiting again', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const first = fakeFunctions({ 'payments:capture': () => hung.then(() => ({})) });
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, stateDir });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-12' }, name: 'o-12' });
    await until(() => first.tokens.length === 1);
    await before.flush();
    // Copied the moment SendTaskSuccess returns, before the capture's own transition could be written.
    const crashed = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    await before.sendTaskSuccess({ taskToken: first.tokens[0]!, output: JSON.stringify({ status: 'ready' }) });
    cpSync(stateDir, crashed, { recursive: true });
    release();
    await before.stop();
    const saved = JSON.parse(readFileSync(join(crashed, 'o-12.json'), 'utf8')) as { answer?: unknown };
    expect(saved.answer).toEqual({ output: { status: 'ready' } });

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, stateDir: crashed });
    await after.resume();
    const done = await after.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    // No second wait for the barista: straight on to the capture.
    expect(second.calls.map((c) => String(c.payload.action))).toEqual(['capture', 'complete']);
    expect((done.output as { barista: unknown }).barista).toEqual({ status: 'ready' });
  });

  it('refuses to resume when an execution file is damaged, naming it (skipping it would leave its order waiting forever)', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'o-13.json'), '{"name": "o-13", "sta');
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fakeFunctions().invoke, stateMachineArn: arn, stateDir });
    const error = await sfn.resume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SavedExecutionError);
    expect((error as SavedExecutionError).file).toBe(join(stateDir, 'o-13.json'));
    writeFileSync(join(stateDir, 'o-13.json'), '{"name": "o-13"}');
    await expect(sfn.resume()).rejects.toThrow('not a saved execution');
  });

  it('keeps the barista\'s deadline across a restart: a wait past its deadline times out at once', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions');
    const first = fakeFunctions();
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, stateDir, timeoutSeconds: { WaitForBarista: 1 } });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-8' }, name: 'o-8' });
    await until(() => before.pendingTokens().length === 1);
    await before.flush();
    const saved = JSON.parse(readFileSync(join(stateDir, 'o-8.json'), 'utf8')) as { waiting: { state: string; deadline: string } };
    expect(saved.waiting.state).toBe('WaitForBarista');
    const deadline = Date.parse(saved.waiting.deadline);
    expect(deadline - Date.now()).toBeGreaterThan(0);
    expect(deadline - Date.now()).toBeLessThanOrEqual(1000);
    await before.stop();
    await before.flush();
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 50));

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, stateDir, timeoutSeconds: { WaitForBarista: 1 } });
    const restarted = Date.now();
    await after.resume();
    const done = await after.waitFor(executionArn);
    // Timed out at the saved deadline, not a full timeout after the restart.
    expect(Date.now() - restarted).toBeLessThan(900);
    expect(done.states.slice(-3)).toEqual(['Refund', 'MarkCancelled', 'Cancelled']);
    expect(second.calls.map((c) => String(c.payload.action))).toEqual(['refund', 'cancel']);
    expect(second.calls[1]!.payload.reason).toBe('States.Timeout');
    await expect(after.sendTaskSuccess({ taskToken: first.tokens[0]!, output: '{}' })).rejects.toBeInstanceOf(TaskTokenError);
  });

  it('takes over the executions file of the previous release once', async () => {
    const { writeFileSync, mkdirSync, existsSync } = await import('node:fs');
    const base = mkdtempSync(join(tmpdir(), 'cafe-sfn-'));
    mkdirSync(base, { recursive: true });
    const stateDir = join(base, 'executions');
    writeFileSync(`${stateDir}.json`, JSON.stringify([{ executionArn: `${arn.replace(':stateMachine:', ':execution:')}:o-6`, name: 'o-6', startDate: new Date().toISOString(), stateName: 'WaitForBarista', input: { orderId: 'o-6' }, taskToken: 'kept-token' }]));
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, stateDir });
    expect((await sfn.resume()).map((r) => r.name)).toEqual(['o-6']);
    expect(existsSync(`${stateDir}.json`)).toBe(false);
    await until(() => sfn.pendingTokens().length === 1);
    expect(sfn.pendingTokens()[0]!.taskToken).toBe('kept-token');
    expect(fns.calls).toEqual([]);
    await sfn.stop();
  });
});
