/**
 * Rotation of the app's database secret with the alternating-users strategy
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html): two roles, `x`
 * and `x_clone`, take turns. Each rotation sets a new password on the role not in use and makes it
 * current; the other keeps its password, so connections opened with the previous version still work
 * and a rotation during a failover drill never locks the café out. Every statement goes through the
 * Aurora global writer endpoint (DB_WRITER_HOST), so a rotation follows the writer across regions.
 *
 * The four steps are the Secrets Manager rotation protocol
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html):
 * createSecret, setSecret, testSecret, finishSecret; each safe to run again.
 */
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
  /** The administrator's credentials (the master secret), used to set the other role's password. */
  master(): Promise<DbCredentials>;
  newPassword(): Promise<string>;
}

export interface RotationPorts {
  secrets: RotationSecrets;
  /** A connection through the global writer endpoint with these credentials. */
  connect(credentials: DbCredentials): Promise<Database>;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

const ROLE = /^[a-z_][a-z0-9_]{0,56}$/;
const CLONE = '_clone';

/** The role that takes the next turn: x → x_clone → x. */
export function alternate(username: string): string {
  return username.endsWith(CLONE) ? username.slice(0, -CLONE.length) : `${username}${CLONE}`;
}

const ident = (name: string) => {
  if (!ROLE.test(name)) throw new Error(`refusing role name ${JSON.stringify(name)}: expected lower-case letters, digits and _`);
  return `"${name}"`;
};
// Utility statements (ALTER ROLE) take no parameters: the password is a literal. Generated passwords exclude quotes and backslashes; double any quote anyway.
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function rotate(ports: RotationPorts, step: RotationStep, token: string): Promise<string> {
  const { secrets } = ports;
  switch (step) {
    case 'createSecret': {
      if (await secrets.value({ id: token })) return 'pending version already exists';
      const current = await secrets.value({ stage: 'AWSCURRENT' });
      if (!current) throw new Error('the secret has no AWSCURRENT version');
      const next = alternate(current.username);
      await secrets.putPending(token, { ...current, username: next, password: await secrets.newPassword() });
      return `pending version for ${next}`;
    }
    case 'setSecret': {
      const pending = await need(secrets, token);
      const current = await secrets.value({ stage: 'AWSCURRENT' });
      const admin = await ports.connect(await secrets.master());
      try {
        const exists = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [pending.username])).rows[0]!.n > 0;
        if (!exists) {
          await admin.query(`CREATE ROLE ${ident(pending.username)} WITH LOGIN PASSWORD ${literal(pending.password)}`);
          // The clone gets the privileges of the role it alternates with.
          if (current) await admin.query(`GRANT ${ident(current.username)} TO ${ident(pending.username)}`);
        } else {
          await admin.query(`ALTER ROLE ${ident(pending.username)} WITH LOGIN PASSWORD ${literal(pending.password)}`);
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

async function need(secrets: RotationSecrets, token: string): Promise<DbCredentials> {
  const pending = await secrets.value({ id: token });
  if (!pending) throw new Error(`no pending version ${token}: createSecret has not run`);
  return pending;
}
