/**
 * Applies the SQL migrations to the writer; deploy invokes it after the app stack, as the Aurora administrator.
 * Then, in AWS (APP_DB_SECRET_ARN set), makes sure the app user the functions sign in as exists and holds the
 * app's privileges on the schema (./app-role.ts); the rotation's first setSecret does the same, whichever
 * runs first. Locally (`cafe-ops dev`) the functions share the local database's one user, and there is no app role.
 * Event: {} or { seedDemoMenu: true } (local runs and test environments).
 */
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler, regionOf, type Env } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { secretString } from '../shared/env/secrets';
import { ensureAppRole, type AppCredentials } from './app-role';
import { MIGRATIONS } from './migrations';
import { applyMigrations, type MigrationResult } from './runner';
import { seedDemoMenu } from './seed';

export type MigrateDeps = Pick<Deps, 'db' | 'log'> & {
  /** The app user's current credentials (the app secret's AWSCURRENT), when the database has an app role. */
  appUser?: () => Promise<AppCredentials>;
};

export function createHandler(deps: MigrateDeps) {
  return async (event?: { seedDemoMenu?: boolean } | null): Promise<MigrationResult & { seeded?: number; appRoles?: string[] }> => {
    const result = await applyMigrations(deps.db, MIGRATIONS);
    deps.log.info('migrations', { applied: result.applied.map((a) => a.id), current: result.current });
    let appRoles: string[] | undefined;
    if (deps.appUser) {
      const user = await deps.appUser();
      appRoles = (await deps.db.transaction((tx) => ensureAppRole(tx, user))).created;
      deps.log.info('app role', { user: user.username, created: appRoles });
    }
    const seeded = event?.seedDemoMenu === true ? { seeded: await seedDemoMenu(deps.db) } : {};
    return { ...result, ...seeded, ...(appRoles ? { appRoles } : {}) };
  };
}

/** The app user's credentials from APP_DB_SECRET_ARN (AWS only: a DATABASE_URL has its own single user). */
export function appUserFromEnv(env: Env): MigrateDeps['appUser'] {
  const arn = env.APP_DB_SECRET_ARN;
  if (!arn || env.DATABASE_URL) return undefined;
  return async () => {
    const value = JSON.parse(await secretString(arn, regionOf(env))) as Partial<AppCredentials>;
    if (typeof value.username !== 'string' || typeof value.password !== 'string') throw new Error('the app user secret holds no username and password');
    return { username: value.username, password: value.password };
  };
}

export const handler = lazyHandler(() => {
  const appUser = appUserFromEnv(process.env);
  return createHandler({ ...baseFromEnv(process.env), ...databasesFromEnv(process.env), ...(appUser ? { appUser } : {}) });
});
