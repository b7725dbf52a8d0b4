/** The writer and reader databases: DATABASE_URL, or Aurora with credentials from Secrets Manager. */
import { connectPg, type Database } from '../sql';
import { once, regionOf, required, type Env } from './base';
import { secretString } from './secrets';

/**
 * PostgreSQL's invalid_password: the password the pool signed in with was rotated away. With alternating users
 * that is two rotations after the pool read the secret (docs/failover.md); the pool is then built again from the
 * secret's current version. https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const INVALID_PASSWORD = '28P01';

/** A Database that connects on first use, and again with fresh credentials when its password no longer signs in. */
export function lazyDatabase(connect: () => Promise<Database>): Database {
  let get = once(connect);
  // A sign-in fails before any statement runs, so the call is made again on the new pool.
  const run = async <T>(call: (db: Database) => Promise<T>): Promise<T> => {
    const db = await get();
    try {
      return await call(db);
    } catch (error) {
      if ((error as { code?: unknown }).code !== INVALID_PASSWORD) throw error;
      get = once(connect);
      void db.close().catch(() => undefined);
      return call(await get());
    }
  };
  return {
    query: (text, params) => run((db) => db.query(text, params)),
    transaction: (fn) => run((db) => db.transaction(fn)),
    close: async () => (await get()).close(),
  };
}

function database(env: Env, hostVariable: 'DB_WRITER_HOST' | 'DB_READER_HOST'): Database {
  return lazyDatabase(async () => {
    if (env.DATABASE_URL) return connectPg({ connectionString: env.DATABASE_URL });
    const secret = JSON.parse(await secretString(required(env, 'DB_SECRET_ARN'), regionOf(env))) as { username?: string; password?: string; port?: number };
    return connectPg({
      host: required(env, hostVariable),
      port: secret.port ?? 5432,
      database: env.DB_NAME ?? 'cafe',
      user: secret.username,
      password: secret.password,
      ssl: true,
    });
  });
}

export function databasesFromEnv(env: Env): { db: Database; reader: Database } {
  const db = database(env, 'DB_WRITER_HOST');
  const reader = env.DATABASE_URL || !env.DB_READER_HOST ? db : database(env, 'DB_READER_HOST');
  return { db, reader };
}
