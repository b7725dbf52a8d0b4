import { createHandler } from '../../functions/order-workflow/handler';
import { WorkflowError } from '../../functions/shared/errors';
import { silentLog } from '../../functions/shared/ports';
import type { Database } from '../../functions/shared/sql';
import { isTransientError, NETWORK_ERROR_CODES } from '../../functions/shared/transient';
import { NETWORK_ERROR_CODES as CLI_NETWORK_ERROR_CODES } from '../../src/lib/aws/transient';
import { translateAwsError } from '../../src/lib/aws/errors';
import { EnvironmentError } from '../../src/lib/errors';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FakeControl, MemoryReadModel } from './support/harness';

// The workflow's read model is not reached by these steps: a client that is never called.
const dynamo = {} as DynamoDBClient;
const tables = { menu: 'menu', carts: 'carts', idempotency: 'idempotency', control: 'control' };

const ORDER = '0b5f3a52-5b83-4e8a-9d35-3f8f3d3f2a11';

function recordingDb() {
  const statements: string[] = [];
  const db: Database = {
    query: async <T>(text: string) => {
      statements.push(text);
      return { rows: [] as T[], rowCount: 1 };
    },
    transaction: async (fn) => fn(db),
    close: async () => undefined,
  };
  return { db, statements };
}

describe('the order workflow honours the write pause', () => {
  it('refuses every step that writes with WritesPaused while paused, writing nothing; writes again once resumed', async () => {
    const control = new FakeControl();
    const { db, statements } = recordingDb();
    const step = createHandler({ db, control, dynamodb: dynamo, tables, readModel: new MemoryReadModel(), clock: { now: () => new Date('2026-11-25T09:00:00Z') }, log: silentLog });
    control.state = { writesPaused: true, retryAfterSeconds: 30, reason: 'failover drill d-1' };
    for (const event of [
      { action: 'awaitBarista', orderId: ORDER, taskToken: 't' },
      { action: 'complete', orderId: ORDER },
      { action: 'cancel', orderId: ORDER },
      { action: 'fail', orderId: ORDER },
    ]) {
      await expect(step(event)).rejects.toMatchObject({ name: 'WritesPaused', message: expect.stringContaining('failover drill d-1') });
    }
    expect(statements).toEqual([]);
    control.state = { writesPaused: false, retryAfterSeconds: 30 };
    await expect(step({ action: 'complete', orderId: ORDER })).resolves.toEqual({ status: 'completed' });
    expect(statements).toHaveLength(1);
  });

  it('never writes when the pause cannot be read', async () => {
    const control = new FakeControl();
    control.maintenance = async () => Promise.reject(new Error('ResourceNotFoundException'));
    const { db, statements } = recordingDb();
    const step = createHandler({ db, control, dynamodb: dynamo, tables, readModel: new MemoryReadModel(), clock: { now: () => new Date() }, log: silentLog });
    await expect(step({ action: 'complete', orderId: ORDER })).rejects.toThrow('ResourceNotFoundException');
    expect(statements).toEqual([]);
    expect(new WorkflowError('WritesPaused', 'x').name).toBe('WritesPaused');
  });
});

describe('one list of transient errors, for the functions and the CLI', () => {
  it.each([
    ['a read-only writer mid-switch', { code: '25006' }],
    ['the server shutting down', { code: '57P01' }],
    ['a connection that does not exist', { code: '08003' }],
    ['a serialization failure', { code: '40001' }],
    ['a refused connection', { code: 'ECONNREFUSED' }],
    ['a DNS hiccup', { code: 'EAI_AGAIN' }],
    ['pg losing its connection', { message: 'Connection terminated unexpectedly' }],
  ])('%s is transient', (_what, error: { code?: string; message?: string }) => expect(isTransientError(Object.assign(new Error(error.message ?? 'x'), error))).toBe(true));

  it.each([
    ['a missing table', { code: '42P01' }],
    ['a unique violation', { code: '23505' }],
    ['nothing', undefined],
  ])('%s is not', (_what, error) => expect(isTransientError(error && Object.assign(new Error('x'), error))).toBe(false));

  it('the CLI names the same network errors as unreachable endpoints', () => {
    for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'ETIMEDOUT']) expect(translateAwsError(Object.assign(new Error('x'), { code }))).toBeInstanceOf(EnvironmentError);
    expect(translateAwsError(Object.assign(new Error('x'), { code: '25006' }))).not.toBeInstanceOf(EnvironmentError);
  });
});

describe('the network errors of the functions and of the CLI', () => {
  it('are the same codes (the functions are bundled without src/, so each side keeps its copy)', () => {
    expect([...NETWORK_ERROR_CODES].sort()).toEqual([...CLI_NETWORK_ERROR_CODES].sort());
  });
});
