/**
 * The health function's drill canaries on a PostgreSQL 15 server: written through the writer, read
 * from the reader. Two databases stand for the two regions' clusters: what the writer holds reaches
 * the other "region" only when it is copied there, as Aurora's replication would.
 */
import { createHandler as healthHandler, type CanaryReadResult, type CanaryWriteResult } from '../../functions/health/handler';
import { MIGRATIONS } from '../../functions/migrate/migrations';
import { applyMigrations } from '../../functions/migrate/runner';
import { connectPg, type Database } from '../../functions/shared/sql';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';
import { apiEvent, bodyOf, FakeControl, MemoryLog } from './support/harness';

jest.setTimeout(60_000);

describeWithTool(TOOLS.postgres, 'drill canaries on PostgreSQL 15')('drill canaries on a PostgreSQL 15 server', () => {
  let pg: Postgres;
  const open: Database[] = [];
  const database = async (name: string, max = 4) => {
    const db = await connectPg({ connectionString: await pg.createDatabase(name), max });
    open.push(db);
    await applyMigrations(db, MIGRATIONS);
    return db;
  };
  beforeAll(async () => (pg = await startPostgres()), 60_000);
  afterAll(async () => {
    for (const db of open) await db.close();
    await pg?.stop();
  });

  it('writes through the writer, reads from the reader: a canary is found only once it reached the reader', async () => {
    const writer = await database('canary_writer');
    const reader = await database('canary_reader');
    const log = new MemoryLog();
    const health = healthHandler({ db: writer, reader, control: new FakeControl(), region: 'eu-west-1', role: 'primary', log });
    const before = Date.now();
    const written = (await health({ action: 'canary-write', id: 'canary#20261125T0900-abc#1' })) as CanaryWriteResult;
    expect(written).toEqual({ id: 'canary#20261125T0900-abc#1', region: 'eu-west-1', writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    if ('error' in written) throw new Error(written.error.message);
    expect(Math.abs(Date.parse(written.writtenAt) - before)).toBeLessThan(5_000);
    expect((await writer.query('SELECT region FROM drill_canary WHERE id = $1', [written.id])).rows).toEqual([{ region: 'eu-west-1' }]);

    const ids = [written.id, 'canary#20261125T0900-abc#2'];
    expect(await health({ action: 'canary-read', ids })).toEqual({ region: 'eu-west-1', found: [], missing: ids });
    // Replication brings the row to the reader's cluster.
    await reader.query('INSERT INTO drill_canary (id, region, written_at) VALUES ($1, $2, $3)', [written.id, written.region, written.writtenAt]);
    const read = (await health({ action: 'canary-read', ids })) as CanaryReadResult;
    expect(read).toEqual({ region: 'eu-west-1', found: [written], missing: ['canary#20261125T0900-abc#2'] });
    expect(log.text()).not.toMatch(/password/i);
  });

  it('a retried write keeps the first row and its time; ten at once make one row', async () => {
    const db = await database('canary_retry', 10);
    const health = healthHandler({ db, reader: db, control: new FakeControl(), region: 'eu-central-1', role: 'secondary', log: new MemoryLog() });
    const results = (await Promise.all(Array.from({ length: 10 }, () => health({ action: 'canary-write', id: 'canary#d#3' })))) as CanaryWriteResult[];
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await health({ action: 'canary-write', id: 'canary#d#3' })).toEqual(results[0]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drill_canary')).rows[0]?.n).toBe(1);
  });

  it('a writer that became read-only (mid-switch) answers retryable, and /health still answers as before', async () => {
    const url = await pg.createDatabase('canary_read_only');
    const setup = await connectPg({ connectionString: url });
    await applyMigrations(setup, MIGRATIONS);
    await setup.query(`ALTER DATABASE canary_read_only SET default_transaction_read_only = on`);
    await setup.close();
    const replica = await connectPg({ connectionString: url });
    open.push(replica);
    const health = healthHandler({ db: replica, reader: replica, control: new FakeControl(), region: 'eu-west-1', role: 'secondary', log: new MemoryLog() });
    expect(await health({ action: 'canary-write', id: 'canary#d#2' })).toEqual({
      error: { code: 'unavailable', message: 'canary-write in eu-west-1 failed: cannot execute INSERT in a read-only transaction', retryable: true },
    });
    expect(await health({ action: 'canary-read', ids: ['canary#d#2'] })).toEqual({ region: 'eu-west-1', found: [], missing: ['canary#d#2'] });
    const result = await health(apiEvent('GET', '/health'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'ok', region: 'eu-west-1', checks: { reader: { ok: true, writer: true } } });
  });

  it('POST /health/canary writes the same row as the direct write, once; a read-only writer answers 503', async () => {
    const db = await database('canary_api');
    const health = healthHandler({ db, reader: db, control: new FakeControl(), region: 'eu-central-1', role: 'primary', log: new MemoryLog() });
    const posted = await health(apiEvent('POST', '/health/canary', { body: { id: 'canary#d#api-public' } }));
    expect(posted.statusCode).toBe(201);
    const body = bodyOf<{ id: string; region: string; writtenAt: string }>(posted);
    expect(body).toEqual({ id: 'canary#d#api-public', region: 'eu-central-1', writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await health({ action: 'canary-write', id: 'canary#d#api-public' })).toEqual(body);
    expect(bodyOf(await health(apiEvent('POST', '/health/canary', { body: { id: 'canary#d#api-public' } })))).toEqual(body);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drill_canary')).rows[0]?.n).toBe(1);
    expect((await health(apiEvent('POST', '/health/canary', { body: { id: 42 } }))).statusCode).toBe(400);

    const url = await pg.createDatabase('canary_api_read_only');
    const setup = await connectPg({ connectionString: url });
    await applyMigrations(setup, MIGRATIONS);
    await setup.query(`ALTER DATABASE canary_api_read_only SET default_transaction_read_only = on`);
    await setup.close();
    const replica = await connectPg({ connectionString: url });
    open.push(replica);
    const refused = await healthHandler({ db: replica, reader: replica, control: new FakeControl(), region: 'eu-west-1', role: 'secondary', log: new MemoryLog() })(apiEvent('POST', '/health/canary', { body: { id: 'canary#d#api-public' } }));
    expect(refused.statusCode).toBe(503);
    expect(bodyOf(refused)).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('the schema refuses an empty id and a row without a region', async () => {
    const db = await database('canary_checks');
    await expect(db.query(`INSERT INTO drill_canary (id, region) VALUES ('', 'eu-west-1')`)).rejects.toMatchObject({ code: '23514' });
    await expect(db.query(`INSERT INTO drill_canary (id) VALUES ('x')`)).rejects.toMatchObject({ code: '23502' });
  });
});
