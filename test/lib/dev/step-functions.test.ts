import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExecutionJournal, readJournal } from '../../../src/lib/dev/execution-journal';
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

/** A journal in a new folder (the folder and `.json` file of earlier releases would sit beside it). */
const newJournal = () => join(mkdtempSync(join(tmpdir(), 'cafe-sfn-')), 'executions.jsonl');
/** What a killed process leaves behind: the journal as it was written. */
function crashCopy(journalFile: string): string {
  const copy = newJournal();
  copyFileSync(journalFile, copy);
  return copy;
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

  it('forgets the oldest finished executions beyond the ones it keeps, and never one still running', async () => {
    const fns = fakeFunctions({ 'payments:authorise': () => { throw named('PaymentDeclined', 'card declined'); } });
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, keptFinished: 2 });
    const parked = fakeFunctions();
    const waiting = new LocalStepFunctions({ definition, substitutions, invoke: parked.invoke, stateMachineArn: arn, keptFinished: 0 });
    const running = (await waiting.startExecution({ input: { orderId: 'o-w' }, name: 'o-w' })).executionArn;
    await until(() => parked.tokens.length === 1);
    const arns: string[] = [];
    for (const name of ['o-a', 'o-b', 'o-c']) {
      const { executionArn } = await sfn.startExecution({ input: { orderId: name }, name });
      await sfn.waitFor(executionArn);
      arns.push(executionArn);
    }
    expect(sfn.describeExecution(arns[0]!)).toBeUndefined();
    expect(sfn.listExecutions().map((e) => e.name)).toEqual(['o-b', 'o-c']);
    expect(sfn.describeExecution(arns[2]!)?.status).toBe('FAILED');
    // Kept however small the bound while it runs, and forgotten once it ends.
    expect(waiting.describeExecution(running)?.status).toBe('RUNNING');
    await waiting.sendTaskSuccess({ taskToken: parked.tokens[0]!, output: '{}' });
    await until(() => waiting.describeExecution(running) === undefined);
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
    const journalFile = newJournal();
    const first = fakeFunctions();
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, journalFile });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-9' }, name: 'o-9' });
    await until(() => first.tokens.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    await before.stop();
    await before.flush();

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, journalFile });
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
    const third = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, journalFile });
    expect(await third.resume()).toEqual([]);
    // Compacted at that start: one line per execution in flight, none here.
    expect(readFileSync(journalFile, 'utf8')).toBe('');
  });

  it('resumes an execution in flight at the state it was in, after a crash (nothing stopped, only what was written)', async () => {
    const journalFile = newJournal();
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const first = fakeFunctions({ 'payments:authorise': () => hung.then(() => ({})) });
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, journalFile });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-7' }, name: 'o-7' });
    await until(() => first.calls.some((c) => c.payload.action === 'authorise'));
    await before.flush();
    const crashed = crashCopy(journalFile);
    // One line per transition so far: started, Validate, AuthorisePayment (or fewer, when a later one superseded an earlier one before it was written).
    expect(readFileSync(crashed, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(3);
    expect([...readJournal(crashed).keys()]).toEqual(['o-7']);
    expect(readJournal(crashed).get('o-7')!.state.name).toBe('AuthorisePayment');
    release();
    await before.stop();

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, journalFile: crashed });
    expect((await after.resume()).map((r) => r.executionArn)).toEqual([executionArn]);
    await until(() => second.tokens.length === 1);
    // Authorise runs again (with the same idempotency key), and the wait gets the execution's token.
    expect(second.calls.map((c) => `${String(c.payload.action)}:${String(c.payload.idempotencyKey ?? '')}`)).toEqual(['authorise:authorise-o-7', 'awaitBarista:']);
    await after.sendTaskSuccess({ taskToken: second.tokens[0]!, output: '{}' });
    const done = await after.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'Complete']);
    await after.flush();
    // Ended: a tombstone after its last transition.
    expect(readJournal(crashed).size).toBe(0);
    expect(JSON.parse(readFileSync(crashed, 'utf8').trim().split('\n').at(-1)!)).toEqual({ ended: 'o-7' });
  });

  it('has kept a new execution on disk by the time StartExecution returns (a crash right after loses nothing)', async () => {
    const journalFile = newJournal();
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    await sfn.startExecution({ input: { orderId: 'o-11' }, name: 'o-11' });
    // Read synchronously, before any other write could run.
    expect(readJournal(journalFile).get('o-11')?.state.name).toBe('Validate');
    await sfn.stop();
  });

  it('keeps the barista\'s answer before SendTaskSuccess returns: after a crash the execution carries on with it instead of waiting again', async () => {
    const journalFile = newJournal();
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const first = fakeFunctions({ 'payments:capture': () => hung.then(() => ({})) });
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, journalFile });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-12' }, name: 'o-12' });
    await until(() => first.tokens.length === 1);
    await before.flush();
    // Copied the moment SendTaskSuccess returns, before the capture's own transition could be written.
    await before.sendTaskSuccess({ taskToken: first.tokens[0]!, output: JSON.stringify({ status: 'ready' }) });
    const crashed = crashCopy(journalFile);
    release();
    await before.stop();
    expect(readJournal(crashed).get('o-12')?.answer).toEqual({ output: { status: 'ready' } });

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, journalFile: crashed });
    await after.resume();
    const done = await after.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    // No second wait for the barista: straight on to the capture.
    expect(second.calls.map((c) => String(c.payload.action))).toEqual(['capture', 'complete']);
    expect((done.output as { barista: unknown }).barista).toEqual({ status: 'ready' });
  });

  it('refuses to take over a damaged execution file of the previous release, naming it (skipping it would leave its order waiting forever)', async () => {
    const journalFile = newJournal();
    const stateDir = journalFile.replace(/\.jsonl$/, '');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'o-13.json'), '{"name": "o-13", "sta');
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fakeFunctions().invoke, stateMachineArn: arn, journalFile });
    const error = await sfn.resume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SavedExecutionError);
    expect((error as SavedExecutionError).file).toBe(join(stateDir, 'o-13.json'));
    writeFileSync(join(stateDir, 'o-13.json'), '{"name": "o-13"}');
    await expect(sfn.resume()).rejects.toThrow('not a saved execution');
  });

  it('keeps the barista\'s deadline across a restart: a wait past its deadline times out at once', async () => {
    const journalFile = newJournal();
    const first = fakeFunctions();
    const before = new LocalStepFunctions({ definition, substitutions, invoke: first.invoke, stateMachineArn: arn, journalFile, timeoutSeconds: { WaitForBarista: 1 } });
    const { executionArn } = await before.startExecution({ input: { orderId: 'o-8' }, name: 'o-8' });
    await until(() => before.pendingTokens().length === 1);
    await until(() => readJournal(journalFile).get('o-8')?.waiting !== undefined);
    const saved = readJournal(journalFile).get('o-8')! as { waiting: { state: string; deadline: string } };
    expect(saved.waiting.state).toBe('WaitForBarista');
    const deadline = Date.parse(saved.waiting.deadline);
    expect(deadline - Date.now()).toBeGreaterThan(0);
    expect(deadline - Date.now()).toBeLessThanOrEqual(1000);
    await before.stop();
    await before.flush();
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()) + 50));

    const second = fakeFunctions();
    const after = new LocalStepFunctions({ definition, substitutions, invoke: second.invoke, stateMachineArn: arn, journalFile, timeoutSeconds: { WaitForBarista: 1 } });
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
    const journalFile = newJournal();
    const stateDir = journalFile.replace(/\.jsonl$/, '');
    writeFileSync(`${stateDir}.json`, JSON.stringify([{ executionArn: `${arn.replace(':stateMachine:', ':execution:')}:o-6`, name: 'o-6', startDate: new Date().toISOString(), stateName: 'WaitForBarista', input: { orderId: 'o-6' }, taskToken: 'kept-token' }]));
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    expect((await sfn.resume()).map((r) => r.name)).toEqual(['o-6']);
    expect(existsSync(`${stateDir}.json`)).toBe(false);
    expect(readJournal(journalFile).get('o-6')?.taskToken).toBe('kept-token');
    await until(() => sfn.pendingTokens().length === 1);
    expect(sfn.pendingTokens()[0]!.taskToken).toBe('kept-token');
    expect(fns.calls).toEqual([]);
    await sfn.stop();
  });
});

