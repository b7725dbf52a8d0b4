/**
 * The order-lifecycle state machine, locally: the ASL file executed by aws-local-stepfunctions,
 * each `lambda:invoke` task bound to the local function it names (through the template's
 * DefinitionSubstitutions), and `.waitForTaskToken` tasks parked until SendTaskSuccess /
 * SendTaskFailure arrives with their token — as the barista's "advance" does in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

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

export class TaskTokenError extends Error {
  override readonly name = 'TaskDoesNotExist';
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
  /**
   * File that keeps executions parked on a task token, so a restart resumes them with the same
   * token (the one the order holds) instead of losing them.
   */
  stateFile?: string;
  log?: (line: string) => void;
}

/** An execution waiting on a task token, as kept across restarts. */
export interface ParkedExecution {
  executionArn: string;
  name: string;
  startDate: string;
  stateName: string;
  /** The state's input (what the execution carried when it entered the waiting state). */
  input: unknown;
  taskToken: string;
}

interface RunStart {
  startAt: string;
  input: unknown;
  taskToken: string;
  /** The waiting state's function already ran before the restart: only wait for the token. */
  resumed: boolean;
}

type Definition = { StartAt: string; States: Record<string, { Type: string; Resource?: string; Retry?: unknown[] }> } & Record<string, unknown>;

const FUNCTION_PREFIX = 'arn:aws:lambda:local:000000000000:function:';

