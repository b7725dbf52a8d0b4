/**
 * The rotation function Secrets Manager invokes with { SecretId, ClientRequestToken, Step }
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html).
 * It connects through the Aurora global writer endpoint (DB_WRITER_HOST). The administrator's secret
 * (MASTER_SECRET_ARN) rotates with a single user; any other secret it is given (the app user's) with
 * alternating users, the administrator setting the passwords (./domain.ts).
 */
import {
  DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import '../shared/schema';
import { baseFromEnv, lazyHandler, regionOf, required, type Env } from '../shared/env/base';
import { connectPg } from '../shared/sql';
import { rotate, type DbCredentials, type RotationPorts, type RotationStrategy } from './domain';

export const rotationEventSchema = z.object({
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.minLength(1)),
  Step: z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
});

const credentials = (text: string | undefined): DbCredentials => {
  const value = JSON.parse(text ?? '{}') as Partial<DbCredentials>;
  if (typeof value.username !== 'string' || typeof value.password !== 'string') throw new Error('the secret holds no username and password');
  return value as DbCredentials;
};

/** The name of a secret from its ARN (`arn:…:secret:name-AbCdEf`) or its name. */
const secretName = (id: string) => (id.startsWith('arn:') ? id.split(':').slice(6).join(':').replace(/-[A-Za-z0-9]{6}$/, '') : id);

/** single-user for the administrator's own secret (MASTER_SECRET_ARN), alternating users for the others. */
export function strategyFor(env: Env, secretId: string): RotationStrategy {
  return secretName(secretId) === secretName(required(env, 'MASTER_SECRET_ARN')) ? 'single-user' : 'alternating-users';
}

export function awsRotationPorts(env: Env, secretId: string, client = new SecretsManagerClient({ region: regionOf(env) })): RotationPorts {
  const master = async (stage: 'AWSCURRENT' | 'AWSPENDING') => {
    try {
      return credentials((await client.send(new GetSecretValueCommand({ SecretId: required(env, 'MASTER_SECRET_ARN'), VersionStage: stage }))).SecretString);
    } catch (error) {
      if (stage === 'AWSPENDING' && (error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  return {
    strategy: strategyFor(env, secretId),
    secrets: {
      versions: async () => (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {},
      value: async ({ id, stage }) => {
        try {
          const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...(id ? { VersionId: id } : {}), ...(stage ? { VersionStage: stage } : {}) }));
          return credentials(out.SecretString);
        } catch (error) {
          if ((error as Error).name === 'ResourceNotFoundException') return undefined;
          throw error;
        }
      },
      putPending: async (token, value) => {
        await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }));
      },
      makeCurrent: async (token, current) => {
        await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
      },
      master: async () => [await master('AWSCURRENT'), await master('AWSPENDING').catch(() => undefined)].filter((c): c is DbCredentials => c !== undefined),
      // No quotes or backslashes: the password is a literal in ALTER ROLE.
      newPassword: async () => (await client.send(new GetRandomPasswordCommand({ PasswordLength: 32, ExcludeCharacters: `"'\\/@\` ` }))).RandomPassword!,
    },
    connect: (c) => connectPg({ host: required(env, 'DB_WRITER_HOST'), port: Number(c.port ?? 5432), database: env.DB_NAME ?? 'cafe', user: c.username, password: c.password, ssl: true, max: 1 }),
  };
}

export function createHandler(build: (secretId: string) => RotationPorts, log = baseFromEnv(process.env).log) {
  return async (event: unknown): Promise<void> => {
    const parsed = rotationEventSchema.safeParse(event);
    if (!parsed.success) throw new Error('expected { SecretId, ClientRequestToken, Step }');
    const { SecretId, ClientRequestToken, Step } = parsed.data;
    const ports = build(SecretId);
    if (Step === 'createSecret') {
      // Secrets Manager's own check: the token must be a version of this secret, staged AWSPENDING.
      const stages = (await ports.secrets.versions())[ClientRequestToken];
      if (!stages) throw new Error(`version ${ClientRequestToken} is not a version of the secret`);
      if (stages.includes('AWSCURRENT')) return;
    }
    const done = await rotate(ports, Step, ClientRequestToken);
    log.info('rotation step', { step: Step, done });
  };
}

export const handler = lazyHandler(() => createHandler((secretId) => awsRotationPorts(process.env, secretId)));
