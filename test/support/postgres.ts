import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from './ports';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Postgres {
  /** postgres://user@127.0.0.1:port/postgres */
  url: string;
  port: number;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * A hot standby of this cluster by streaming replication (pg_basebackup -R): read-only until promoted, as the
   * secondary cluster of an Aurora global database is until a switchover. https://www.postgresql.org/docs/15/warm-standby.html
   */
  startStandby(): Promise<Postgres & { promote(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away PostgreSQL 15 cluster in a temp dir on 127.0.0.1 (initdb + postgres),
 * unless DATABASE_URL is already set by the caller. Use with describeWithTool(TOOLS.postgres, ...).
 */
export async function startPostgres(): Promise<Postgres> {
  const dir = await mkdtemp(join(tmpdir(), 'cafe-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root; run it as the postgres user when we are root.
  const user: { uid?: number; gid?: number } = process.getuid?.() === 0 ? await postgresUser() : {};
  if (user.uid !== undefined) await run('chown', [`${user.uid}:${user.gid}`, dir]);
  await run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'cafe', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...user });
  return serve(dir, data, user);
}

async function serve(dir: string, data: string, user: { uid?: number; gid?: number }): Promise<Postgres> {
  const port = await freePort();
  const args = [
    '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
  ];
  const child: ChildProcess = spawn(join(PG_BIN, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...user });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `postgres://cafe@127.0.0.1:${port}/postgres`;
  const pg = await import('pg');
  const ping = async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    await waitFor(ping, 'PostgreSQL to accept connections', 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
  }
  return {
    url,
    port,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://cafe@127.0.0.1:${port}/${name}`;
    },
    startStandby: async () => {
      const standbyDir = await mkdtemp(join(tmpdir(), 'cafe-pg-standby-'));
      if (user.uid !== undefined) await run('chown', [`${user.uid}:${user.gid}`, standbyDir]);
      const standbyData = join(standbyDir, 'data');
      await run(join(PG_BIN, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'cafe', '-D', standbyData, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], { ...user });
      const standby = await serve(standbyDir, standbyData, user);
      return { ...standby, promote: async () => void (await run(join(PG_BIN, 'pg_ctl'), ['promote', '-w', '-D', standbyData], { ...user })) };
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
