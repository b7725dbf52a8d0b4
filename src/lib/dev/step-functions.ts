/**
 * The one local runner of the order-lifecycle state machine, used by `cafe-ops dev` and by the
 * tests: the ASL file executed by aws-local-stepfunctions, each `lambda:invoke` task bound to the
 * local function it names (through the template's DefinitionSubstitutions), and
 * `.waitForTaskToken` tasks parked until SendTaskSuccess / SendTaskFailure arrives with their
 * token — as the barista's "advance" does in AWS. It answers the three Step Functions calls the
 * functions make, with AWS's errors; functions/shared/local/workflow.ts is the functions' Workflow
 * port over it, as functions/shared/workflow.ts is over the SDK.
 *
 * Durable when given a `stateDir`: every execution in flight is saved after each state transition
 * (one small file per execution, so a transition costs the same however many are in flight), and
 * `resume()` enters each one again at the state it was in, with its input, its task token and the
 * deadline its wait had. A task state entered again runs its function again, as a Step Functions
 * retry would: the steps are idempotent (payments by idempotency key, order steps by status).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

/** A saved execution that cannot be read at resume: the file and what is wrong with it. */
export class SavedExecutionError extends Error {
  override readonly name = 'SavedExecutionError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be read (${reason})`);
  }
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
   * Folder that keeps every execution in flight (one JSON file each), so a restart — after a
   * clean stop or a crash — resumes them where they were instead of losing them.
   */
  stateDir?: string;
  log?: (line: string) => void;
}

/** An execution in flight, as saved after each state transition. */
export interface SavedExecution {
  executionArn: string;
  name: string;
  startDate: string;
  /** The execution's input. */
  input: unknown;
  /** The execution's task token (the one an order waiting for the barista holds). */
  taskToken: string;
  states: string[];
  /** The state it is in, with that state's input: a restart enters it again. */
  state: { name: string; input: unknown };
  /** Set once a task-token state's function has run: a restart only waits for the token, until the same deadline. */
  waiting?: { state: string; deadline: string };
  /**
   * The answer to the token (SendTaskSuccess's output or SendTaskFailure's error), saved before the
   * call returns: a restart continues with it instead of waiting for an answer already given.
   */
  answer?: { output: unknown } | { error: string; cause: string };
}

/** What a previous release kept (executions.json: only the executions waiting on a token). */
interface LegacyParkedExecution {
  executionArn: string;
  name: string;
  startDate: string;
  stateName: string;
  input: unknown;
  taskToken: string;
}

type StateDefinition = { Type: string; Resource?: string; Retry?: unknown[]; TimeoutSeconds?: number };
type Definition = { StartAt: string; States: Record<string, StateDefinition> } & Record<string, unknown>;
/** The library's StateMachine (an ES module, loaded on first use). */
type Machine = InstanceType<typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } }).StateMachine>;
type Waiter = { resolve: (output: unknown) => void; reject: (error: Error) => void; executionArn: string; saved: SavedExecution };

/** Validated state machines by definition: validation compiles JSON schemas, once is enough. */
const VALIDATED = new Map<string, Promise<Machine>>();

