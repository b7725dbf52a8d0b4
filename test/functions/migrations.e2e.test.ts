import { createHandler as migrateHandler } from '../../functions/migrate/handler';
import { MIGRATIONS } from '../../functions/migrate/migrations';
import { applyMigrations } from '../../functions/migrate/runner';
import { connectPg, type Database } from '../../functions/shared/sql';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';
import { MemoryLog } from './support/harness';

describeWithTool(TOOLS.postgres, 'migrations on PostgreSQL 15')('migrations on a PostgreSQL 15 server', () => {
  let pg: Postgres;
  const open: Database[] = [];
  const fresh = async (name: string, max = 4) => {
    const db = await connectPg({ connectionString: await pg.createDatabase(name), max });
    open.push(db);
    return db;
  };
  beforeAll(async () => (pg = await startPostgres()), 60_000);
  afterAll(async () => {
    for (const db of open) await db.close();
    await pg?.stop();
  });

  it('the migrate function creates the schema once, seeds on request, and is a no-op after', async () => {
    const db = await fresh('migrate_once');
    const migrate = migrateHandler({ db, log: new MemoryLog() });
    expect(await migrate({})).toEqual({ applied: MIGRATIONS.map((m) => ({ id: m.id, name: m.name })), current: MIGRATIONS.length });
    expect(await migrate({ seedDemoMenu: true })).toEqual({ applied: [], current: MIGRATIONS.length, seeded: 7 });
    const { rows } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect(rows.map((r) => r.table_name)).toEqual(['customers', 'drill_canary', 'menu_items', 'order_items', 'orders', 'payments', 'schema_migrations']);
  });

  it('two runs at once apply each migration exactly once', async () => {
    const db = await fresh('migrate_race', 6);
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(db, MIGRATIONS)));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]?.n).toBe(MIGRATIONS.length);
  });

  it('a failing migration leaves the schema as it was', async () => {
    const db = await fresh('migrate_fail');
    await applyMigrations(db, MIGRATIONS);
    const broken = [...MIGRATIONS, { id: 99, name: 'broken', statements: ['CREATE TABLE half_done (id int)', 'ALTER TABLE no_such_table ADD COLUMN x int'] }];
    await expect(applyMigrations(db, broken)).rejects.toThrow(/no_such_table/);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(rows[0]?.n).toBe(0);
    expect((await db.query<{ id: number }>('SELECT max(id) AS id FROM schema_migrations')).rows[0]?.id).toBe(MIGRATIONS.length);
  });

  it('the schema refuses what the API would never write (negative stock, bad status, zero quantity)', async () => {
    const db = await fresh('migrate_checks');
    await applyMigrations(db, MIGRATIONS);
    await expect(db.query(`INSERT INTO menu_items (id, name, category, price_cents, stock) VALUES ('x', 'X', 'c', 100, -1)`)).rejects.toMatchObject({ code: '23514' });
    await expect(db.query(`INSERT INTO menu_items (id, name, category, price_cents) VALUES ('Bad Id', 'X', 'c', 100)`)).rejects.toMatchObject({ code: '23514' });
    await db.query(`INSERT INTO customers (id) VALUES ('c')`);
    await expect(
      db.query(`INSERT INTO orders (id, customer_id, status, total_cents, currency, pickup_at) VALUES ('00000000-0000-4000-8000-000000000001', 'c', 'lost', 100, 'EUR', now())`),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
