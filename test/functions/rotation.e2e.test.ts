/**
 * The rotation function's steps against a real PostgreSQL 15 (password authentication on, so a wrong
 * password fails): the two roles alternate, and the app keeps working through every rotation.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { alternate, rotate, type DbCredentials, type RotationPorts, type RotationSecrets } from '../../functions/rotation/domain';
import { connectPg } from '../../functions/shared/sql';
import { startPostgres, type Postgres } from '../support/postgres';

/** Secrets Manager's versions and labels, in memory. */
class MemorySecrets implements RotationSecrets {
  store = new Map<string, { value: DbCredentials; stages: string[] }>();
  constructor(initial: DbCredentials, readonly admin: DbCredentials) {
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
  master = async () => this.admin;
  newPassword = async () => randomBytes(18).toString('base64url');
  current = () => [...this.store.values()].find((v) => v.stages.includes('AWSCURRENT'))!.value;
}

describe('database secret rotation (alternating users) on PostgreSQL 15', () => {
  let server: Postgres;
  let port: number;
  beforeAll(async () => {
    server = await startPostgres();
    port = server.port;
    // Password authentication for the app's roles over TCP; the test's own superuser keeps trust.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const hba = (await admin.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
    await writeFile(hba, 'local all all trust\nhost all cafe 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
    await admin.query('SELECT pg_reload_conf()');
    await admin.query(`CREATE ROLE cafe_app LOGIN PASSWORD 'first-password'`);
    await admin.query('CREATE TABLE orders (id serial PRIMARY KEY, note text)');
    await admin.query('GRANT SELECT, INSERT ON orders TO cafe_app');
    await admin.query('GRANT USAGE ON SEQUENCE orders_id_seq TO cafe_app');
    await admin.end();
  }, 60_000);
  afterAll(async () => server?.stop());

  const connect = (c: DbCredentials) => connectPg({ host: '127.0.0.1', port, database: 'postgres', user: c.username, password: c.password, max: 1 });
  const ports = (secrets: MemorySecrets): RotationPorts => ({ secrets, connect });
  const canWrite = async (c: DbCredentials) => {
    const db = await connect(c);
    try {
      await db.query('INSERT INTO orders (note) VALUES ($1)', [c.username]);
      return true;
    } catch {
      return false;
    } finally {
      await db.close().catch(() => undefined);
    }
  };

  it('alternates cafe_app and cafe_app_clone; the previous credentials keep working, so the app never locks out', async () => {
    const secrets = new MemorySecrets({ username: 'cafe_app', password: 'first-password', engine: 'postgres' }, { username: 'cafe', password: '' });
    // The app holds a connection opened with the first version, as a warm Lambda does.
    const app = await connect(secrets.current());
    const seen: string[] = [secrets.current().username];
    for (const token of ['t1', 't2', 't3']) {
      const before = secrets.current();
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await rotate(ports(secrets), step, token);
      const after = secrets.current();
      seen.push(after.username);
      expect(after.username).toBe(alternate(before.username));
      expect(after.password).not.toBe(before.password);
      expect(await canWrite(after)).toBe(true);
      // Alternating users: the previous version still signs in until it takes its next turn.
      expect(await canWrite(before)).toBe(true);
      await expect(app.query('INSERT INTO orders (note) VALUES ($1)', ['app'])).resolves.toMatchObject({ rowCount: 1 });
    }
    expect(seen).toEqual(['cafe_app', 'cafe_app_clone', 'cafe_app', 'cafe_app_clone']);
    // The first password was replaced when cafe_app took its second turn.
    expect(await canWrite({ username: 'cafe_app', password: 'first-password' })).toBe(false);
    await app.close();
  }, 60_000);

  it('runs each step again without harm (Secrets Manager retries), and refuses a role name it cannot quote', async () => {
    const secrets = new MemorySecrets({ username: 'cafe_app', password: 'x' }, { username: 'cafe', password: '' });
    secrets.store.get('v0')!.value = (await secrets.value({ stage: 'AWSCURRENT' }))!;
    await rotate(ports(secrets), 'createSecret', 'r1');
    const pending = await secrets.value({ id: 'r1' });
    expect(await rotate(ports(secrets), 'createSecret', 'r1')).toBe('pending version already exists');
    expect(await secrets.value({ id: 'r1' })).toEqual(pending);
    await rotate(ports(secrets), 'setSecret', 'r1');
    await rotate(ports(secrets), 'setSecret', 'r1');
    await rotate(ports(secrets), 'finishSecret', 'r1');
    expect(await rotate(ports(secrets), 'finishSecret', 'r1')).toBe('already current');
    const bad = new MemorySecrets({ username: 'x"; DROP ROLE cafe; --', password: 'p' }, { username: 'cafe', password: '' });
    await rotate(ports(bad), 'createSecret', 'b1');
    await expect(rotate(ports(bad), 'setSecret', 'b1')).rejects.toThrow(/refusing role name/);
  }, 60_000);
});