const FUNCTION_PREFIX = 'arn:aws:lambda:local:000000000000:function:';
/** The library's default for a Task state without TimeoutSeconds. */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly waiting = new Map<string, Waiter>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly definition: Definition;
  private stopping = false;
  /** Pending writes per execution, in order: the last one written wins. */
  private readonly writes = new Map<string, Promise<boolean>>();
  private dirReady: Promise<void> | undefined;
  private machine: Promise<Machine> | undefined;

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
    if (!(await this.save(saved))) throw named('States.Runtime', `execution ${name} could not be kept in ${this.options.stateDir}`);
    this.launch(saved, false);
    return { executionArn, startDate };
  }

  /** SendTaskSuccess: the answer is kept before the call returns, so a crash right after it does not undo it. */
  async sendTaskSuccess(request: { taskToken: string; output: string | unknown }): Promise<void> {
    const waiter = this.take(request.taskToken);
    const output = typeof request.output === 'string' ? JSON.parse(request.output) : request.output;
    waiter.saved.answer = { output };
    await this.save(waiter.saved);
    waiter.resolve(output);
  }

  async sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    const waiter = this.take(request.taskToken);
    const answer = { error: request.error ?? 'States.TaskFailed', cause: request.cause ?? '' };
    waiter.saved.answer = answer;
    await this.save(waiter.saved);
    waiter.reject(named(answer.error, answer.cause));
  }

  describeExecution(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  listExecutions(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** Resolves when an execution has stopped (or at once if it has). */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    const record = this.executions.get(executionArn);
    if (!record) throw new Error(`no execution ${executionArn}`);
    return record;
  }

  /** Task tokens currently waiting, by execution. */
  pendingTokens(): { taskToken: string; executionArn: string }[] {
    return [...this.waiting.entries()].map(([taskToken, w]) => ({ taskToken, executionArn: w.executionArn }));
  }

  /** Stops every running execution (Ctrl-C); what is in flight stays saved for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.running.values()) run.abort();
    // Settle parked tasks too, so nothing keeps their timeout timers (an hour for the barista) alive.
    for (const [token, waiter] of this.waiting) {
      this.waiting.delete(token);
      waiter.reject(named('States.Runtime', 'local run stopped'));
    }
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Waits until every saved transition is written. */
  async flush(): Promise<void> {
    while (this.writes.size) await Promise.all([...this.writes.values()]);
  }

  /** Resumes the executions a previous run left in flight (see stateDir), each at the state it was in. */
  async resume(): Promise<ExecutionRecord[]> {
    // Validated now rather than on the first order (an invalid definition stops the start).
    await this.validated();
    const dir = this.options.stateDir;
    if (!dir) return [];
    const saved = [...(await this.readLegacy(dir)), ...(await this.readSaved(dir))];
    const resumed: ExecutionRecord[] = [];
    for (const execution of saved) {
      if (this.executions.has(execution.executionArn)) continue;
      if (!this.definition.States[execution.state.name]) {
        this.options.log?.(`order lifecycle ${execution.name}: state ${execution.state.name} is no longer in the definition; not resumed (${this.fileOf(execution.name)})`);
        continue;
      }
      resumed.push(this.launch(execution, true));
    }
    return resumed;
  }

  /** The state machine for runs from the start, its definition validated on first use (once per process and definition). */
  private validated(): Promise<Machine> {
    if (this.machine) return this.machine;
    const key = JSON.stringify(this.definition);
    let machine = VALIDATED.get(key);
    if (!machine) {
      machine = import('aws-local-stepfunctions').then(({ StateMachine }) => new StateMachine(plainCopy(this.definition) as never, { validationOptions: { checkArn: false } }));
      VALIDATED.set(key, machine);
      machine.catch(() => VALIDATED.delete(key));
    }
    this.machine = machine;
    return machine;
  }

  private take(taskToken: string): Waiter {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) throw new TaskTokenError('Task Token does not exist or has already been used');
    this.waiting.delete(taskToken);
    return waiter;
  }

  private launch(saved: SavedExecution, resumed: boolean): ExecutionRecord {
    const record: ExecutionRecord = {
      executionArn: saved.executionArn,
      name: saved.name,
      status: 'RUNNING',
      input: saved.input,
      startDate: saved.startDate,
      // The state it was in is entered again, and listed again when it is.
      states: resumed ? saved.states.slice(0, -1) : [],
    };
    this.executions.set(saved.executionArn, record);
    const entry = { abort: () => undefined as void, done: Promise.resolve() };
    this.running.set(saved.executionArn, entry);
    entry.done = this.run(record, saved, resumed, entry);
    return record;
  }

  private async run(record: ExecutionRecord, saved: SavedExecution, resumed: boolean, entry: { abort: () => void }): Promise<void> {
    ensurePromiseWithResolvers();
    const { StateMachine } = await import('aws-local-stepfunctions');
    const { taskToken } = saved;
    const definition = resumed ? (plainCopy(this.definition) as Definition) : this.definition;
    if (resumed) definition.StartAt = saved.state.name;
    const resumedWait = resumed && saved.waiting?.state === saved.state.name ? saved.waiting : undefined;
    if (resumedWait) {
      // The wait keeps the deadline it had before the restart (the library times out from the state's entry).
      definition.States[resumedWait.state]!.TimeoutSeconds = Math.max(1, Date.parse(resumedWait.deadline) - Date.now()) / 1000;
    }
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(definition.States)) {
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
        return this.park(record, saved, stateName, fn, Payload ?? {}, resumedWait?.state === stateName ? Date.parse(resumedWait.deadline) : undefined);
      };
    }
    // The definition is validated once (validation compiles JSON schemas: milliseconds and a megabyte
    // each time); a resumed run starts mid-way, from a copy whose earlier states are unreachable.
    const machine = resumed ? new StateMachine(definition as never, { validationOptions: { noValidate: true } }) : await this.validated();
    const execution = machine.run(plainCopy(resumed ? saved.state.input : saved.input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: { Task: { Token: taskToken }, Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate } },
      noThrowOnAbort: true,
    });
    entry.abort = () => execution.abort();
    // Stopped while this run was still loading: it ends here, kept for the next start.
    if (this.stopping) execution.abort();
    const seen = (async () => {
      for await (const event of execution.eventLogs as AsyncIterable<{ type: string; state?: { name: string; input: unknown } }>) {
        if (event.type !== 'StateEntered' || !event.state || this.stopping) continue;
        record.states.push(event.state.name);
        saved.states = [...record.states];
        saved.state = { name: event.state.name, input: event.state.input };
        if (saved.waiting && saved.waiting.state !== event.state.name) {
          delete saved.waiting;
          delete saved.answer;
        }
        this.save(saved);
      }
    })().catch(() => undefined);
    try {
      const output = await execution.result;
      if (this.stopping) {
        record.status = 'ABORTED';
      } else {
        record.status = 'SUCCEEDED';
        record.output = output;
      }
    } catch (error) {
      const failure = unwrapExecutionError(error);
      record.status = failure.error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
      record.error = failure.error;
      record.cause = failure.cause;
      this.options.log?.(`order lifecycle ${record.name}: ${record.status} ${failure.error}${failure.cause ? ` (${failure.cause})` : ''}`);
    } finally {
      record.stopDate = new Date().toISOString();
      for (const [token, w] of this.waiting) if (w.executionArn === record.executionArn) this.waiting.delete(token);
      await seen;
      // Kept on Ctrl-C, so the next start resumes it; gone once the execution has ended.
      if (!this.stopping) this.forget(saved.name);
    }
  }

  /**
   * A `.waitForTaskToken` task: runs its function (unless it ran before a restart), then waits for
   * the token until the deadline, when the wait fails with States.Timeout as in AWS.
   */
  private async park(record: ExecutionRecord, saved: SavedExecution, stateName: string, fn: string, payload: unknown, resumedDeadline: number | undefined): Promise<unknown> {
    const { taskToken } = saved;
    const deadline = resumedDeadline ?? Date.now() + (this.definition.States[stateName]!.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000;
    const { answer } = saved;
    if (resumedDeadline !== undefined && answer) {
      // Answered before the restart: carry on with that answer.
      if ('output' in answer) return answer.output;
      throw named(answer.error, answer.cause);
    }
    const parked = new Promise<unknown>((resolve, reject) => this.waiting.set(taskToken, { resolve, reject, executionArn: record.executionArn, saved }));
    parked.catch(() => undefined);
    // The token is forgotten at the deadline, so a late SendTaskSuccess gets TaskDoesNotExist.
    const timer = setTimeout(() => {
      const waiter = this.waiting.get(taskToken);
      this.waiting.delete(taskToken);
      waiter?.reject(named('States.Timeout', 'States.Timeout'));
    }, Math.max(0, deadline - Date.now()));
    try {
      if (resumedDeadline === undefined) await this.options.invoke(fn, payload);
      if (!this.stopping) {
        saved.waiting = { state: stateName, deadline: new Date(deadline).toISOString() };
        this.save(saved);
      }
      return await parked;
    } finally {
      clearTimeout(timer);
      if (this.waiting.get(taskToken)?.executionArn === record.executionArn) this.waiting.delete(taskToken);
    }
  }

  private fileOf(name: string): string {
    return join(this.options.stateDir!, `${encodeURIComponent(name)}.json`);
  }

  /** Writes one execution's file (a temporary file renamed over it, so a crash never leaves half a file). */
  private save(saved: SavedExecution): Promise<boolean> {
    if (!this.options.stateDir) return Promise.resolve(true);
    const file = this.fileOf(saved.name);
    const text = JSON.stringify(saved);
    return this.queue(saved.name, async () => {
      this.dirReady ??= mkdir(this.options.stateDir!, { recursive: true }).then(() => undefined);
      await this.dirReady;
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    });
  }

  private forget(name: string): void {
    if (!this.options.stateDir) return;
    this.queue(name, () => rm(this.fileOf(name), { force: true }));
  }

  /** Runs one execution's writes in order; resolves to whether this one was written. */
  private queue(name: string, write: () => Promise<void>): Promise<boolean> {
    const next = (this.writes.get(name) ?? Promise.resolve(true))
      .then(write)
      .then(
        () => true,
        (error: Error) => {
          this.options.log?.(`could not save the execution ${name}: ${error.message}`);
          return false;
        },
      );
    this.writes.set(name, next);
    void next.then(() => {
      if (this.writes.get(name) === next) this.writes.delete(name);
    });
    return next;
  }

  private async readSaved(dir: string): Promise<SavedExecution[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const saved: SavedExecution[] = [];
    // Files are complete or absent (written aside, then renamed): one that does not parse was damaged
    // outside this runner, and skipping it would leave its order waiting forever.
    for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(dir, file);
      let execution: SavedExecution;
      try {
        execution = JSON.parse(await readFile(path, 'utf8')) as SavedExecution;
      } catch (error) {
        throw new SavedExecutionError(path, (error as Error).message);
      }
      if (typeof execution?.name !== 'string' || typeof execution.state?.name !== 'string' || typeof execution.taskToken !== 'string') throw new SavedExecutionError(path, 'not a saved execution');
      saved.push(execution);
    }
    return saved;
  }

  /** Executions a previous release left waiting on a token (`<stateDir>.json`), taken over once. */
  private async readLegacy(dir: string): Promise<SavedExecution[]> {
    const file = `${dir}.json`;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return [];
    let parked: LegacyParkedExecution[];
    try {
      parked = JSON.parse(text) as LegacyParkedExecution[];
      if (!Array.isArray(parked)) throw new Error('not a list of executions');
    } catch (error) {
      throw new SavedExecutionError(file, (error as Error).message);
    }
    const saved = parked.map((p): SavedExecution => ({
      executionArn: p.executionArn,
      name: p.name,
      startDate: p.startDate,
      input: p.input,
      taskToken: p.taskToken,
      states: [p.stateName],
      state: { name: p.stateName, input: p.input },
      // That release kept no deadline: the wait starts over, as it did then.
      waiting: { state: p.stateName, deadline: new Date(Date.now() + (this.definition.States[p.stateName]?.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000).toISOString() },
    }));
    for (const execution of saved) void this.save(execution);
    await this.flush();
    await rm(file, { force: true });
    return saved;
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
