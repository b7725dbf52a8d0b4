/**
 * The SQL port of the functions: one query method and one transaction method, small enough that
 * a pooled `pg` server connection (AWS, a local server) and embedded PGlite both fit behind it.
 * Statements take `$1`-style parameters; one statement per call.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Database extends Sql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The subset of pg.Pool used here (kept structural so tests can pass any pool). */
export interface PgPoolLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}
interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(error?: Error | boolean): void;
}

/** A Database over a pg Pool. */
export function pgDatabase(pool: PgPoolLike): Database {
  const run = async <T>(client: Pick<PgClientLike, 'query'>, text: string, params?: readonly unknown[]) => {
    const result = await client.query(text, params ? [...params] : undefined);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  };
  return {
    query: (text, params) => run(pool, text, params),
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken ?? false);
      }
    },
    close: () => pool.end(),
  };
}

/** Options for a pg Pool built from a connection string or from host + credentials. */
export interface PgConnection {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean;
  max?: number;
}

/** A Database over a new pg Pool (small: one Lambda instance serves one request at a time). */
export async function connectPg(options: PgConnection): Promise<Database> {
  const { Pool } = await import('pg');
  const pool = new Pool({
    connectionString: options.connectionString,
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    ssl: options.ssl ? { rejectUnauthorized: true } : undefined,
    max: options.max ?? 2,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 60_000,
    // Lambda freezes between invocations; keep idle connections from being reused once broken.
    keepAlive: true,
  });
  pool.on('error', () => undefined);
  return pgDatabase(pool as unknown as PgPoolLike);
}
