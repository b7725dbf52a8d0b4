/**
 * In-memory PGlite behind the functions' SQL port, for the suites that run the functions on it: the
 * same module `cafe-ops dev` uses (src/lib/dev/embedded-postgres.ts), which runs PGlite in a worker
 * thread. (Jest's module sandbox could not load PGlite's WebAssembly itself: its loader needs dynamic
 * import(); a worker thread loads it natively.)
 */
import type { Database } from '../../../functions/shared/sql';
import { openEmbeddedPostgres } from '../../../src/lib/dev/embedded-postgres';

/** Usable at once: statements made before PGlite is open wait for it. */
export function pgliteInWorker(): Database {
  const opened = openEmbeddedPostgres();
  opened.catch(() => undefined);
  return {
    query: async (text, params) => (await opened).query(text, params),
    transaction: async (fn) => (await opened).transaction(fn),
    close: async () => (await opened).close(),
  };
}
