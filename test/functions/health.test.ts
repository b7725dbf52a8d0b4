import { createHandler, CHECK_TIMEOUT_MS, type HealthDeps } from '../../functions/health/handler';
import type { Database } from '../../functions/shared/sql';
import { apiEvent, bodyOf, FakeControl, MemoryLog } from './support/harness';

const hanging: Database = {
  query: () => new Promise(() => undefined),
  transaction: () => new Promise(() => undefined),
  close: async () => undefined,
};
const readOnly = (recovery: boolean): Database => ({ ...hanging, query: async <T>() => ({ rows: [{ recovery }] as T[], rowCount: 1 }) });
const failing = (error: Error & { code?: string }): Database => ({ ...hanging, query: async () => Promise.reject(error) });
const deps = (db: Database, more: Partial<Omit<HealthDeps, 'log'>> = {}): HealthDeps & { log: MemoryLog } => ({ db, reader: db, control: new FakeControl(), region: 'eu-central-1', role: 'secondary', log: new MemoryLog(), ...more });

describe('GET /health', () => {
  it('answers 503 within its deadline when the writer hangs', async () => {
    const started = Date.now();
    const result = await createHandler(deps(hanging))(apiEvent('GET', '/health'));
    const elapsed = Date.now() - started;
    expect(result.statusCode).toBe(503);
    expect(elapsed).toBeLessThan(CHECK_TIMEOUT_MS + 1000);
    expect(bodyOf(result)).toMatchObject({ status: 'unhealthy', region: 'eu-central-1', role: 'secondary', checks: { database: { ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }, dynamodb: { ok: true } } });
  });

  it('reports a reachable but read-only writer (a replica) as healthy and not writable', async () => {
    const result = await createHandler(deps(readOnly(true)))(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ checks: { database: { ok: true, writable: false } } });
  });

  it('answers an API Gateway event with a canary-looking body as /health, never as a canary action', async () => {
    const event = { ...apiEvent('GET', '/health'), action: 'canary-write', id: 'x' };
    const result = await createHandler(deps(readOnly(false)))(event);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'ok', checks: { database: { writable: true } } });
  });
});

describe('canary actions (direct invocation)', () => {
  const refused: [string, unknown, RegExp][] = [
    ['nothing', undefined, /^expected an API Gateway event or \{ action: 'canary-write', id \}/],
    ['an unknown action', { action: 'drop-tables' }, /^expected an API Gateway event or .*action/],
    ['a write without an id', { action: 'canary-write' }, /^id: /],
    ['an id with SQL in it', { action: 'canary-write', id: "x'; DROP TABLE drill_canary; --" }, /^id: must be 1-128 letters/],
    ['an empty list of ids', { action: 'canary-read', ids: [] }, /^ids: /],
    ['too many ids', { action: 'canary-read', ids: Array.from({ length: 21 }, (_, i) => `c${i}`) }, /^ids: /],
    ['an unexpected field', { action: 'canary-write', id: 'ok', sql: 'SELECT 1' }, /sql|unrecognized/i],
  ];
  it.each(refused)('refuses %s with a one-line error and touches no database', async (_name, payload, message) => {
    const queried: string[] = [];
    const db: Database = { ...hanging, query: async (text) => (queried.push(text), { rows: [], rowCount: 0 }) };
    const result = await createHandler(deps(db))(payload);
    expect(result).toEqual({ error: { code: 'invalid_request', message: expect.stringMatching(message), retryable: false } });
    expect((result as { error: { message: string } }).error.message).not.toContain('\n');
    expect(queried).toEqual([]);
  });

  it('answers a lost connection as retryable and a broken schema as not, without a stack', async () => {
    const lost = await createHandler(deps(failing(Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined }))))({ action: 'canary-write', id: 'canary#d#1' });
    expect(lost).toEqual({ error: { code: 'unavailable', message: 'canary-write in eu-central-1 failed: Connection terminated unexpectedly', retryable: true } });
    const readOnlyWriter = await createHandler(deps(failing(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }))))({ action: 'canary-write', id: 'canary#d#1' });
    expect(readOnlyWriter).toMatchObject({ error: { code: 'unavailable', retryable: true } });
    const noTable = deps(failing(Object.assign(new Error('relation "drill_canary" does not exist'), { code: '42P01' })));
    const broken = await createHandler(noTable)({ action: 'canary-read', ids: ['canary#d#1'] });
    expect(broken).toEqual({ error: { code: 'failed', message: 'canary-read in eu-central-1 failed: relation "drill_canary" does not exist', retryable: false } });
    expect(JSON.stringify(broken)).not.toMatch(/\bat .*\.ts:\d+/);
    expect(noTable.log.lines.find((l) => l.message === 'canary failed')).toMatchObject({ level: 'error', fields: { action: 'canary-read', error: { code: '42P01' } } });
  });

  it('gives up on a hanging writer within its deadline, as retryable', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const pending = createHandler(deps(hanging))({ action: 'canary-write', id: 'canary#d#1' });
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await pending).toEqual({ error: { code: 'unavailable', message: 'canary-write in eu-central-1 failed: no answer within 5000 ms', retryable: true } });
    } finally {
      jest.useRealTimers();
    }
  });
});
