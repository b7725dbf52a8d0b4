/**
 * Test wiring for the functions: `Deps` with fakes (workflow, control, payments, clock, log),
 * API Gateway events for the three kinds of caller, and embedded DynamoDB (dynalite).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../../../functions/shared/deps';
import type { ApiEvent, ApiResult } from '../../../functions/shared/http';
import { applyMigrations } from '../../../functions/migrate/runner';
import { MIGRATIONS } from '../../../functions/migrate/migrations';
import { seedDemoMenu } from '../../../functions/migrate/seed';
import type { MenuDocument, MenuReadModel } from '../../../functions/menu/domain';
import { TaskTokenExpired, type ControlPort, type Log, type Maintenance, type PaymentProvider, type Traffic, type Workflow } from '../../../functions/shared/ports';
import type { Database } from '../../../functions/shared/sql';
import { WorkflowError } from '../../../functions/shared/errors';

export const ALICE = { sub: 'alice-sub', email: 'alice@example.com' };
export const BOB = { sub: 'bob-sub', email: 'bob@example.com' };
export const BARISTA = { sub: 'barista-sub', email: 'barista@example.com', 'cognito:groups': 'admin' };
export type Caller = 'anonymous' | 'customer' | 'other' | 'admin';
export const CLAIMS: Record<Caller, Record<string, unknown> | undefined> = { anonymous: undefined, customer: ALICE, other: BOB, admin: BARISTA };

export function apiEvent(
  method: string,
  resource: string,
  options: { params?: Record<string, string>; body?: unknown; rawBody?: string; claims?: Record<string, unknown>; query?: Record<string, string>; headers?: Record<string, string> } = {},
): ApiEvent {
  const params = options.params ?? {};
  const path = resource.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  return {
    resource,
    path,
    httpMethod: method,
    // A body is sent as JSON, as the storefront sends it, unless a test says otherwise.
    headers: { ...(options.body !== undefined || options.rawBody !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
    pathParameters: Object.keys(params).length ? params : null,
    queryStringParameters: options.query ?? null,
    body: options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body)),
    requestContext: { requestId: 'test-request', authorizer: options.claims ? { claims: options.claims } : null },
  };
}

export const bodyOf = <T = Record<string, unknown>>(result: ApiResult): T => (result.body ? JSON.parse(result.body) : undefined) as T;

export class MemoryLog implements Log {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  debug = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: 'debug', message, fields });
  info = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: 'info', message, fields });
  warn = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: 'warn', message, fields });
  error = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: 'error', message, fields });
  text = () => this.lines.map((l) => JSON.stringify(l)).join('\n');
}

/** Records starts; holds task tokens; answers success/failure like Step Functions would. */
export class FakeWorkflow implements Workflow {
  started: string[] = [];
  succeeded: { token: string; output: Record<string, unknown> }[] = [];
  failed: { token: string; error: string; cause: string }[] = [];
  live = new Set<string>();
  failStart = false;
  start = async (orderId: string) => {
    if (this.failStart) throw new Error('states unavailable');
    this.started.push(orderId);
  };
  sendTaskSuccess = async (token: string, output: Record<string, unknown>) => {
    if (!this.live.delete(token)) throw new TaskTokenExpired('unknown token');
    this.succeeded.push({ token, output });
  };
  sendTaskFailure = async (token: string, error: string, cause: string) => {
    if (!this.live.delete(token)) throw new TaskTokenExpired('unknown token');
    this.failed.push({ token, error, cause });
  };
}

export class FakeControl implements ControlPort {
  state: Maintenance = { writesPaused: false, retryAfterSeconds: 30 };
  trafficState: Traffic = {};
  maintenance = async () => this.state;
  traffic = async () => this.trafficState;
}

export class MemoryReadModel implements MenuReadModel {
  document?: MenuDocument;
  puts = 0;
  get = async () => this.document;
  put = async (document: MenuDocument) => {
    this.puts++;
    this.document = structuredClone(document);
  };
}

export class FakeProvider implements PaymentProvider {
  charges: { amountCents: number; reference: string; idempotencyKey: string }[] = [];
  captures: string[] = [];
  refunds: string[] = [];
  mode: 'approve' | 'decline' | 'down' = 'approve';
  authorise = async (request: { amountCents: number; currency: string; reference: string; idempotencyKey: string }) => {
    if (this.mode === 'down') throw new WorkflowError('PaymentProviderUnavailable', 'down');
    if (this.mode === 'decline') throw new WorkflowError('PaymentDeclined', 'declined');
    this.charges.push(request);
    return { authorisationId: `auth-${this.charges.length}`, status: 'authorised' as const, amountCents: request.amountCents, currency: request.currency };
  };
  capture = async (request: { authorisationId: string }) => {
    this.captures.push(request.authorisationId);
    return { status: 'captured' as const };
  };
  refund = async (request: { authorisationId: string }) => {
    this.refunds.push(request.authorisationId);
    return { status: 'refunded' as const };
  };
}

export class FixedClock {
  constructor(public current = new Date('2026-11-25T09:00:00.000Z')) {}
  now = () => new Date(this.current);
}

export interface TestDeps extends Deps {
  workflowFake: FakeWorkflow;
  controlFake: FakeControl;
  provider: FakeProvider;
  memoryLog: MemoryLog;
  readModel: MemoryReadModel;
  clockFake: FixedClock;
}

export function testDeps(db: Database, overrides: Partial<Deps> = {}): TestDeps {
  const workflowFake = new FakeWorkflow();
  const controlFake = new FakeControl();
  const provider = new FakeProvider();
  const memoryLog = new MemoryLog();
  const clockFake = new FixedClock();
  return {
    db,
    reader: db,
    dynamodb: new DynamoDBClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    tables: { menu: 'menu', carts: 'carts', idempotency: 'idempotency', control: 'control' },
    control: controlFake,
    workflow: workflowFake,
    payments: provider,
    clock: clockFake,
    log: memoryLog,
    region: 'eu-west-1',
    role: 'primary',
    workflowFake,
    controlFake,
    provider,
    memoryLog,
    readModel: new MemoryReadModel(),
    clockFake,
    ...overrides,
  };
}

/** A migrated database with the demonstration menu. */
export async function prepare(db: Database): Promise<Database> {
  await applyMigrations(db, MIGRATIONS);
  await seedDemoMenu(db);
  return db;
}

/** Embedded DynamoDB on 127.0.0.1 with the café's tables (key schemas as in templates/data.yaml). */
export async function startDynalite(): Promise<{ client: DynamoDBClient; endpoint: string; stop(): Promise<void> }> {
  const dynalite = require('dynalite') as (options: object) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  for (const [name, key] of [['menu', 'pk'], ['carts', 'pk'], ['idempotency', 'id'], ['control', 'pk']] as const) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      }),
    );
  }
  return {
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let tables = 0;
/** A new, empty idempotency table (key `id`, as in templates/data.yaml), so no test sees another's records. */
export async function freshIdempotencyTable(client: DynamoDBClient): Promise<string> {
  const name = `idempotency-${process.pid}-${++tables}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  return name;
}

/** A pickup time 15 minutes after the fixed clock. */
export const PICKUP = '2026-11-25T09:15:00.000Z';
