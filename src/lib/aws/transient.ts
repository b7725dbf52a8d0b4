/**
 * Node.js network errors: an AWS endpoint (or an emulator) that cannot be reached, for the CLI's one-line
 * errors (src/lib/aws/errors.ts). The functions' list of transient errors (functions/shared/transient.ts) starts
 * from the same codes, held equal by test/functions/write-pause.test.ts; the functions are bundled without src/.
 */

/** Node.js network error codes (https://nodejs.org/api/errors.html#common-system-errors, and getaddrinfo's EAI_AGAIN). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown } | undefined;
  return (typeof e?.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) || (typeof e?.name === 'string' && NETWORK_ERROR_CODES.has(e.name));
}
