/**
 * The one local runner of the order-lifecycle state machine, used by `cafe-ops dev` and by the
 * tests: the ASL file executed by aws-local-stepfunctions, each `lambda:invoke` task bound to the
 * local function it names (through the template's DefinitionSubstitutions), and
 * `.waitForTaskToken` tasks parked until SendTaskSuccess / SendTaskFailure arrives with their
 * token — as the barista's "advance" does in AWS. It answers the three Step Functions calls the
 * functions make, with AWS's errors; functions/shared/local/workflow.ts is the functions' Workflow
 * port over it, as functions/shared/workflow.ts is over the SDK.
 *
 * Durable when given a `journalFile`: every execution in flight is kept after each state transition
 * (one line appended to the journal, see ./execution-journal.ts), and `resume()` enters each one
 * again at the state it was in, with its input, its task token and the deadline its wait had. A
 * task state entered again runs its function again, as a Step Functions retry would: the steps are
 * idempotent (payments by idempotency key, order steps by status).
 *
 * A parked execution (its wait's function has run; it waits only for the token or its deadline)
 * holds no run of the library: the run ends there, and what is left is the saved execution and one
 * deadline timer. The answer, or the deadline, continues it from the saved state through the same
 * path a restart takes (the wait entered again, its answer given at once, or States.Timeout).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ExecutionJournal, readEarlierReleases, SavedExecutionError, type SavedExecution } from './execution-journal';

export { SavedExecutionError, type SavedExecution };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  /** States entered, in order. */
  states: string[];
}

/**
 * What Step Functions answers SendTaskSuccess / SendTaskFailure with a token that no task waits
 * for (never issued, already used, or timed out), and the one error this runner raises for it:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * (the functions' Workflow adapters treat TaskDoesNotExist, InvalidToken and TaskTimedOut alike).
 */
export class TaskTokenError extends Error {
  override readonly name = 'TaskDoesNotExist';
}

/** StartExecution with a name already used: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html */
export class ExecutionAlreadyExists extends Error {
  override readonly name = 'ExecutionAlreadyExists';
}

export interface LocalStepFunctionsOptions {
  /** The ASL definition, as text (with ${Substitution} placeholders). */
  definition: string;
  /** DefinitionSubstitutions → local function name. */
  substitutions: Record<string, string>;
  invoke: (fn: string, payload: unknown) => Promise<unknown>;
  stateMachineArn: string;
  /** Milliseconds to wait before each retry, instead of the ASL's IntervalSeconds (tests). */
  retryDelayMs?: number;
  /** TimeoutSeconds per state name, replacing the definition's (e.g. { WaitForBarista: 1 } in tests). */
  timeoutSeconds?: Record<string, number>;
  /**
   * The journal (`….jsonl`) that keeps every execution in flight, so a restart — after a clean stop
   * or a crash — resumes them where they were instead of losing them. What earlier releases kept
   * beside it (the folder of the same name without `.jsonl`, one file per execution, and before it
   * `<that name>.json`) is taken over at the first resume.
   */
  journalFile?: string;
  log?: (line: string) => void;
  /**
   * How many finished executions describeExecution and listExecutions still answer for (the oldest
   * are forgotten first), so a long local run does not grow without end; 1000 by default. Step
   * Functions keeps them 90 days and refuses a name used within them; the orders' executions are
   * named after order ids, which are never reused.
   */
  keptFinished?: number;
}

type StateDefinition = { Type: string; Resource?: string; Retry?: unknown[]; TimeoutSeconds?: number };
type Definition = { StartAt: string; States: Record<string, StateDefinition> } & Record<string, unknown>;
type Library = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });
/** The library's StateMachine (an ES module, loaded on first use). */
type Machine = InstanceType<Library['StateMachine']>;
/** One run of the library over an execution; `released` once the execution parked and the run was let go. */
type Run = { abort: () => void; done: Promise<void>; released: boolean };
/** How a run begins: from the start, or resumed at the saved state (`timedOut`: its wait's deadline has passed). */
type Launch = { resumed: boolean; timedOut?: boolean };
/** An execution waiting for its token. `live` while the run that entered the wait is still in it (its function running). */
type Parked = {
  saved: SavedExecution;
  record: ExecutionRecord;
  state: string;
  deadline: number;
  timer: NodeJS.Timeout;
  live?: { resolve: (output: unknown) => void; reject: (error: Error) => void };
};

