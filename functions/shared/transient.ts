/**
 * The one list of errors that mean "try again shortly" rather than "bug", for every function (the API router,
 * the health check, the workflow). It imports nothing from the CLI: the functions are bundled from the
 * project's functions/ alone. The CLI keeps the network part for AWS endpoints (src/lib/aws/transient.ts); a
 * test holds the two network lists equal.
 */

/** Node.js network error codes (https://nodejs.org/api/errors.html#common-system-errors, and getaddrinfo's EAI_AGAIN). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * PostgreSQL SQLSTATEs a retry can cure, from Appendix A (https://www.postgresql.org/docs/15/errcodes-appendix.html):
 * class 08 connection exception, 57P01-57P03 server shutting down or not yet accepting connections,
 * 25006 read_only_sql_transaction (an Aurora writer demoted mid-switch), 40001 serialization_failure,
 * 40P01 deadlock_detected.
 */
export const POSTGRES_TRANSIENT_CODES: ReadonlySet<string> = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '25006', // read_only_sql_transaction
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** What node-postgres says, without a code, when a connection is lost or cannot be made in time; and a deadline of ours. */
const TRANSIENT_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|no answer within/i;

export function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown } | undefined;
  return (typeof e?.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) || (typeof e?.name === 'string' && NETWORK_ERROR_CODES.has(e.name));
}

/** A lost connection, a database not accepting connections or writes yet, a conflict that a retry resolves. */
export function isTransientError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown };
  if (isNetworkError(error)) return true;
  if (typeof e.code === 'string' && POSTGRES_TRANSIENT_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && TRANSIENT_MESSAGES.test(e.message);
}
