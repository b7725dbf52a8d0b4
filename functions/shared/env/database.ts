/** The writer and reader databases: DATABASE_URL, or Aurora with credentials from Secrets Manager. */
import { connectPg, type Database } from '../sql';
import { once, regionOf, required, type Env } from './base';
import { secretString } from './secrets';

/** A Database that connects on first use. */
export function lazyDatabase(connect: () => Promise<Database>): Database {
  const get = once(connect);
  return {
    query: async (text, params) => (await get()).query(text, params),
    transaction: async (fn) => (await get()).transaction(fn),
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
