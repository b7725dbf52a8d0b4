/**
 * The local adapters handed to each function's composition root, `createHandler(deps)`: the
 * same adapter code the functions use in AWS (DynamoDB client, control table, HTTP payment
 * provider), pointed at the local services, and the local Workflow adapter
 * (functions/shared/local/workflow.ts) over the local state-machine runner. The types here mirror
 * the functions' own (functions/shared/deps.ts) structurally, because the CLI is compiled apart
 * from the functions; test/lib/dev/wiring.test.ts checks they still agree.
 */

export interface SqlDatabase {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
  transaction<T>(fn: (tx: { query: SqlDatabase['query'] }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type LocalDatabase = { kind: 'embedded' | 'server'; db: SqlDatabase };

export interface PaymentSandbox {
  url: string;
  apiKey: string;
  mode: 'approve' | 'decline' | 'down' | 'slow';
  calls: { path: string; status: number }[];
  /** Authorisations by id (journalled in the data folder by the local café, so they survive a crash). */
  authorisations: Map<string, unknown>;
  close(): Promise<void>;
}

/** What the generated bundle exports (see platform.ts). */
export interface CafeBundle {
  functions: Record<string, { createHandler?: (deps: never) => unknown }>;
  connectPg(options: { connectionString: string }): Promise<SqlDatabase>;
  dynamoControl(dynamodb: unknown, table: string): unknown;
  httpPaymentProvider(options: { baseUrl: string; apiKey: (refresh: boolean) => Promise<string> }): unknown;
  localWorkflow(executions: LocalExecutions): unknown;
  systemClock: { now(): Date };
  startPaymentSandbox(options: { apiKey?: string; port?: number; journalFile?: string }): Promise<PaymentSandbox>;
  /** The one route matcher, shared with the functions' router (functions/shared/routes.ts). */
  matchRoute: import('./events').RouteMatcher;
}

/**
 * The Step Functions calls the functions' local Workflow adapter makes (functions/shared/local/workflow.ts),
 * answered by the local state machine (LocalStepFunctions).
 */
export interface LocalExecutions {
  startExecution(request: { name: string; input: string }): Promise<unknown>;
  sendTaskSuccess(request: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(request: { taskToken: string; error: string; cause: string }): Promise<void>;
}

export interface WireInputs {
  bundle: CafeBundle;
  fn: string;
  db: SqlDatabase;
  /** One DynamoDB client for every function (they would each have their own in Lambda; locally they share a process). */
  dynamodb: import('@aws-sdk/client-dynamodb').DynamoDBClient;
  tables: { menu: string; carts: string; idempotency: string; control: string };
  /** The local state machine the functions start executions on and answer task tokens to. */
  executions: LocalExecutions;
  sandbox: PaymentSandbox;
  region: string;
  log: (line: string) => void;
  /**
   * The local user pool (tokens.ts) whose ID tokens the API's authorizer verifies: its JWKS is handed to the
   * authorizer as its JWKS source, so the authorizer never fetches anything from the network.
   */
  identity: { userPoolId: string; clientId: string; jwks: () => unknown };
}

/** The Deps of one function (functions/shared/deps.ts), built from local services. */
export function wireDeps(inputs: WireInputs) {
  const { dynamodb } = inputs;
  return {
    db: inputs.db,
    reader: inputs.db,
    dynamodb,
    tables: inputs.tables,
    control: inputs.bundle.dynamoControl(dynamodb, inputs.tables.control),
    workflow: inputs.bundle.localWorkflow(inputs.executions),
    payments: inputs.bundle.httpPaymentProvider({ baseUrl: inputs.sandbox.url, apiKey: async () => inputs.sandbox.apiKey }),
    clock: inputs.bundle.systemClock,
    log: consoleLog(inputs.fn, inputs.log),
    region: inputs.region,
    role: 'primary',
    // The storefront is served from the same origin as the local API: no cross-origin callers.
    corsOrigins: [] as string[],
    identity: {
      userPoolId: inputs.identity.userPoolId,
      clientId: inputs.identity.clientId,
      jwksSource: { fetch: async (_uri: string) => new TextEncoder().encode(JSON.stringify(inputs.identity.jwks())).buffer as ArrayBuffer },
    },
  };
}

/** The functions' Log port as one line per entry on the dev console. */
export function consoleLog(fn: string, write: (line: string) => void) {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`[${fn}] ${level === 'info' ? '' : `${level}: `}${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`);
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}
