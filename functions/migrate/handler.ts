/**
 * Applies the SQL migrations to the writer; deploy invokes it after the data stack.
 * Event: {} or { seedDemoMenu: true } (local runs and test environments).
 */
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { MIGRATIONS } from './migrations';
import { applyMigrations, type MigrationResult } from './runner';
import { seedDemoMenu } from './seed';

export type MigrateDeps = Pick<Deps, 'db' | 'log'>;

export function createHandler(deps: MigrateDeps) {
  return async (event?: { seedDemoMenu?: boolean } | null): Promise<MigrationResult & { seeded?: number }> => {
    const result = await applyMigrations(deps.db, MIGRATIONS);
    deps.log.info('migrations', { applied: result.applied.map((a) => a.id), current: result.current });
    if (event?.seedDemoMenu === true) return { ...result, seeded: await seedDemoMenu(deps.db) };
    return result;
  };
}

export const handler = lazyHandler(() => createHandler({ ...baseFromEnv(process.env), ...databasesFromEnv(process.env) }));