describe('LocalStepFunctions parking executions on their task token', () => {
  it('lets the run go once the wait has begun, and continues from the saved state when the barista answers', async () => {
    const journalFile = newJournal();
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    await sfn.resume();
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-20' }, name: 'o-20' });
    await until(() => sfn.activity().running === 0);
    expect(sfn.activity()).toEqual({ running: 0, parked: 1 });
    expect(sfn.describeExecution(executionArn)).toMatchObject({ status: 'RUNNING', states: ['Validate', 'AuthorisePayment', 'WaitForBarista'] });
    expect(sfn.listExecutions().map((e) => e.status)).toEqual(['RUNNING']);
    expect(sfn.pendingTokens()).toEqual([{ taskToken: fns.tokens[0], executionArn }]);
    await until(() => readJournal(journalFile).get('o-20')?.waiting !== undefined);

    const done = sfn.waitFor(executionArn);
    await sfn.sendTaskSuccess({ taskToken: fns.tokens[0]!, output: { advancedBy: 'barista' } });
    // The answer is kept with the execution before the call returns.
    expect(readJournal(journalFile).get('o-20')?.answer).toEqual({ output: { advancedBy: 'barista' } });
    const record = await done;
    expect(record.status).toBe('SUCCEEDED');
    expect(record.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'CapturePayment', 'Complete']);
    expect((record.output as { barista: unknown }).barista).toEqual({ advancedBy: 'barista' });
    // The barista's step ran once, before the wait; the answer did not run it again.
    expect(fns.calls.map((c) => String(c.payload.action))).toEqual(['validate', 'authorise', 'awaitBarista', 'capture', 'complete']);
    await expect(sfn.sendTaskSuccess({ taskToken: fns.tokens[0]!, output: '{}' })).rejects.toBeInstanceOf(TaskTokenError);
    expect(sfn.activity()).toEqual({ running: 0, parked: 0 });
    await sfn.stop();
    expect(readJournal(journalFile).size).toBe(0);
  });

  it('refunds at the deadline an execution parked without its run, and refuses its token afterwards', async () => {
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile: newJournal(), timeoutSeconds: { WaitForBarista: 1 } });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-21' }, name: 'o-21' });
    await until(() => fns.tokens.length === 1 && sfn.activity().running === 0);
    const parkedAt = Date.now();
    const done = await sfn.waitFor(executionArn);
    expect(Date.now() - parkedAt).toBeGreaterThan(700);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.states).toEqual(['Validate', 'AuthorisePayment', 'WaitForBarista', 'Refund', 'MarkCancelled', 'Cancelled']);
    expect(fns.calls.at(-1)!.payload).toMatchObject({ action: 'cancel', reason: 'States.Timeout' });
    await expect(sfn.sendTaskFailure({ taskToken: fns.tokens[0]!, error: 'OrderCancelled' })).rejects.toBeInstanceOf(TaskTokenError);
  });

  it('takes an answer given while the waiting step still runs (the token is valid once handed out), and keeps it for a restart', async () => {
    const journalFile = newJournal();
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const fns = fakeFunctions({ 'order-workflow:awaitBarista': () => hung.then(() => ({})) });
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-22' }, name: 'o-22' });
    await until(() => fns.tokens.length === 1);
    await sfn.sendTaskFailure({ taskToken: fns.tokens[0]!, error: 'OrderCancelled', cause: 'customer cancelled' });
    expect(readJournal(journalFile).get('o-22')).toMatchObject({ waiting: { state: 'WaitForBarista' }, answer: { error: 'OrderCancelled' } });
    release();
    const done = await sfn.waitFor(executionArn);
    expect(done.states.slice(-3)).toEqual(['Refund', 'MarkCancelled', 'Cancelled']);
    expect(fns.calls.at(-1)!.payload).toMatchObject({ action: 'cancel', reason: 'OrderCancelled' });
  });

  it('keeps a parked execution through stop, for the next start', async () => {
    const journalFile = newJournal();
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    const { executionArn } = await sfn.startExecution({ input: { orderId: 'o-23' }, name: 'o-23' });
    await until(() => sfn.activity().running === 0);
    const waiting = sfn.waitFor(executionArn);
    await sfn.stop();
    expect((await waiting).status).toBe('ABORTED');
    expect(sfn.pendingTokens()).toEqual([]);
    expect(readJournal(journalFile).get('o-23')).toMatchObject({ state: { name: 'WaitForBarista' }, waiting: { state: 'WaitForBarista' }, taskToken: fns.tokens[0] });
  });
});

