/**
 * Rotation of the Aurora secrets, through the global writer endpoint (DB_WRITER_HOST), so a rotation
 * follows the writer across regions.
 *
 * - The app user's secret rotates with alternating users
 *   (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html): two roles, `x`
 *   and `x_clone`, take turns. Each rotation sets a new password on the role not in use and makes it
 *   current; the other keeps its password, so connections opened with the previous version still work
 *   and a rotation during a failover drill never locks the café out. The administrator's secret is the
 *   superuser that sets the other role's password (AWS's templates name it in the secret as `masterarn`;
 *   here it is this region's administrator secret, MASTER_SECRET_ARN, because a replicated value would
 *   still name the primary region's secret after the replica is promoted).
 * - The administrator's own secret rotates with a single user: its password changes. Aurora cannot manage
 *   the master password of a global database's cluster itself
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html).
 *
 * The four steps are the Secrets Manager rotation protocol
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html):
 * createSecret, setSecret, testSecret, finishSecret; each safe to run again.
 */
import { baseRole, CLONE_SUFFIX, ensureAppRole, grantAppPrivileges, ident, literal, roleExists } from '../migrate/app-role';
import type { Database } from '../shared/sql';

export interface DbCredentials {
  username: string;
  password: string;
  [key: string]: unknown;
}

export interface RotationSecrets {
  /** versionId → staging labels of the secret being rotated. */
  versions(): Promise<Record<string, string[]>>;
  /** The value of a version (by id) or a stage (AWSCURRENT, AWSPENDING); undefined when absent. */
  value(version: { id?: string; stage?: string }): Promise<DbCredentials | undefined>;
  putPending(token: string, value: DbCredentials): Promise<void>;
  /** Moves AWSCURRENT to `token` from `currentVersionId` (AWSPREVIOUS follows). */
  makeCurrent(token: string, currentVersionId: string): Promise<void>;
  /**
   * The administrator's credentials (the master secret) that may sign in: AWSCURRENT, then AWSPENDING (a
   * single-user rotation of the administrator that set its new password but has not made it current yet).
   */
  master(): Promise<DbCredentials[]>;
  newPassword(): Promise<string>;
}

export type RotationStrategy = 'alternating-users' | 'single-user';

export interface RotationPorts {
  secrets: RotationSecrets;
  /** alternating-users for the app user's secret, single-user for the administrator's own. */
  strategy?: RotationStrategy;
  /** A connection through the global writer endpoint with these credentials. */
  connect(credentials: DbCredentials): Promise<Database>;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** The role that takes the next turn: x → x_clone → x. */
export function alternate(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? baseRole(username) : `${username}${CLONE_SUFFIX}`;
}

/** A connection with these credentials that has signed in (a pool connects on its first statement). */
async function signIn(ports: RotationPorts, credentials: DbCredentials): Promise<Database> {
  const db = await ports.connect(credentials);
  try {
    await db.query('SELECT 1');
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** The first of these credentials that signs in. */
async function firstThatSignsIn(ports: RotationPorts, candidates: DbCredentials[]): Promise<Database> {
  let last: unknown;
  for (const c of candidates) {
    try {
      return await signIn(ports, c);
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`none of the ${candidates.length} credentials signs in: ${(last as Error | undefined)?.message ?? 'no credentials'}`);
}

export async function rotate(ports: RotationPorts, step: RotationStep, token: string): Promise<string> {
  const { secrets } = ports;
  const strategy = ports.strategy ?? 'alternating-users';
  switch (step) {
    case 'createSecret': {
      if (await secrets.value({ id: token })) return 'pending version already exists';
      const current = await secrets.value({ stage: 'AWSCURRENT' });
      if (!current) throw new Error('the secret has no AWSCURRENT version');
      const next = strategy === 'single-user' ? current.username : alternate(current.username);
      await secrets.putPending(token, { ...current, username: next, password: await secrets.newPassword() });
      return `pending version for ${next}`;
    }
    case 'setSecret': {
      const pending = await need(secrets, token);
      const current = await secrets.value({ stage: 'AWSCURRENT' });
      if (strategy === 'single-user') return setSingleUser(ports, pending, current);
      const admin = await firstThatSignsIn(ports, await secrets.master());
      try {
        // The secret's current user exists before its clone is made (on a new database, before migrate has run).
        if (current) await ensureAppRole(admin, current);
        if (await roleExists(admin, pending.username)) {
          await admin.query(`ALTER ROLE ${ident(pending.username)} WITH LOGIN PASSWORD ${literal(pending.password)}`);
        } else {
          // The clone gets the privileges of the role it alternates with, as a member of it.
          const base = baseRole(pending.username);
          const member = base !== pending.username && (await roleExists(admin, base)) ? ` IN ROLE ${ident(base)}` : '';
          await admin.query(`CREATE ROLE ${ident(pending.username)} WITH LOGIN PASSWORD ${literal(pending.password)}${member}`);
          if (base === pending.username) await grantAppPrivileges(admin, base);
        }
      } finally {
        await admin.close();
      }
      return `password set for ${pending.username}`;
    }
    case 'testSecret': {
      const pending = await need(secrets, token);
      const db = await ports.connect(pending);
      try {
        await db.query('SELECT 1');
      } finally {
        await db.close();
      }
      return `${pending.username} signs in`;
    }
    case 'finishSecret': {
      const versions = await secrets.versions();
      const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
      if (current === token) return 'already current';
      if (!current) throw new Error('the secret has no AWSCURRENT version');
      await secrets.makeCurrent(token, current);
      return `version ${token} is current`;
    }
  }
}

/**
 * The single-user setSecret of AWS's templates: if the pending password already signs in, it is set; otherwise sign
 * in with the current (or the previous) password and change it to the pending one.
 */
async function setSingleUser(ports: RotationPorts, pending: DbCredentials, current: DbCredentials | undefined): Promise<string> {
  try {
    const db = await signIn(ports, pending);
    await db.close();
    return `password of ${pending.username} already set`;
  } catch {
    // not set yet
  }
  const previous = await ports.secrets.value({ stage: 'AWSPREVIOUS' });
  const candidates = [current, previous].filter((c): c is DbCredentials => c !== undefined && c.username === pending.username);
  const db = await firstThatSignsIn(ports, candidates);
  try {
    await db.query(`ALTER ROLE ${ident(pending.username)} WITH PASSWORD ${literal(pending.password)}`);
  } finally {
    await db.close();
  }
  return `password set for ${pending.username}`;
}

async function need(secrets: RotationSecrets, token: string): Promise<DbCredentials> {
  const pending = await secrets.value({ id: token });
  if (!pending) throw new Error(`no pending version ${token}: createSecret has not run`);
  return pending;
}
