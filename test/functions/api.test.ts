import { defineApiSuite } from './support/api-suite';
import { pgliteInWorker } from './support/pglite-worker';

describe('café API on embedded PostgreSQL (PGlite)', () => {
  defineApiSuite(async () => {
    const db = pgliteInWorker();
    return { db, close: () => db.close() };
  });
});
