/**
 * PGlite in a worker thread, behind the functions' SQL port. Jest's module sandbox cannot run
 * PGlite's WebAssembly loader (it needs dynamic import()), but a worker thread loads it natively.
 * PGlite has one connection, so statements are serialised here and a transaction holds the line
 * until it commits or rolls back.
 */
import { Worker } from 'node:worker_threads';
import type { Database, QueryResult, Sql } from '../../../functions/shared/sql';

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});
const ready = PGlite.create();
parentPort.on('message', async ({ id, text, params, close }) => {
  try {
    const db = await ready;
    if (close) { await db.close(); parentPort.postMessage({ id, result: null }); return; }
    const result = await db.query(text, params);
    parentPort.postMessage({ id, result: { rows: result.rows, rowCount: result.affectedRows || result.rows.length } });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

export function pgliteInWorker(): Database {
  const worker = new Worker(WORKER, { eval: true });
  let next = 0;
  const waiting = new Map<number, { resolve: (value: QueryResult<unknown>) => void; reject: (error: Error) => void }>();
  worker.on('message', (message: { id: number; result?: QueryResult<unknown>; error?: { message: string; code?: string } }) => {
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) entry?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else entry?.resolve(message.result!);
  });
  const send = <T>(payload: { text?: string; params?: unknown[]; close?: boolean }) =>
    new Promise<QueryResult<T>>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: QueryResult<unknown>) => void, reject });
      worker.postMessage({ id, ...payload });
    });

  // One line to the single connection: a transaction keeps it until it ends.
  let line: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = line.then(work, work);
    line = run.catch(() => undefined);
    return run;
  };
  const direct: Sql = { query: <T>(text: string, params?: readonly unknown[]) => send<T>({ text, params: params ? [...params] : undefined }) };

  return {
    query: (text, params) => exclusive(() => direct.query(text, params)),
    transaction: (fn) =>
      exclusive(async () => {
        await direct.query('BEGIN');
        try {
          const result = await fn(direct);
          await direct.query('COMMIT');
          return result;
        } catch (error) {
          await direct.query('ROLLBACK');
          throw error;
        }
      }),
    close: async () => {
      await exclusive(() => send({ close: true }));
      await worker.terminate();
    },
  };
}