describe('the executions journal at start', () => {
  const saved = (name: string, state = 'AuthorisePayment') => ({ execution: { executionArn: `${arn.replace(':stateMachine:', ':execution:')}:${name}`, name, startDate: new Date().toISOString(), input: { orderId: name }, taskToken: `t-${name}`, states: ['Validate', state], state: { name: state, input: { orderId: name } } } });

  it('replays the last line of each execution, drops a torn last line, and rewrites it compacted', async () => {
    const journalFile = newJournal();
    writeFileSync(journalFile, [saved('o-30', 'Validate'), saved('o-31'), saved('o-30'), { ended: 'o-31' }].map((l) => `${JSON.stringify(l)}\n`).join(''));
    appendFileSync(journalFile, JSON.stringify(saved('o-32')).slice(0, 40));
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    expect((await sfn.resume()).map((r) => r.name)).toEqual(['o-30']);
    await until(() => fns.calls.length > 0);
    expect(fns.calls[0]!.payload).toMatchObject({ action: 'authorise', orderId: 'o-30' });
    await sfn.stop();
    const lines = readFileSync(journalFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { execution?: { name: string } });
    expect(lines.map((l) => l.execution?.name)).toEqual(lines.map(() => 'o-30'));
  });

  it('refuses a journal damaged before its last line, naming it and its line', async () => {
    const journalFile = newJournal();
    writeFileSync(journalFile, `${JSON.stringify(saved('o-33'))}\n{"execution": {"na\n${JSON.stringify(saved('o-34'))}\n`);
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fakeFunctions().invoke, stateMachineArn: arn, journalFile });
    const error = (await sfn.resume().catch((e: unknown) => e)) as SavedExecutionError;
    expect(error).toBeInstanceOf(SavedExecutionError);
    expect(error).toMatchObject({ file: journalFile, reason: 'line 2 is not JSON', holdsAll: true });
    writeFileSync(journalFile, `${JSON.stringify({ name: 'o-35' })}\n`);
    await expect(sfn.resume()).rejects.toThrow('line 1 is not a saved execution');
  });

  it('takes over the folder of one file per execution of the previous release once', async () => {
    const journalFile = newJournal();
    const folder = journalFile.replace(/\.jsonl$/, '');
    mkdirSync(folder);
    writeFileSync(join(folder, 'o-36.json'), JSON.stringify(saved('o-36').execution));
    const fns = fakeFunctions();
    const sfn = new LocalStepFunctions({ definition, substitutions, invoke: fns.invoke, stateMachineArn: arn, journalFile });
    expect((await sfn.resume()).map((r) => r.name)).toEqual(['o-36']);
    expect(existsSync(folder)).toBe(false);
    expect(readJournal(journalFile).has('o-36')).toBe(true);
    await until(() => fns.tokens.length === 1);
    await sfn.stop();
  });

  it('compacts itself while running once its dead lines outnumber the live ones', () => {
    const journalFile = newJournal();
    const journal = new ExecutionJournal(journalFile);
    journal.open();
    const kept = saved('o-37').execution;
    journal.put(saved('o-38').execution);
    for (let i = 0; i < 1100; i++) {
      kept.states = [...kept.states, `step-${i}`];
      journal.put(kept);
      journal.commit();
    }
    journal.end('o-38');
    journal.commit();
    journal.close();
    const lines = readFileSync(journalFile, 'utf8').trim().split('\n');
    // Rewritten once the dead lines passed 1000: far fewer than the 1102 written.
    expect(lines.length).toBeLessThan(200);
    expect([...readJournal(journalFile).keys()]).toEqual(['o-37']);
    expect(readJournal(journalFile).get('o-37')!.states).toHaveLength(1102);
  });
});