/** Validated state machines by definition: validation compiles JSON schemas, once is enough. */
const VALIDATED = new Map<string, Promise<Machine>>();

const FUNCTION_PREFIX = 'arn:aws:lambda:local:000000000000:function:';
/** The library's default for a Task state without TimeoutSeconds. */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;
const DEFAULT_KEPT_FINISHED = 1000;

const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const timedOut = () => named('States.Timeout', 'States.Timeout');

export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Live runs of the library, by execution ARN. */
  private readonly runs = new Map<string, Run>();
  /** Executions waiting for their task token, by token. */
  private readonly parked = new Map<string, Parked>();
  /** Callers of waitFor, by execution ARN (made on demand). */
  private readonly finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  /** Finished executions still kept in `executions`, oldest first (see keptFinished). */
  private readonly ended: string[] = [];
  private readonly definition: Definition;
  private readonly journal: ExecutionJournal | undefined;
  private stopping = false;
  private machine: Promise<Machine> | undefined;
  /** Machines starting at a given state, for resumed runs (unvalidated copies of the validated definition). */
  private readonly resumedMachines = new Map<string, Promise<Machine>>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    let text = options.definition;
    for (const [key, fn] of Object.entries(options.substitutions)) text = text.split(`\${${key}}`).join(`${FUNCTION_PREFIX}${fn}`);
    const unresolved = /\$\{([A-Za-z0-9]+)\}/.exec(text);
    if (unresolved) throw new Error(`state machine definition: no local value for \${${unresolved[1]}}`);
    this.definition = JSON.parse(text) as Definition;
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      const timeout = options.timeoutSeconds?.[stateName];
      if (timeout !== undefined) state.TimeoutSeconds = timeout;
      if (state.Type !== 'Task' || !state.Resource) continue;
      if (!/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(state.Resource)) {
        throw new Error(`state ${stateName}: only lambda:invoke tasks run locally (resource ${state.Resource})`);
      }
    }
    this.journal = options.journalFile ? new ExecutionJournal(options.journalFile, options.log) : undefined;
  }

  /** The ARN of the execution with this name (the orders' executions are named after the order). */
  executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  /** StartExecution: runs in the background; returns at once like the API. */
  async startExecution(request: { input?: string | unknown; name?: string }): Promise<{ executionArn: string; startDate: Date }> {
    const name = request.name ?? randomUUID();
    const executionArn = this.executionArn(name);
    if (this.executions.has(executionArn)) throw new ExecutionAlreadyExists(`execution ${name} already exists`);
    const input = typeof request.input === 'string' ? JSON.parse(request.input) : (request.input ?? {});
    const startDate = new Date();
    const saved: SavedExecution = {
      executionArn,
      name,
      startDate: startDate.toISOString(),
      input,
      taskToken: randomBytes(48).toString('base64url'),
      states: [],
      state: { name: this.definition.StartAt, input },
    };
    // Kept before StartExecution returns, as in AWS: an order whose start was answered is never lost.
    try {
      this.journal?.put(saved);
      this.journal?.commit();
    } catch (error) {
      throw named('States.Runtime', `execution ${name} could not be kept in ${this.options.journalFile}: ${(error as Error).message}`);
    }
    this.launch(saved, this.newRecord(saved), { resumed: false });
    return { executionArn, startDate };
  }

  /** SendTaskSuccess: the answer is kept before the call returns, so a crash right after it does not undo it. */
  async sendTaskSuccess(request: { taskToken: string; output: string | unknown }): Promise<void> {
    const parked = this.take(request.taskToken);
    const output = typeof request.output === 'string' ? JSON.parse(request.output) : request.output;
    this.answer(parked, { output });
    if (parked.live) parked.live.resolve(output);
    else this.launch(parked.saved, parked.record, { resumed: true });
  }

  async sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    const parked = this.take(request.taskToken);
    const answer = { error: request.error ?? 'States.TaskFailed', cause: request.cause ?? '' };
    this.answer(parked, answer);
    if (parked.live) parked.live.reject(named(answer.error, answer.cause));
    else this.launch(parked.saved, parked.record, { resumed: true });
  }

  describeExecution(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  listExecutions(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** Resolves when an execution has stopped (or at once if it has). */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    const record = this.executions.get(executionArn);
    if (!record) throw new Error(`no execution ${executionArn}`);
    if (record.status === 'RUNNING') {
      let waiter = this.finished.get(executionArn);
      if (!waiter) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        waiter = { promise, resolve };
        this.finished.set(executionArn, waiter);
      }
      await waiter.promise;
    }
    return record;
  }

  /** Task tokens currently waiting, by execution. */
  pendingTokens(): { taskToken: string; executionArn: string }[] {
    return [...this.parked.entries()].map(([taskToken, p]) => ({ taskToken, executionArn: p.record.executionArn }));
  }

  /** Executions in flight: those a run of the library is carrying, and those parked on their token (which hold no run). */
  activity(): { running: number; parked: number } {
    return { running: this.runs.size, parked: this.parked.size };
  }

  /** Stops every running execution (Ctrl-C); what is in flight stays saved for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.runs.values()) run.abort();
    // Settle parked tasks too, so nothing keeps their deadline timers (an hour for the barista) alive.
    for (const [token, parked] of this.parked) {
      this.parked.delete(token);
      clearTimeout(parked.timer);
      if (parked.live) {
        parked.live.reject(named('States.Runtime', 'local run stopped'));
      } else {
        parked.record.status = 'ABORTED';
        parked.record.stopDate = new Date().toISOString();
        this.settled(parked.record);
      }
    }
    await Promise.allSettled([...this.runs.values()].map((r) => r.done));
    await this.flush();
    this.journal?.close();
  }

  /** Writes every saved transition not yet written. */
  async flush(): Promise<void> {
    this.commit();
  }

  /** Resumes the executions a previous run left in flight (see journalFile), each at the state it was in. */
  async resume(): Promise<ExecutionRecord[]> {
    // Validated now rather than on the first order (an invalid definition stops the start).
    await this.validated();
    const file = this.options.journalFile;
    if (!this.journal || !file) return [];
    const earlier = readEarlierReleases(file.replace(/\.jsonl$/, ''), (state) => new Date(Date.now() + this.timeoutOf(state) * 1000).toISOString());
    const saved = this.journal.open(earlier.saved);
    // Taken over: the journal now holds what they held.
    earlier.remove();
    const resumed: ExecutionRecord[] = [];
    for (const execution of saved) {
      if (this.executions.has(execution.executionArn)) continue;
      if (!this.definition.States[execution.state.name]) {
        this.options.log?.(`order lifecycle ${execution.name}: state ${execution.state.name} is no longer in the definition; not resumed (kept in ${file})`);
        continue;
      }
      const record = this.newRecord(execution);
      const { waiting, answer } = execution;
      const wait = waiting?.state === execution.state.name ? waiting : undefined;
      const deadline = wait ? Date.parse(wait.deadline) : NaN;
      if (wait && !answer && deadline > Date.now()) {
        // Still waiting for the barista: only its token and its deadline are kept, as before the restart.
        this.executions.set(execution.executionArn, record);
        this.hold(execution, record, wait.state, deadline);
      } else {
        this.launch(execution, record, { resumed: true, timedOut: Boolean(wait && !answer) });
      }
      resumed.push(record);
    }
    return resumed;
  }

  private newRecord(saved: SavedExecution): ExecutionRecord {
    return {
      executionArn: saved.executionArn,
      name: saved.name,
      status: 'RUNNING',
      input: saved.input,
      startDate: saved.startDate,
      // The same list as the saved one: a resumed run lists the state it resumes at once.
      states: saved.states,
    };
  }

  private timeoutOf(state: string): number {
    return this.definition.States[state]?.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
  }

  private library(): Promise<Library> {
    ensurePromiseWithResolvers();
    return import('aws-local-stepfunctions');
  }

  /** The state machine for runs from the start, its definition validated on first use (once per process and definition). */
  private validated(): Promise<Machine> {
    if (this.machine) return this.machine;
    const key = JSON.stringify(this.definition);
    let machine = VALIDATED.get(key);
    if (!machine) {
      machine = this.library().then(({ StateMachine }) => new StateMachine(plainCopy(this.definition) as never, { validationOptions: { checkArn: false } }));
      VALIDATED.set(key, machine);
      machine.catch(() => VALIDATED.delete(key));
    }
    this.machine = machine;
    return machine;
  }

  /** The machine for runs resumed at `state`: the validated definition starting there (its earlier states unreachable). */
  private startingAt(state: string): Promise<Machine> {
    let machine = this.resumedMachines.get(state);
    if (!machine) {
      machine = this.validated().then(async () => {
        const { StateMachine } = await this.library();
        return new StateMachine({ ...(plainCopy(this.definition) as Definition), StartAt: state } as never, { validationOptions: { noValidate: true } });
      });
      this.resumedMachines.set(state, machine);
    }
    return machine;
  }

  private take(taskToken: string): Parked {
    const parked = this.parked.get(taskToken);
    if (!parked) throw new TaskTokenError('Task Token does not exist or has already been used');
    this.parked.delete(taskToken);
    clearTimeout(parked.timer);
    return parked;
  }

  /** Keeps the answer with the execution before SendTask* returns: a restart continues with it. */
  private answer(parked: Parked, answer: NonNullable<SavedExecution['answer']>): void {
    const { saved } = parked;
    saved.answer = answer;
    // Answered while its function was still running: the wait counts as begun.
    saved.waiting ??= { state: parked.state, deadline: new Date(parked.deadline).toISOString() };
    this.journal?.put(saved);
    this.commit();
  }

  /** Writes what is pending now (a failure is logged: the execution carries on, as it would have before). */
  private commit(): void {
    try {
      this.journal?.commit();
    } catch (error) {
      this.options.log?.(`could not save the executions in progress to ${this.options.journalFile}: ${(error as Error).message}`);
    }
  }

  /** The execution waits for its token until the deadline (a timer, the only thing it holds besides what is saved). */
  private hold(saved: SavedExecution, record: ExecutionRecord, state: string, deadline: number, live?: Parked['live']): Parked {
    const { taskToken } = saved;
    const parked: Parked = { saved, record, state, deadline, timer: undefined as never, ...(live ? { live } : {}) };
    // The token is forgotten at the deadline, so a late SendTaskSuccess gets TaskDoesNotExist.
    parked.timer = setTimeout(() => {
      if (this.parked.get(taskToken) !== parked) return;
      this.parked.delete(taskToken);
      if (parked.live) parked.live.reject(timedOut());
      else this.launch(saved, record, { resumed: true, timedOut: true });
    }, Math.max(0, deadline - Date.now()));
    this.parked.set(taskToken, parked);
    return parked;
  }

  private launch(saved: SavedExecution, record: ExecutionRecord, how: Launch): void {
    this.executions.set(saved.executionArn, record);
    const run: Run = { abort: () => undefined, done: Promise.resolve(), released: false };
    this.runs.set(saved.executionArn, run);
    run.done = this.run(record, saved, how, run);
  }

  private async run(record: ExecutionRecord, saved: SavedExecution, how: Launch, run: Run): Promise<void> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task' || !state.Resource) continue;
      if (state.Retry && this.options.retryDelayMs !== undefined) retryIntervalOverrides[stateName] = this.options.retryDelayMs;
      const waits = state.Resource.endsWith('.waitForTaskToken');
      handlers[stateName] = async (input) => {
        const { FunctionName, Payload } = input as { FunctionName?: string; Payload?: unknown };
        const fn = String(FunctionName ?? '').replace(FUNCTION_PREFIX, '');
        if (!waits) {
          const result = await this.options.invoke(fn, Payload ?? {});
          return { ExecutedVersion: '$LATEST', Payload: (result ?? null) as never, StatusCode: 200 };
        }
        return this.park(record, saved, run, stateName, fn, Payload ?? {}, how);
      };
    }
    // The definition is validated once (validation compiles JSON schemas: milliseconds and a megabyte
    // each time); a resumed run starts mid-way, from a copy whose earlier states are unreachable.
    const machine = await (how.resumed ? this.startingAt(saved.state.name) : this.validated());
    const execution = machine.run(plainCopy(how.resumed ? saved.state.input : saved.input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: { Task: { Token: saved.taskToken }, Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate } },
      noThrowOnAbort: true,
    });
    run.abort = () => execution.abort();
    // Stopped while this run was still loading: it ends here, kept for the next start.
    if (this.stopping) execution.abort();
    // A resumed run enters the state it was in again: already listed, already saved.
    let again = how.resumed;
    const seen = (async () => {
      for await (const event of execution.eventLogs as AsyncIterable<{ type: string; state?: { name: string; input: unknown } }>) {
        if (event.type !== 'StateEntered' || !event.state || this.stopping || run.released) continue;
        if (again) {
          again = false;
          continue;
        }
        record.states.push(event.state.name);
        saved.state = { name: event.state.name, input: event.state.input };
        if ((saved.waiting || saved.answer) && saved.waiting?.state !== event.state.name) {
          delete saved.waiting;
          delete saved.answer;
        }
        this.journal?.put(saved);
      }
    })().catch(() => undefined);
    let failure: { error: string; cause?: string } | undefined;
    let output: unknown;
    try {
      output = await execution.result;
    } catch (error) {
      failure = unwrapExecutionError(error);
    }
    await seen;
    if (this.runs.get(record.executionArn) === run) this.runs.delete(record.executionArn);
    // Parked: the answer or the deadline continues it.
    if (run.released) return;
    if (failure) {
      record.status = failure.error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
      record.error = failure.error;
      if (failure.cause !== undefined) record.cause = failure.cause;
      this.options.log?.(`order lifecycle ${record.name}: ${record.status} ${failure.error}${failure.cause ? ` (${failure.cause})` : ''}`);
    } else if (this.stopping) {
      record.status = 'ABORTED';
    } else {
      record.status = 'SUCCEEDED';
      record.output = output;
    }
    record.stopDate = new Date().toISOString();
    // Kept on Ctrl-C, so the next start resumes it; gone once the execution has ended.
    if (!this.stopping) this.journal?.end(saved.name);
    this.settled(record);
  }

  private settled(record: ExecutionRecord): void {
    const waiter = this.finished.get(record.executionArn);
    this.finished.delete(record.executionArn);
    waiter?.resolve();
    if (this.stopping) return;
    this.ended.push(record.executionArn);
    if (this.ended.length > (this.options.keptFinished ?? DEFAULT_KEPT_FINISHED)) this.executions.delete(this.ended.shift()!);
  }

  /**
   * A `.waitForTaskToken` task: runs its function, then parks the execution (the run is let go) until
   * the token's answer or the deadline, when the wait fails with States.Timeout as in AWS. Entered
   * again after its function ran (an answer arrived, the deadline passed, or a restart), it ends at
   * once with the answer or the timeout.
   */
  private async park(record: ExecutionRecord, saved: SavedExecution, run: Run, stateName: string, fn: string, payload: unknown, how: Launch): Promise<unknown> {
    const { taskToken } = saved;
    const wait = saved.waiting?.state === stateName ? saved.waiting : undefined;
    if (wait) {
      const { answer } = saved;
      if (answer) {
        if ('output' in answer) return answer.output;
        throw named(answer.error, answer.cause);
      }
      const deadline = Date.parse(wait.deadline);
      if (how.timedOut || !(deadline > Date.now())) throw timedOut();
      // Resumed at its wait before the deadline: waits again, without this run.
      this.hold(saved, record, stateName, deadline);
      return this.release(run);
    }
    const deadline = Date.now() + this.timeoutOf(stateName) * 1000;
    // The token is valid from the moment the function may hand it out.
    let live!: NonNullable<Parked['live']>;
    const answered = new Promise<unknown>((resolve, reject) => (live = { resolve, reject }));
    answered.catch(() => undefined);
    const parked = this.hold(saved, record, stateName, deadline, live);
    try {
      await this.options.invoke(fn, payload);
    } catch (error) {
      // The wait did not begin (a retry enters it again, with a new deadline).
      if (this.parked.get(taskToken) === parked) this.parked.delete(taskToken);
      clearTimeout(parked.timer);
      throw error;
    }
    // Its StateEntered is recorded by now (the event log is read in the microtasks that follow it).
    if (saved.state.name !== stateName) await new Promise(setImmediate);
    // Answered, timed out or stopped while the function ran: this run carries on with it.
    if (this.parked.get(taskToken) !== parked || this.stopping) return answered;
    saved.waiting = { state: stateName, deadline: new Date(deadline).toISOString() };
    this.journal?.put(saved);
    delete parked.live;
    return this.release(run);
  }

  /** Lets a parked execution's run end: its result settles at once, and nothing of it stays referenced. */
  private release(run: Run): null {
    run.released = true;
    run.abort();
    return null;
  }
}

function unwrapExecutionError(error: unknown): { error: string; cause?: string } {
  const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
  const inner = e.cause ?? e;
  return { error: inner.name ?? 'Error', ...(inner.message ? { cause: inner.message } : {}) };
}

/**
 * A deep copy made of this realm's objects. The library recognises nested payload templates with a
 * plain-object check, which objects from another realm (structuredClone, JSON.parse under jest) fail.
 */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = plainCopy(inner);
    return copy;
  }
  return value;
}

/** aws-local-stepfunctions 3 uses Promise.withResolvers (Node.js 22, which package.json requires); supplied on an older Node. */
export function ensurePromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
