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
  it('answers 503 within its deadline when the local reader hangs', async () => {
    const started = Date.now();
    const result = await createHandler(deps(hanging))(apiEvent('GET', '/health'));
    const elapsed = Date.now() - started;
    expect(result.statusCode).toBe(503);
    expect(elapsed).toBeLessThan(CHECK_TIMEOUT_MS + 1000);
    expect(bodyOf(result)).toMatchObject({ status: 'unhealthy', region: 'eu-central-1', role: 'secondary', checks: { reader: { ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }, dynamodb: { ok: true } } });
  });

  it('keeps the standby healthy when the primary region is lost: the global writer is never asked', async () => {
    // The writer (global writer endpoint, in the lost region) hangs; the local reader answers.
    const result = await createHandler(deps(hanging, { reader: readOnly(true) }))(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'ok', serving: 'standby', checks: { reader: { ok: true, writer: false } } });
  });

  it('moves with the traffic item of its own control table replica: the deployed primary turns standby (503), then active again', async () => {
    const control = new FakeControl();
    const primary = createHandler(deps(readOnly(false), { region: 'eu-west-1', role: 'primary', control }));
    const secondary = createHandler(deps(readOnly(true), { region: 'eu-central-1', role: 'secondary', control }));
    expect((await primary(apiEvent('GET', '/health'))).statusCode).toBe(200);
    control.trafficState = { activeRegion: 'eu-central-1' };
    const standby = await primary(apiEvent('GET', '/health'));
    expect(standby.statusCode).toBe(503);
    expect(bodyOf(standby)).toMatchObject({ status: 'standby', serving: 'standby', activeRegion: 'eu-central-1' });
    expect(bodyOf(await secondary(apiEvent('GET', '/health')))).toMatchObject({ status: 'ok', serving: 'active' });
    control.trafficState = { activeRegion: 'eu-west-1' };
    expect(bodyOf(await primary(apiEvent('GET', '/health')))).toMatchObject({ status: 'ok', serving: 'active' });
    expect((await secondary(apiEvent('GET', '/health'))).statusCode).toBe(200);
  });

  it('is unhealthy when its control table replica cannot be read', async () => {
    const control = new FakeControl();
    control.traffic = async () => Promise.reject(new Error('ResourceNotFoundException'));
    const result = await createHandler(deps(readOnly(false), { control }))(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toMatchObject({ status: 'unhealthy', checks: { dynamodb: { ok: false, error: 'ResourceNotFoundException' } } });
  });

  it('reports a reader that is a replica as healthy and not the writer', async () => {
    const result = await createHandler(deps(readOnly(true)))(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ checks: { reader: { ok: true, writer: false } } });
  });

  it('answers an API Gateway event with a canary-looking body as /health, never as a canary action', async () => {
    const event = { ...apiEvent('GET', '/health'), action: 'canary-write', id: 'x' };
    const result = await createHandler(deps(readOnly(false)))(event);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'ok', checks: { reader: { writer: true } } });
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

describe('POST /health/canary (the drill\'s signed write through the API)', () => {
  /** A writer that keeps drill_canary rows in memory, as the INSERT ... ON CONFLICT would. */
  const memoryWriter = () => {
    const rows = new Map<string, { id: string; region: string; written_at: Date }>();
    const queries: string[] = [];
    const db: Database = {
      ...hanging,
      query: async <T>(text: string, params?: unknown[]) => {
        queries.push(text);
        if (/pg_is_in_recovery/.test(text)) return { rows: [{ recovery: false }] as T[], rowCount: 1 };
        const [id, region] = params as [string, string];
        if (!rows.has(id)) rows.set(id, { id, region, written_at: new Date('2026-11-25T09:01:00.000Z') });
        return { rows: [rows.get(id)] as T[], rowCount: 1 };
      },
    };
    return { db, rows, queries };
  };
  const post = (body: unknown, rawBody?: string) => apiEvent('POST', '/health/canary', rawBody === undefined ? { body } : { rawBody });

  it('writes the canary once through the writer and answers 201 with the region that answered, even while writes are paused', async () => {
    const writer = memoryWriter();
    const control = new FakeControl();
    control.state = { writesPaused: true, retryAfterSeconds: 30 };
    const handler = createHandler(deps(writer.db, { control }));
    const first = await handler(post({ id: 'canary#d#api-public' }));
    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toEqual({ id: 'canary#d#api-public', region: 'eu-central-1', writtenAt: '2026-11-25T09:01:00.000Z' });
    expect(await handler(post({ id: 'canary#d#api-public' }))).toMatchObject({ statusCode: 201, body: first.body });
    expect([...writer.rows.values()]).toEqual([{ id: 'canary#d#api-public', region: 'eu-central-1', written_at: expect.any(Date) }]);
    expect(writer.queries.every((q) => q.startsWith('INSERT INTO drill_canary'))).toBe(true);
  });

  const refused: [string, unknown, string | undefined, string][] = [
    ['no body', undefined, '', 'body'],
    ['a body that is not JSON', undefined, '{id:', 'body'],
    ['no id', {}, undefined, 'id'],
    ['an id with SQL in it', { id: "x'; DROP TABLE drill_canary; --" }, undefined, 'id'],
    ['an unexpected field', { id: 'ok', region: 'eu-west-1' }, undefined, 'body'],
  ];
  it.each(refused)('answers 400 naming the field for %s, and touches no database', async (_name, body, raw, field) => {
    const writer = memoryWriter();
    const result = await createHandler(deps(writer.db))(post(body, raw));
    expect(result.statusCode).toBe(400);
    expect(bodyOf<{ error: { code: string; issues: { field: string }[] } }>(result).error).toMatchObject({ code: 'invalid_request', issues: [expect.objectContaining({ field })] });
    expect(writer.queries).toEqual([]);
  });

  it('answers 503 with Retry-After for a read-only or unreachable writer, 500 without the database text otherwise', async () => {
    const readOnlyWriter = await createHandler(deps(failing(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }))))(post({ id: 'canary#d#api' }));
    expect(readOnlyWriter.statusCode).toBe(503);
    expect(readOnlyWriter.headers['Retry-After']).toBe('5');
    expect(bodyOf(readOnlyWriter)).toEqual({ error: { code: 'unavailable', message: 'canary-write in eu-central-1 failed: cannot execute INSERT in a read-only transaction' } });
    const lost = await createHandler(deps(failing(Object.assign(new Error('connect ECONNREFUSED 10.0.1.5:5432'), { code: 'ECONNREFUSED' }))))(post({ id: 'canary#d#api' }));
    expect(lost.statusCode).toBe(503);
    const broken = await createHandler(deps(failing(Object.assign(new Error('relation "drill_canary" does not exist'), { code: '42P01' }))))(post({ id: 'canary#d#api' }));
    expect(broken.statusCode).toBe(500);
    expect(broken.body).not.toContain('drill_canary');
    expect(bodyOf(broken)).toEqual({ error: { code: 'internal', message: 'the canary write failed', requestId: 'test-request' } });
  });

  it('leaves GET /health as it was: no canary written', async () => {
    const writer = memoryWriter();
    const result = await createHandler(deps(writer.db))(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'ok', region: 'eu-central-1', checks: { reader: { ok: true, writer: true } } });
    expect(writer.rows.size).toBe(0);
  });
});
