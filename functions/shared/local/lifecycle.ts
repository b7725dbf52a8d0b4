/**
 * The order-lifecycle state machine run in-process by aws-local-stepfunctions, with its task
 * states bound to handler functions instead of Lambda ARNs. The library has no task tokens, so the
 * `.waitForTaskToken` state is served here: the step's handler runs, then the state waits until
 * `sendTaskSuccess` / `sendTaskFailure` is called with the token (or the state's timeout fires).
 * It implements the Workflow port, so the same orders and admin code drive it as in AWS.
 */
import { randomUUID } from 'node:crypto';
import { TaskTokenExpired, type Workflow } from '../ports';

type Invoke = (payload: unknown) => Promise<unknown>;

export interface LocalLifecycleOptions {
  /** The ASL definition (templates/statemachines/order-lifecycle.asl.json), parsed. */
  definition: AslDefinition;
  /** Handler per function placeholder in the definition, e.g. { OrderWorkflowFunctionArn: ..., PaymentsFunctionArn: ... }. */
  functions: Record<string, Invoke>;
  /** TimeoutSeconds per state name, replacing the definition's (e.g. { WaitForBarista: 1 } in tests). */
  timeoutSeconds?: Record<string, number>;
  /** Pause between retries in ms (the definition's seconds-long back-off, unless set). */
  retryIntervalMs?: number;
  /** Called when an execution ends. */
  onEnd?: (orderId: string, outcome: ExecutionOutcome) => void;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}
interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: unknown; [key: string]: unknown };
  TimeoutSeconds?: number;
  Retry?: unknown[];
  [key: string]: unknown;
}

export interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  /** States entered, in order. */
  states: string[];
}

export interface LocalLifecycle extends Workflow {
  /** Resolves when the execution of this order ends. */
  outcome(orderId: string): Promise<ExecutionOutcome>;
  /** Task tokens currently waited for, by order id. */
  waiting(): Map<string, string>;
  /** Stops every running execution. */
  stop(): void;
}

class TaskFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const placeholder = (functionName: string | undefined) => /^\$\{(.+)\}$/.exec(functionName ?? '')?.[1];

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

/** aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); supply it on Node 20. */
function ensureWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = () => {
    let resolve!: (value: unknown) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export async function localLifecycle(options: LocalLifecycleOptions): Promise<LocalLifecycle> {
  ensureWithResolvers();
  const { StateMachine } = await import('aws-local-stepfunctions');
  const definition = plainCopy(options.definition) as AslDefinition;
  const tokenStates = new Set<string>();
  for (const [name, state] of Object.entries(definition.States)) {
    if (options.timeoutSeconds?.[name] !== undefined) state.TimeoutSeconds = options.timeoutSeconds[name];
    if (state.Type !== 'Task') continue;
    if (state.Resource?.endsWith('.waitForTaskToken')) tokenStates.add(name);
    // The library invokes Lambda itself unless a local handler is given; keep the ARN check quiet.
    state.Resource = 'arn:aws:lambda:us-east-1:123456789012:function:local';
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });

  const pending = new Map<string, { orderId: string; resolve: (output: unknown) => void; reject: (error: Error) => void }>();
  const waitingTokens = new Map<string, string>();
  const outcomes = new Map<string, Promise<ExecutionOutcome>>();
  const aborts = new Set<() => void>();

  const handlers: Record<string, (input: { FunctionName?: string; Payload?: unknown }) => Promise<unknown>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(options.definition.States)) {
    if (state.Type !== 'Task') continue;
    const fn = placeholder(state.Parameters?.FunctionName);
    const invoke = fn ? options.functions[fn] : undefined;
    if (!invoke) throw new Error(`no local handler for state ${name} (${state.Parameters?.FunctionName ?? state.Resource})`);
    if (options.retryIntervalMs !== undefined) retryIntervalOverrides[name] = options.retryIntervalMs;
    handlers[name] = tokenStates.has(name)
      ? async (input) => {
          const payload = input.Payload as { taskToken?: string; orderId?: string };
          const token = payload.taskToken;
          if (!token) throw new TaskFailure('States.Runtime', `${name} has no task token in its payload`);
          const wait = new Promise<unknown>((resolve, reject) => pending.set(token, { orderId: String(payload.orderId), resolve, reject }));
          wait.catch(() => undefined);
          waitingTokens.set(String(payload.orderId), token);
          // The library times the state out on its own; forget the token at the same moment.
          const timeoutMs = (definition.States[name]!.TimeoutSeconds ?? 60) * 1000;
          const forget = () => {
            pending.delete(token);
            waitingTokens.delete(String(payload.orderId));
          };
          const timer = setTimeout(forget, timeoutMs);
          try {
            await invoke(input.Payload);
            return await wait;
          } finally {
            clearTimeout(timer);
            forget();
          }
        }
      : async (input) => ({ Payload: await invoke(input.Payload) });
  }

  const settle = (token: string, action: (entry: { resolve: (o: unknown) => void; reject: (e: Error) => void }) => void) => {
    const entry = pending.get(token);
    if (!entry) throw new TaskTokenExpired('task token is not waited for (timed out, finished or unknown)');
    pending.delete(token);
    action(entry);
  };

  return {
    start: async (orderId) => {
      if (outcomes.has(orderId)) return;
      const states: string[] = [];
      const execution = machine.run(
        { orderId },
        {
          overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
          context: { Task: { Token: `local-${randomUUID()}` } } as never,
          noThrowOnAbort: true,
        },
      );
      aborts.add(execution.abort);
      const logged = (async () => {
        for await (const event of execution.eventLogs) if (event.type === 'StateEntered') states.push(event.state.name);
      })().catch(() => undefined);
      const outcome = Promise.allSettled([execution.result, logged]).then(() => execution.result).then(
        (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output, states }),
        (error: Error & { cause?: Error & { cause?: string } }): ExecutionOutcome => ({
          status: 'FAILED',
          error: error.cause?.name ?? error.name,
          cause: error.cause?.message ?? error.message,
          states,
        }),
      );
      outcomes.set(
        orderId,
        outcome.then((o) => {
          aborts.delete(execution.abort);
          options.onEnd?.(orderId, o);
          return o;
        }),
      );
    },
    sendTaskSuccess: async (token, output) => settle(token, (entry) => entry.resolve(output)),
    sendTaskFailure: async (token, error, cause) => settle(token, (entry) => entry.reject(new TaskFailure(error, cause))),
    outcome: (orderId) => {
      const outcome = outcomes.get(orderId);
      if (!outcome) return Promise.reject(new Error(`no execution for order ${orderId}`));
      return outcome;
    },
    waiting: () => new Map(waitingTokens),
    stop: () => {
      for (const abort of aborts) abort();
      aborts.clear();
    },
  };
}