export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void; executionArn: string }>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly definition: Definition;
  private stopping = false;
  private readonly parked = new Map<string, ParkedExecution>();
  private persisting: Promise<void> = Promise.resolve();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    let text = options.definition;
    for (const [key, fn] of Object.entries(options.substitutions)) text = text.split(`\${${key}}`).join(`${FUNCTION_PREFIX}${fn}`);
    const unresolved = /\$\{([A-Za-z0-9]+)\}/.exec(text);
    if (unresolved) throw new Error(`state machine definition: no local value for \${${unresolved[1]}}`);
    this.definition = JSON.parse(text) as Definition;
  }

  /** StartExecution: runs in the background; returns at once like the API. */
  async startExecution(request: { input?: string | unknown; name?: string }): Promise<{ executionArn: string; startDate: Date }> {
    const name = request.name ?? randomUUID();
    const executionArn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) throw Object.assign(new Error(`execution ${name} already exists`), { name: 'ExecutionAlreadyExists' });
    const input = typeof request.input === 'string' ? JSON.parse(request.input) : (request.input ?? {});
    const startDate = new Date();
    const record: ExecutionRecord = { executionArn, name, status: 'RUNNING', input, startDate: startDate.toISOString(), states: [] };
    this.executions.set(executionArn, record);
    const done = this.run(record);
    this.running.set(executionArn, { abort: () => undefined, done });
    return { executionArn, startDate };
  }

  async sendTaskSuccess(request: { taskToken: string; output: string | unknown }): Promise<void> {
    const waiter = this.take(request.taskToken);
    waiter.resolve(typeof request.output === 'string' ? JSON.parse(request.output) : request.output);
  }

  async sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    const waiter = this.take(request.taskToken);
    waiter.reject(Object.assign(new Error(request.cause ?? ''), { name: request.error ?? 'States.TaskFailed' }));
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

  /** Stops every running execution (Ctrl-C). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.running.values()) run.abort();
    // Settle parked tasks too, so nothing keeps their timeout timers (an hour for the barista) alive.
    for (const [token, waiter] of this.waiting) {
      this.waiting.delete(token);
      waiter.reject(Object.assign(new Error('local run stopped'), { name: 'States.Runtime' }));
    }
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private take(taskToken: string) {
    const waiter = this.waiting.get(taskToken);
    if (!waiter) throw new TaskTokenError('Task Token does not exist or has already been used');
    this.waiting.delete(taskToken);
    return waiter;
  }

  /** Resumes the executions a previous run left waiting on a task token (see stateFile). */
  async resumeParked(): Promise<ExecutionRecord[]> {
    if (!this.options.stateFile) return [];
    let saved: ParkedExecution[];
    try {
      saved = JSON.parse(await readFile(this.options.stateFile, 'utf8')) as ParkedExecution[];
    } catch {
      return [];
    }
    const resumed: ExecutionRecord[] = [];
    for (const p of saved) {
      if (this.executions.has(p.executionArn) || !this.definition.States[p.stateName]) continue;
      const record: ExecutionRecord = { executionArn: p.executionArn, name: p.name, status: 'RUNNING', input: p.input, startDate: p.startDate, states: [] };
      this.executions.set(p.executionArn, record);
      this.parked.set(p.taskToken, p);
      const done = this.run(record, { startAt: p.stateName, input: p.input, taskToken: p.taskToken, resumed: true });
      this.running.set(p.executionArn, { abort: () => undefined, done });
      resumed.push(record);
    }
    return resumed;
  }

  private persist(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const snapshot = JSON.stringify([...this.parked.values()], null, 2);
    this.persisting = this.persisting.then(() => writeFile(file, snapshot)).catch((error: Error) => this.options.log?.(`could not save waiting executions: ${error.message}`));
  }

  /** Waits until the parked executions are written. */
  async flush(): Promise<void> {
    await this.persisting;
  }

  private async run(record: ExecutionRecord, start?: RunStart): Promise<void> {
    ensurePromiseWithResolvers();
    const { StateMachine } = await import('aws-local-stepfunctions');
    const taskToken = start?.taskToken ?? randomBytes(48).toString('base64url');
    let resumeWait = start?.resumed ?? false;
    let current: { name: string; input: unknown } = { name: start?.startAt ?? String(this.definition.StartAt), input: start?.input ?? record.input };
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task' || !state.Resource) continue;
      if (state.Retry && this.options.retryDelayMs !== undefined) retryIntervalOverrides[stateName] = this.options.retryDelayMs;
      const waits = state.Resource.endsWith('.waitForTaskToken');
      if (!/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(state.Resource)) {
        throw new Error(`state ${stateName}: only lambda:invoke tasks run locally (resource ${state.Resource})`);
      }
      handlers[stateName] = async (input) => {
        const { FunctionName, Payload } = input as { FunctionName?: string; Payload?: unknown };
        const fn = String(FunctionName ?? '').replace(FUNCTION_PREFIX, '');
        if (!waits) {
          const result = await this.options.invoke(fn, Payload ?? {});
          return { ExecutedVersion: '$LATEST', Payload: (result ?? null) as never, StatusCode: 200 };
        }
        const parked = new Promise<unknown>((resolve, reject) => this.waiting.set(taskToken, { resolve, reject, executionArn: record.executionArn }));
        parked.catch(() => undefined);
        try {
          if (!resumeWait) await this.options.invoke(fn, Payload ?? {});
          resumeWait = false;
        } catch (error) {
          this.waiting.delete(taskToken);
          throw error;
        }
        // The event log has reported this state's entry by now (the function call above took a turn of I/O at least).
        await new Promise((r) => setImmediate(r));
        const stateInput = current.name === stateName ? current.input : undefined;
        this.parked.set(taskToken, { executionArn: record.executionArn, name: record.name, startDate: record.startDate, stateName, input: stateInput, taskToken });
        this.persist();
        try {
          return (await parked) as never;
        } finally {
          // Kept on Ctrl-C, so the next start resumes the wait; gone once the token is used or times out.
          if (!this.stopping) {
            this.parked.delete(taskToken);
            this.persist();
          }
        }
      };
    }
    const definition = start ? { ...this.definition, StartAt: start.startAt } : this.definition;
    // A resumed run starts mid-way, so the states before it are unreachable: it was validated when first run.
    const machine = new StateMachine(definition as never, { validationOptions: start ? { noValidate: true } : { checkArn: false } });
    const execution = machine.run((start?.input ?? record.input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: { Task: { Token: taskToken }, Execution: { Id: record.executionArn, Name: record.name } },
      noThrowOnAbort: true,
    });
    const entry = this.running.get(record.executionArn);
    if (entry) entry.abort = () => execution.abort();
    const seen = (async () => {
      for await (const event of execution.eventLogs as AsyncIterable<{ type: string; state?: { name: string; input: unknown } }>) {
        if (event.type === 'StateEntered' && event.state) {
          record.states.push(event.state.name);
          current = { name: event.state.name, input: event.state.input };
        }
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
    }
  }
}

function unwrapExecutionError(error: unknown): { error: string; cause?: string } {
  const e = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
  const inner = e.cause ?? e;
  return { error: inner.name ?? 'Error', ...(inner.message ? { cause: inner.message } : {}) };
}

/** aws-local-stepfunctions 3 uses Promise.withResolvers, which Node.js has from version 22 only. */
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
