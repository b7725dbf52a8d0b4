/**
 * The rotation function's steps against a real PostgreSQL 15 (password authentication on, so a wrong
 * password fails), as deploy runs them: the database is created by its administrator (cafe_admin, owner of
 * the database, CREATEROLE like Aurora's master user), the first rotation of the app secret runs before the
 * migrations, migrate grants the app's privileges, and the app (signing in with the app secret's current
 * version) keeps working through every rotation, including one between a switchover's steps, with the
 * writer moving to the promoted standby behind the "global writer endpoint" name.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { createHandler as migrateHandler } from '../../functions/migrate/handler';
import { alternate, rotate, type DbCredentials, type RotationPorts, type RotationSecrets, type RotationStep, type RotationStrategy } from '../../functions/rotation/domain';
import { strategyFor } from '../../functions/rotation/handler';
import { lazyDatabase } from '../../functions/shared/env/database';
import { silentLog } from '../../functions/shared/ports';
import { connectPg, type Database } from '../../functions/shared/sql';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Secrets Manager's versions and labels, in memory. */
class MemorySecrets implements RotationSecrets {
  store = new Map<string, { value: DbCredentials; stages: string[] }>();
  constructor(initial: DbCredentials, readonly admin: () => MemorySecrets | undefined = () => undefined) {
    this.store.set('v0', { value: initial, stages: ['AWSCURRENT'] });
  }
  versions = async () => Object.fromEntries([...this.store].map(([id, v]) => [id, [...v.stages]]));
  value = async ({ id, stage }: { id?: string; stage?: string }) => (id ? this.store.get(id)?.value : [...this.store.values()].find((v) => v.stages.includes(stage!))?.value);
  putPending = async (token: string, value: DbCredentials) => {
    for (const v of this.store.values()) v.stages = v.stages.filter((s) => s !== 'AWSPENDING');
    this.store.set(token, { value, stages: ['AWSPENDING'] });
  };
  makeCurrent = async (token: string, current: string) => {
    for (const v of this.store.values()) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
    this.store.get(current)!.stages = ['AWSPREVIOUS'];
    this.store.get(token)!.stages = ['AWSCURRENT'];
  };
  master = async () => {
    const admin = this.admin();
    if (!admin) throw new Error('no administrator secret');
    return [await admin.value({ stage: 'AWSCURRENT' }), await admin.value({ stage: 'AWSPENDING' })].filter((c): c is DbCredentials => c !== undefined);
  };
  newPassword = async () => randomBytes(18).toString('base64url');
  current = () => [...this.store.values()].find((v) => v.stages.includes('AWSCURRENT'))!.value;
  previous = () => [...this.store.values()].find((v) => v.stages.includes('AWSPREVIOUS'))?.value;
}

