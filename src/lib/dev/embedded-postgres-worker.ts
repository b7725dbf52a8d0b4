/**
 * The thread that runs the embedded PostgreSQL (PGlite) of `cafe-ops dev` (see embedded-postgres.ts):
 * it opens the cluster, then runs the statements it is sent one at a time, in the order they arrive,
 * and answers each with its rows or its error's fields.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromDatabase, OpenRequest, ToDatabase } from './embedded-postgres';

interface Pglite {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  close(): Promise<void>;
}

const port = parentPort!;
const post = (message: FromDatabase) => port.postMessage(message);

async function open({ dir, cacheDir, sharedBuffers }: OpenRequest): Promise<Pglite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const options = { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] };
  const create = (folder?: string) => PGlite.create(folder, options) as Promise<Pglite>;
  if (dir === undefined) return create();
  if (existsSync(join(dir, 'PG_VERSION'))) {
    try {
      return await create(dir);
    } catch (error) {
      throw Object.assign(new Error((error as Error).message ?? String(error)), { damaged: true });
    }
  }
  if (cacheDir !== undefined && (await initialisedCluster(cacheDir, create))) await cp(cacheDir, dir, { recursive: true });
  return create(dir);
}

/**
 * Whether `cacheDir` holds an initialised cluster, making it when it does not: initdb in a scratch
 * folder, closed, then renamed into place (so a half-made cluster is never taken for one). The cache
 * only saves time; without it the new folder runs initdb itself.
 */
async function initialisedCluster(cacheDir: string, create: (dir: string) => Promise<Pglite>): Promise<boolean> {
  if (existsSync(join(cacheDir, 'PG_VERSION'))) return true;
  const scratch = `${cacheDir}.${process.pid}`;
  try {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(dirname(cacheDir), { recursive: true });
    await (await create(scratch)).close();
    await rename(scratch, cacheDir);
    return true;
  } catch {
    // Another start made it meanwhile (the rename finds it there), or the cache folder cannot be written.
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    return existsSync(join(cacheDir, 'PG_VERSION'));
  }
}

/** The fields of a PostgreSQL error (code, detail, constraint, ...) that survive a copy to the other thread. */
function errorFields(error: unknown): Record<string, string | number | boolean> {
  if (!error || typeof error !== 'object') return { message: String(error) };
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(error)) if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  fields.message = (error as Error).message ?? String(error);
  return fields;
}

const opened = open(workerData as OpenRequest);
opened.then(
  () => post({ kind: 'open' }),
  (error: unknown) => post({ kind: 'failed', message: (error as Error).message ?? String(error), damaged: (error as { damaged?: boolean }).damaged === true }),
);

// One statement at a time, in arrival order: the main thread keeps a transaction's statements together.
let line: Promise<void> = opened.then(
  () => undefined,
  () => undefined,
);
port.on('message', (message: ToDatabase) => {
  line = line.then(async () => {
    try {
      const db = await opened;
      if (message.kind === 'close') {
        await db.close();
        post({ kind: 'closed', id: message.id });
        return;
      }
      const result = await db.query(message.text, message.params);
      post({ kind: 'result', id: message.id, rows: result.rows, rowCount: result.affectedRows || result.rows.length });
    } catch (error) {
      post({ kind: 'error', id: message.id, fields: errorFields(error) });
    }
  });
});
