/**
 * The embedded PostgreSQL of `cafe-ops dev` (PGlite) in a thread of its own, behind the functions'
 * SQL port (functions/shared/sql.ts: query, transaction, close).
 *
 * In AWS the database is a server of its own; locally PGlite's WebAssembly and its JavaScript would
 * share the one event loop with the API server, the functions and the state machine, and spend about
 * a third of an order's CPU time there. In a worker thread it runs on the machine's other core, and
 * the event loop only copies statements and rows across (structured clone: Date, Uint8Array, arrays
 * and JSON values arrive as PGlite made them).
 *
 * PGlite is one connection. Statements reach it one at a time, in the order they are made; a
 * transaction holds the line from BEGIN until its COMMIT or ROLLBACK is sent, so statements made
 * meanwhile outside it wait (as with PGlite's own `transaction`), and one that fails inside it rolls
 * it back. Statements outside a transaction are sent at once and queue in the worker, so the
 * database never waits for the event loop to hand it the next one.
 */
import { extname, dirname, join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { UserError } from '../errors';

export interface EmbeddedQueryResult<T> {
  rows: T[];
  rowCount: number;
}
export interface EmbeddedSql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<T>>;
}
export interface EmbeddedDatabase extends EmbeddedSql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: EmbeddedSql) => Promise<T>): Promise<T>;
  /** Waits for the statements already made, then closes PGlite cleanly (the folder opens again at once) and ends the thread. */
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (made from `cacheDir` when new); in memory when absent. */
  dir?: string;
  /** Where an initialised, cleanly closed cluster is kept for new folders (made by the first start). */
  cacheDir?: string;
  /** The thread's V8 limits (default {@link EMBEDDED_RESOURCE_LIMITS}). */
  resourceLimits?: ResourceLimits;
}

/** shared_buffers of the embedded database: RSS grows with it (128 MB, PostgreSQL's default, costs ~130 MB more). */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * The worker's V8 heap. PGlite's own memory (the WebAssembly heap, shared buffers included) is not
 * V8 heap; its JavaScript allocates mostly short-lived objects (each statement's messages and rows),
 * so a small young generation is scavenged often and cheaply instead of growing to V8's default.
 * Measured in docs/dev.md ("Under load").
 */
export const EMBEDDED_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };

/** The thread's entry: the compiled file beside this one, or the TypeScript source run through tsx (bin/dev.js, tests). */
const WORKER_ENTRY = join(__dirname, `embedded-postgres-worker${extname(__filename)}`);

/** What the worker is started with (its workerData). */
export interface OpenRequest {
  dir?: string;
  cacheDir?: string;
  sharedBuffers: string;
}
export type ToDatabase = { kind: 'query'; id: number; text: string; params?: readonly unknown[] } | { kind: 'close'; id: number };
export type FromDatabase =
  | { kind: 'open' }
  | { kind: 'failed'; message: string; damaged: boolean }
  | { kind: 'result'; id: number; rows: unknown[]; rowCount: number }
  | { kind: 'error'; id: number; fields: Record<string, string | number | boolean> }
  | { kind: 'closed'; id: number };

/**
 * PGlite in `dir`, in a worker thread. A new folder starts as a copy of an empty, initialised cluster
 * kept on disk in `cacheDir` (made by the first initdb on this machine, then closed cleanly): copying
 * files and opening them takes a fraction of initdb's time, and PGlite then reads only the pages it
 * needs. (Its `loadDataDir` option unpacks a whole archive in memory instead: about 90 MB more
 * resident memory for the life of the process.) A folder that does not open is a UserError naming it
 * and the way out.
 */
export async function openEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedDatabase> {
  const request: OpenRequest = { sharedBuffers: EMBEDDED_SHARED_BUFFERS, ...(options.dir ? { dir: options.dir } : {}), ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) };
  const worker = new Worker(WORKER_ENTRY, {
    workerData: request,
    resourceLimits: options.resourceLimits ?? EMBEDDED_RESOURCE_LIMITS,
    // From the sources, the thread loads its TypeScript the way bin/dev.js does.
    ...(WORKER_ENTRY.endsWith('.ts') ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {}),
    name: 'embedded PostgreSQL',
  });
  const db = new WorkerDatabase(worker, options.dir);
  try {
    await db.opened;
  } catch (error) {
    await worker.terminate();
    if (!(error instanceof OpenFailed) || !error.damaged || !options.dir) throw error;
    throw new UserError(
      `the embedded database in ${options.dir} cannot be opened (${error.message}): its files are damaged, or were written by another PGlite version`,
      `start empty with --fresh (deletes ${dirname(options.dir)}), or move ${options.dir} away to keep it and run cafe-ops dev again`,
    );
  }
  return db;
}

