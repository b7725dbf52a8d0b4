/**
 * The SQL port over embedded PostgreSQL (PGlite), for running the functions without a server.
 * PGlite runs one statement at a time; transactions queue behind each other.
 */
import type { Database, Sql } from './sql';

/** The subset of a PGlite instance (or its transaction object) used here. */
interface PgliteQueryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
}
export interface PgliteLike extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const adapt = (target: PgliteQueryable): Sql => ({
  query: async <T>(text: string, params?: readonly unknown[]) => {
    const result = await target.query<T>(text, params ? [...params] : undefined);
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  },
});

export function pgliteDatabase(db: PgliteLike): Database {
  const sql = adapt(db);
  return {
    query: sql.query,
    transaction: (fn) => db.transaction((tx) => fn(adapt(tx))),
    close: () => db.close(),
  };
}

/** An in-memory PGlite database, or one persisted in `dataDir`. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  return pgliteDatabase(db as unknown as PgliteLike);
}
