import { openPglite } from '../../functions/shared/pglite';
import { defineApiSuite } from './support/api-suite';
import { describeWithVmModules } from './support/vm-modules';

describeWithVmModules('café API on embedded PostgreSQL (PGlite)')('café API on embedded PostgreSQL (PGlite)', () => {
  defineApiSuite(async () => {
    const db = await openPglite();
    return { db, close: () => db.close() };
  });
});
