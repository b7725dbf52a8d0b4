import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'node:util';
import { openEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/lib/dev/embedded-postgres';

// The real PGlite, in its worker thread. Rows cross from another thread: `util.types` checks what they
// are whatever realm made them (jest's sandbox has globals of its own).
describe('the embedded PostgreSQL of cafe-ops dev (PGlite in a worker thread)', () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = await openEmbeddedPostgres();
    await db.query('CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL, at timestamptz, blob bytea, doc jsonb, tags text[], price numeric(6,2), big int8)');
  }, 60_000);
  afterAll(() => db?.close());
  beforeEach(() => db.query('DELETE FROM things'));

  const ids = async () => (await db.query<{ id: number }>('SELECT id FROM things ORDER BY id')).rows.map((r) => r.id);

  it('takes $n parameters and gives rows typed as PGlite makes them, and the rows a statement changed', async () => {
    const at = new Date('2026-03-01T08:30:00.000Z');
    const inserted = await db.query('INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6, $7, $8), ($9, $10, NULL, NULL, NULL, NULL, NULL, NULL)', [
      1,
      'flat white',
      at,
      new Uint8Array([1, 2, 255]),
      JSON.stringify({ size: 'large', shots: 2 }),
      ['hot', 'milk'],
      '3.80',
      '9007199254740993',
      2,
      'espresso',
    ]);
    expect(inserted).toEqual({ rows: [], rowCount: 2 });
    const { rows, rowCount } = await db.query<Record<string, unknown>>('SELECT * FROM things ORDER BY id');
    expect(rowCount).toBe(2);
    const [first, second] = rows;
    expect(types.isDate(first!.at) && (first!.at as Date).toISOString()).toBe(at.toISOString());
    expect(types.isUint8Array(first!.blob) && [...(first!.blob as Uint8Array)]).toEqual([1, 2, 255]);
    expect(first).toMatchObject({ id: 1, name: 'flat white', doc: { size: 'large', shots: 2 }, tags: ['hot', 'milk'], price: '3.80' });
    // int8 as PGlite parses it: a number when it is exact as one, a BigInt beyond.
    expect(first!.big).toBe(9007199254740993n);
    expect((await db.query('SELECT 2::int8 AS small')).rows).toEqual([{ small: 2 }]);
    expect(second).toMatchObject({ id: 2, at: null, blob: null, doc: null, tags: null });
    expect((await db.query('UPDATE things SET name = upper(name) WHERE id <= $1', [2])).rowCount).toBe(2);
  });

  it('rejects a failed statement with an Error carrying the PostgreSQL fields the functions read (code, constraint, detail)', async () => {
    await db.query(`INSERT INTO things (id, name) VALUES (1, 'a')`);
    const error = await db.query(`INSERT INTO things (id, name) VALUES (1, 'b')`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'things_pkey', table: 'things', severity: 'ERROR', message: expect.stringContaining('duplicate key') });
    expect((error as { detail: string }).detail).toContain('(id)=(1)');
    await expect(db.query('SELECT nope FROM things')).rejects.toMatchObject({ code: '42703' });
    // The connection is not left in a failed state.
    expect(await ids()).toEqual([1]);
  });

  it('commits a transaction that resolves, with its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO things (id, name) VALUES (1, 'a')`);
      await tx.query(`INSERT INTO things (id, name) VALUES (2, 'b')`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM things')).rows[0]!.n;
    });
    expect(result).toBe(2);
    expect(await ids()).toEqual([1, 2]);
  });

  it('rolls back a transaction that throws, or whose statement fails, and passes the error on unchanged', async () => {
    const thrown = new Error('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO things (id, name) VALUES (1, 'a')`);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO things (id, name) VALUES (2, 'b')`);
        await tx.query(`INSERT INTO things (id, name) VALUES (2, 'again')`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([]);
    // A transaction's handle no longer runs anything once it has ended.
    let kept: { query: EmbeddedDatabase['query'] } | undefined;
    await db.transaction(async (tx) => void (kept = tx));
    await expect(kept!.query('SELECT 1')).rejects.toThrow('this transaction has ended');
  });

  it('holds the line during a transaction: statements and transactions made meanwhile run after it ends', async () => {
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const order: string[] = [];
    const first = db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO things (id, name) VALUES (1, 'rolled back')`);
        inside();
        await gate;
        throw new Error('rolled back');
      })
      .catch(() => order.push('first rolled back'));
    await started;
    // Made while the first holds the line: had they run inside it, the count would see its row and
    // the rollback would take the insert with it.
    const seen = db.query<{ n: number }>('SELECT count(*)::int AS n FROM things').then((r) => (order.push('count'), r.rows[0]!.n));
    const outside = db.query(`INSERT INTO things (id, name) VALUES (2, 'outside')`).then(() => order.push('outside insert'));
    const second = db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO things (id, name) VALUES (3, 'second')`);
      })
      .then(() => order.push('second committed'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual([]);
    proceed();
    await Promise.all([first, outside, second]);
    expect(await seen).toBe(0);
    expect(order).toEqual(['first rolled back', 'count', 'outside insert', 'second committed']);
    expect(await ids()).toEqual([2, 3]);
  });
});

describe('closing and reopening the embedded PostgreSQL', () => {
  const base = mkdtempSync(join(tmpdir(), 'cafe-embedded-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('runs the statements already made, closes cleanly (the folder opens again) and refuses statements after', async () => {
    const dir = join(base, 'pg');
    const db = await openEmbeddedPostgres({ dir, cacheDir: join(base, 'cache') });
    await db.query('CREATE TABLE kept (n int)');
    const pending = db.query('INSERT INTO kept VALUES (1), (2)');
    const closed = db.close();
    await expect(pending).resolves.toMatchObject({ rowCount: 2 });
    await closed;
    await expect(db.query('SELECT 1')).rejects.toThrow('the embedded database is closed');
    await expect(db.close()).resolves.toBeUndefined();

    const again = await openEmbeddedPostgres({ dir, cacheDir: join(base, 'cache') });
    expect((await again.query('SELECT n FROM kept ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
    await again.close();
  }, 120_000);
});

describe('an embedded PostgreSQL whose thread dies', () => {
  it('fails the statements in flight and every later one with a clear error instead of hanging', async () => {
    // A heap limit far below what the statement's rows need: the thread ends as V8 runs out of memory.
    const db = await openEmbeddedPostgres({ resourceLimits: { maxOldGenerationSizeMb: 48 } });
    await db.query('SELECT 1');
    const inTransaction = db.transaction((tx) => tx.query(`SELECT repeat(md5(i::text), 100000) AS s FROM generate_series(1, 100) AS i`));
    const queued = db.query('SELECT 2');
    const stopped = /^the embedded database stopped \(Worker terminated due to reaching memory limit: JS heap out of memory\): restart cafe-ops dev/;
    await expect(inTransaction).rejects.toThrow(stopped);
    await expect(queued).rejects.toThrow(stopped);
    await expect(db.query('SELECT 3')).rejects.toThrow(stopped);
    await expect(db.transaction((tx) => tx.query('SELECT 4'))).rejects.toThrow(stopped);
    await db.close();
  }, 60_000);
});
