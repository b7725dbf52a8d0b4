/**
 * The app's database roles and what they may do. The functions sign in as the app user (`cafe_app`, or
 * `cafe_app_clone` when the alternating-users rotation made it current): least privilege, reading and
 * writing the café's rows, never changing the schema, never managing roles. The privileges are granted
 * to `cafe_app`; `cafe_app_clone` is a member of it, so both users can do the same.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html (alternating users)
 * https://www.postgresql.org/docs/15/sql-alterdefaultprivileges.html
 *
 * Migrate (after the migrations, as the administrator) and the rotation's setSecret both call
 * ensureAppRole, so whichever runs first on a new database creates the role the app signs in with.
 */
import type { Sql } from '../shared/sql';

export interface AppCredentials {
  username: string;
  password: string;
}

const ROLE = /^[a-z_][a-z0-9_]{0,56}$/;
export const CLONE_SUFFIX = '_clone';

/** The role that holds the privileges: `cafe_app` for both `cafe_app` and `cafe_app_clone`. */
export const baseRole = (username: string) => (username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username);

/** A role name as a quoted identifier, refusing anything that is not a plain lower-case name. */
export function ident(name: string): string {
  if (!ROLE.test(name)) throw new Error(`refusing role name ${JSON.stringify(name)}: expected lower-case letters, digits and _`);
  return `"${name}"`;
}

/**
 * A password as a string literal. Utility statements (CREATE/ALTER ROLE) take no parameters; generated passwords
 * exclude quotes and backslashes, and a quote is doubled anyway.
 */
export const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function roleExists(db: Sql, name: string): Promise<boolean> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [name])).rows[0]!.n > 0;
}

/** Table privileges of the app: the rows of every table but the migration log; no DELETE (nothing deletes rows). */
const TABLE_PRIVILEGES = 'SELECT, INSERT, UPDATE';

/**
 * Makes the login role of `current` (the secret's AWSCURRENT user) exist with its password when it does not yet,
 * and grants the app's privileges on the schema as it is now and as the administrator extends it later.
 * Run as the administrator. Safe to run again.
 */
export async function ensureAppRole(db: Sql, current: AppCredentials): Promise<{ created: string[] }> {
  const base = baseRole(current.username);
  const created: string[] = [];
  if (!(await roleExists(db, base))) {
    // The first user of the secret signs in with the secret's password; a base role behind a current clone (never
    // the case after a rotation, which creates the clone from it) gets its password at its next turn.
    await db.query(base === current.username ? `CREATE ROLE ${ident(base)} WITH LOGIN PASSWORD ${literal(current.password)}` : `CREATE ROLE ${ident(base)} NOLOGIN`);
    created.push(base);
  }
  if (current.username !== base && !(await roleExists(db, current.username))) {
    await db.query(`CREATE ROLE ${ident(current.username)} WITH LOGIN PASSWORD ${literal(current.password)} IN ROLE ${ident(base)}`);
    created.push(current.username);
  }
  await grantAppPrivileges(db, base);
  return { created };
}

export async function grantAppPrivileges(db: Sql, base: string): Promise<void> {
  const role = ident(base);
  await db.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await db.query(`GRANT ${TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO ${role}`);
  await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  // Tables and sequences the administrator creates later (the next migrations) come with the same privileges.
  await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${TABLE_PRIVILEGES} ON TABLES TO ${role}`);
  await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
  // The migration log is the administrator's.
  const log = (await db.query<{ t: string | null }>(`SELECT to_regclass('public.schema_migrations')::text AS t`)).rows[0]?.t;
  if (log) await db.query(`REVOKE ALL ON TABLE schema_migrations FROM ${role}`);
}