describeWithTool(TOOLS.postgres, 'PostgreSQL 15')('database secret rotation on PostgreSQL 15', () => {
  let server: Postgres;
  /** Where the "global writer endpoint" resolves: the port of the cluster that is the writer. */
  const dns = new Map<string, number>();
  const WRITER = 'cafe-production.global-abc123.global.rds.amazonaws.com';
  beforeAll(async () => {
    server = await startPostgres();
    dns.set(WRITER, server.port);
    // Password authentication for every role but the test's own superuser (cafe); replication for the standby.
    const su = new pg.Client({ connectionString: server.url });
    await su.connect();
    const hba = (await su.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
    await writeFile(hba, 'local all all trust\nhost replication cafe 127.0.0.1/32 trust\nhost all cafe 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
    await su.query('SELECT pg_reload_conf()');
    // The administrator as Aurora makes it: not a superuser, may create roles, owns the café's database.
    await su.query(`CREATE ROLE cafe_admin WITH LOGIN CREATEROLE PASSWORD 'admin-first'`);
    await su.query('CREATE DATABASE cafe OWNER cafe_admin');
    await su.end();
  }, 60_000);
  afterAll(async () => server?.stop());

  /** The rotation function's connection: through the writer endpoint name, to the cluster it resolves to now. */
  const connect = (c: DbCredentials) => connectPg({ host: '127.0.0.1', port: dns.get(WRITER)!, database: 'cafe', user: c.username, password: c.password, max: 1 });
  const ports = (secrets: MemorySecrets, strategy: RotationStrategy = 'alternating-users'): RotationPorts => ({ secrets, connect, strategy });
  const rotateAll = async (secrets: MemorySecrets, token: string, strategy?: RotationStrategy) => {
    for (const step of STEPS) await rotate(ports(secrets, strategy), step, token);
  };
  const signsIn = async (c: DbCredentials) => {
    try {
      const db = await connect(c);
      await db.query('SELECT 1');
      await db.close();
      return true;
    } catch {
      return false;
    }
  };
  const canWrite = async (c: DbCredentials) => {
    const db = await connect(c).catch(() => undefined);
    if (!db) return false;
    try {
      await db.query(`INSERT INTO customers (id) VALUES ($1)`, [`${c.username}-${randomBytes(4).toString('hex')}`]);
      return true;
    } catch {
      return false;
    } finally {
      await db.close().catch(() => undefined);
    }
  };
  /** The app as the functions run it: a pool built from the secret's current version, rebuilt when its password stops signing in. */
  const appDatabase = (secrets: MemorySecrets): Database => lazyDatabase(async () => connect(secrets.current()));
  const kill = async (user: string) => {
    const su = new pg.Client({ host: '127.0.0.1', port: dns.get(WRITER)!, user: 'cafe', database: 'postgres' });
    await su.connect();
    await su.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [user]);
    await su.end();
  };

  const admin = new MemorySecrets({ username: 'cafe_admin', password: 'admin-first', engine: 'postgres' });
  const app = new MemorySecrets({ username: 'cafe_app', password: 'app-first', engine: 'postgres' }, () => admin);

  it('the first rotation creates cafe_app and cafe_app_clone on a new database; migrate then grants the app its privileges, and nothing more', async () => {
    await rotateAll(app, 't1');
    expect(app.current().username).toBe('cafe_app_clone');
    // The secret's first user now exists with the secret's first password, and still signs in.
    expect(await signsIn({ username: 'cafe_app', password: 'app-first' })).toBe(true);
    expect(await signsIn(app.current())).toBe(true);
    // Migrations as the administrator, then the app role's grants (the function's appUser reads the app secret).
    const adminDb = await connect(admin.current());
    const result = await migrateHandler({ db: adminDb, log: silentLog, appUser: async () => app.current() })({});
    await adminDb.close();
    expect(result.applied.length).toBeGreaterThan(0);
    expect(result.appRoles).toEqual([]);
    expect(await canWrite(app.current())).toBe(true);
    expect(await canWrite({ username: 'cafe_app', password: 'app-first' })).toBe(true);
    // Least privilege: rows only; no schema change, no deletes, no migration log, no roles.
    const db = await connect(app.current());
    try {
      for (const statement of ['CREATE TABLE evil (id int)', 'DROP TABLE orders', 'DELETE FROM customers', 'SELECT * FROM schema_migrations', "CREATE ROLE evil LOGIN PASSWORD 'x'", 'TRUNCATE customers']) {
        await expect(db.query(statement)).rejects.toThrow(/permission denied|must be owner|must have CREATEROLE/);
      }
    } finally {
      await db.close();
    }
  }, 60_000);

  it('alternates the two users; the previous version keeps signing in; the app keeps working through two rotations and after', async () => {
    const appDb = appDatabase(app);
    await appDb.query(`INSERT INTO customers (id) VALUES ('warm-before')`);
    const poolUser = app.current();
    const seen = [app.current().username];
    for (const token of ['t2', 't3']) {
      const before = app.current();
      await rotateAll(app, token);
      const after = app.current();
      seen.push(after.username);
      expect(after.username).toBe(alternate(before.username));
      expect(after.password).not.toBe(before.password);
      expect(await canWrite(after)).toBe(true);
      // Alternating users: the previous version still signs in until it takes its next turn.
      expect(await canWrite(before)).toBe(true);
      // The warm app's open connection keeps working.
      await expect(appDb.query(`INSERT INTO customers (id) VALUES ($1)`, [`warm-${token}`])).resolves.toMatchObject({ rowCount: 1 });
    }
    expect(seen).toEqual(['cafe_app_clone', 'cafe_app', 'cafe_app_clone']);
    // Two rotations after the pool read the secret, its password no longer signs in: a new connection (the old one
    // dropped) gets PostgreSQL's invalid_password, and the app rebuilds its pool from the current version.
    expect(await signsIn(poolUser)).toBe(false);
    await kill(poolUser.username);
    await expect(appDb.query(`INSERT INTO customers (id) VALUES ('after-two-rotations')`)).resolves.toMatchObject({ rowCount: 1 });
    await appDb.close();
  }, 60_000);

  it('rotates the administrator with a single user, and an app rotation between its setSecret and finishSecret still signs in as the administrator', async () => {
    const old = admin.current();
    await rotate(ports(admin, 'single-user'), 'createSecret', 'a1');
    await rotate(ports(admin, 'single-user'), 'setSecret', 'a1');
    // The database has the new password; AWSCURRENT still has the old one. The app's rotation uses the pending one.
    expect(await signsIn(old)).toBe(false);
    await rotateAll(app, 't4');
    expect(await canWrite(app.current())).toBe(true);
    // Secrets Manager retries a step: setSecret again finds the pending password set.
    expect(await rotate(ports(admin, 'single-user'), 'setSecret', 'a1')).toBe('password of cafe_admin already set');
    await rotate(ports(admin, 'single-user'), 'testSecret', 'a1');
    await rotate(ports(admin, 'single-user'), 'finishSecret', 'a1');
    expect(admin.current().username).toBe('cafe_admin');
    expect(admin.current().password).not.toBe(old.password);
    expect(await signsIn(admin.current())).toBe(true);
  }, 60_000);

  it('a rotation started before a switchover finishes on the new writer: the old writer refuses, the endpoint moves, the step runs again', async () => {
    const standby = await server.startStandby();
    try {
      const appDb = appDatabase(app);
      await appDb.query(`INSERT INTO customers (id) VALUES ('before-switchover')`);
      await rotate(ports(app), 'createSecret', 't5');
      // The switchover: the old writer turns read-only (Aurora demotes it to a secondary), the standby is promoted,
      // and the global writer endpoint resolves to it.
      const su = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'cafe', database: 'postgres' });
      await su.connect();
      await su.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await su.query('SELECT pg_reload_conf()');
      await su.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename <> 'cafe'`);
      await su.end();
      // setSecret during the switch, on the demoted writer: refused, nothing half-done (Secrets Manager retries the step).
      await expect(rotate(ports(app), 'setSecret', 't5')).rejects.toThrow(/read-only transaction/);
      await standby.promote();
      dns.set(WRITER, standby.port);
      for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) await rotate(ports(app), step, 't5');
      // The app signs in on the new writer with the current version, and the previous one still works there. (A pool
      // reaches the new writer when it resolves the endpoint's name again; here a new pool, as a new instance would.)
      expect(await canWrite(app.current())).toBe(true);
      expect(await canWrite(app.previous()!)).toBe(true);
      await appDb.close();
      const afterSwitch = appDatabase(app);
      await expect(afterSwitch.query(`INSERT INTO customers (id) VALUES ('after-switchover')`)).resolves.toMatchObject({ rowCount: 1 });
      expect((await afterSwitch.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE id IN ('before-switchover', 'after-switchover')`)).rows[0]!.n).toBe(2);
      // And the next rotation runs on the new writer too.
      await rotateAll(app, 't6');
      expect(await canWrite(app.current())).toBe(true);
      await afterSwitch.close();
    } finally {
      // Back to the first cluster, writable again, for the tests after this one.
      dns.set(WRITER, server.port);
      await standby.stop();
      const su = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'cafe', database: 'postgres' });
      await su.connect();
      await su.query('ALTER SYSTEM RESET default_transaction_read_only');
      await su.query('SELECT pg_reload_conf()');
      await su.end();
    }
  }, 120_000);

  it('runs each step again without harm (Secrets Manager retries), and refuses a role name it cannot quote', async () => {
    const secrets = new MemorySecrets({ username: 'cafe_other', password: 'x' }, () => admin);
    await rotate(ports(secrets), 'createSecret', 'r1');
    const pending = await secrets.value({ id: 'r1' });
    expect(await rotate(ports(secrets), 'createSecret', 'r1')).toBe('pending version already exists');
    expect(await secrets.value({ id: 'r1' })).toEqual(pending);
    await rotate(ports(secrets), 'setSecret', 'r1');
    await rotate(ports(secrets), 'setSecret', 'r1');
    await rotate(ports(secrets), 'finishSecret', 'r1');
    expect(await rotate(ports(secrets), 'finishSecret', 'r1')).toBe('already current');
    const bad = new MemorySecrets({ username: 'x"; DROP ROLE cafe; --', password: 'p' }, () => admin);
    await rotate(ports(bad), 'createSecret', 'b1');
    await expect(rotate(ports(bad), 'setSecret', 'b1')).rejects.toThrow(/refusing role name/);
  }, 60_000);

  it('chooses the single-user strategy for the administrator secret only (by name, whatever the ARN suffix)', () => {
    const env = { MASTER_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cafe/production/aurora-admin-AbC123' };
    expect(strategyFor(env, 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cafe/production/aurora-admin-AbC123')).toBe('single-user');
    expect(strategyFor(env, 'cafe/production/aurora-admin')).toBe('single-user');
    expect(strategyFor(env, 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cafe/production/aurora-app-XyZ789')).toBe('alternating-users');
  });
});