class OpenFailed extends Error {
  constructor(
    message: string,
    readonly damaged: boolean,
  ) {
    super(message);
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

class WorkerDatabase implements EmbeddedDatabase {
  readonly opened: Promise<void>;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  /** Why the thread is gone, once it is. */
  private stopped: Error | undefined;
  private exitExpected = false;
  /** Transactions running or waiting for the line (and a close waiting for them). */
  private holders = 0;
  /** Settles when the last transaction that took the line has sent its COMMIT or ROLLBACK. */
  private line: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly dir: string | undefined,
  ) {
    let open!: Waiting;
    this.opened = new Promise<void>((resolve, reject) => (open = { resolve: resolve as (value: unknown) => void, reject }));
    let crash: Error | undefined;
    worker.on('message', (message: FromDatabase) => {
      if (message.kind === 'open') {
        // Idle between statements, the thread does not keep the process alive (as PGlite in the main thread did not).
        worker.unref();
        return open.resolve(undefined);
      }
      if (message.kind === 'failed') return open.reject(new OpenFailed(message.message, message.damaged));
      const entry = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if (message.kind === 'error') entry?.reject(Object.assign(new Error(String(message.fields.message)), message.fields));
      else entry?.resolve(message.kind === 'result' ? { rows: message.rows, rowCount: message.rowCount } : undefined);
    });
    worker.on('error', (error: Error) => (crash = error));
    worker.on('exit', (code) => {
      const reason = crash ? crash.message : `exit code ${code}`;
      this.stopped = this.exitExpected
        ? new Error('the embedded database is closed')
        : new Error(`the embedded database${dir ? ` in ${dir}` : ''} stopped (${reason}): restart cafe-ops dev to open it again`);
      open.reject(this.stopped);
      for (const entry of this.waiting.values()) entry.reject(this.stopped);
      this.waiting.clear();
    });
  }

  query<T>(text: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<T>> {
    if (this.closing) return Promise.reject(new Error('the embedded database is closed'));
    if (this.holders === 0) return this.send(text, params);
    return this.line.then(() => this.send(text, params));
  }

  async transaction<T>(fn: (tx: EmbeddedSql) => Promise<T>): Promise<T> {
    if (this.closing) throw new Error('the embedded database is closed');
    const release = this.takeLine();
    let ended = false;
    const end = (statement: 'COMMIT' | 'ROLLBACK') => {
      ended = true;
      const sent = this.send(statement);
      release.done();
      return sent;
    };
    try {
      await release.turn;
      await this.send('BEGIN');
      const tx: EmbeddedSql = {
        query: <R>(text: string, params?: readonly unknown[]) => (ended ? Promise.reject(new Error('this transaction has ended')) : this.send<R>(text, params)),
      };
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        await end('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await end('COMMIT');
      return result;
    } finally {
      if (!ended) {
        ended = true;
        release.done();
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const release = this.takeLine();
      await release.turn;
      try {
        if (!this.stopped) await this.request({ kind: 'close' });
      } finally {
        this.exitExpected = true;
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  /** A place in the line: `turn` settles when the transactions ahead have ended, `done()` lets the next one go. */
  private takeLine(): { turn: Promise<void>; done(): void } {
    const ahead = this.line;
    let done!: () => void;
    this.line = new Promise<void>((resolve) => (done = resolve));
    this.holders++;
    return {
      turn: ahead,
      done: () => {
        this.holders--;
        done();
      },
    };
  }

  private send<T>(text: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<T>> {
    return this.request({ kind: 'query', text, ...(params ? { params } : {}) }) as Promise<EmbeddedQueryResult<T>>;
  }

  private request(message: { kind: 'query'; text: string; params?: readonly unknown[] } | { kind: 'close' }): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ ...message, id } satisfies ToDatabase);
      } catch (error) {
        // A parameter that cannot be copied to the thread (a function, a class instance with private state...).
        return reject(error as Error);
      }
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
    });
  }
}
