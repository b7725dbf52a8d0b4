/**
 * The rotation function's Secrets Manager adapter and handler, pinned with aws-sdk-client-mock; the migrate
 * function's reading of the app user; and the functions' pool rebuilt when a rotation took its password away.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 */
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { appUserFromEnv } from '../../functions/migrate/handler';
import { awsRotationPorts, createHandler } from '../../functions/rotation/handler';
import { lazyDatabase } from '../../functions/shared/env/database';
import { silentLog } from '../../functions/shared/ports';
import type { Database } from '../../functions/shared/sql';

const ADMIN = 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cafe/production/aurora-admin-AbC123';
const APP = 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cafe/production/aurora-app-XyZ789';
const env = { AWS_REGION: 'eu-west-1', MASTER_SECRET_ARN: ADMIN, DB_WRITER_HOST: 'cafe-production.global-abc.global.rds.amazonaws.com' };

const sm = mockClient(SecretsManagerClient);
beforeEach(() => sm.reset());
afterAll(() => sm.restore());

describe('the rotation function in AWS', () => {
  const client = () => new SecretsManagerClient({ region: 'eu-west-1' });

  it('rotates the administrator secret with a single user and any other with alternating users', () => {
    expect(awsRotationPorts(env, ADMIN, client()).strategy).toBe('single-user');
    expect(awsRotationPorts(env, APP, client()).strategy).toBe('alternating-users');
  });

  it('signs in as the administrator with AWSCURRENT, then AWSPENDING while the administrator\'s own rotation is half-way', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ADMIN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: '{"username":"cafe_admin","password":"old"}' });
    sm.on(GetSecretValueCommand, { SecretId: ADMIN, VersionStage: 'AWSPENDING' }).resolves({ SecretString: '{"username":"cafe_admin","password":"new"}' });
    expect((await awsRotationPorts(env, APP, client()).secrets.master()).map((c) => c.password)).toEqual(['old', 'new']);
    sm.on(GetSecretValueCommand, { SecretId: ADMIN, VersionStage: 'AWSPENDING' }).rejects(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
    expect((await awsRotationPorts(env, APP, client()).secrets.master()).map((c) => c.password)).toEqual(['old']);
  });

  it('stages versions as the protocol says: PutSecretValue AWSPENDING with the token, AWSCURRENT moved from the old version', async () => {
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    const ports = awsRotationPorts(env, APP, client());
    await ports.secrets.putPending('t1', { username: 'cafe_app_clone', password: 'p' });
    await ports.secrets.makeCurrent('t1', 'v0');
    expect(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: APP, ClientRequestToken: 't1', SecretString: '{"username":"cafe_app_clone","password":"p"}', VersionStages: ['AWSPENDING'] });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]!.args[0].input).toEqual({ SecretId: APP, VersionStage: 'AWSCURRENT', MoveToVersionId: 't1', RemoveFromVersionId: 'v0' });
  });

  it('refuses an event that is not a rotation step, and a token that is not a version of the secret; does nothing for a current one', async () => {
    const handler = createHandler((id) => awsRotationPorts(env, id, client()), silentLog);
    await expect(handler({ SecretId: APP, Step: 'dropSecret' })).rejects.toThrow('expected { SecretId, ClientRequestToken, Step }');
    sm.on(DescribeSecretCommand, { SecretId: APP }).resolves({ VersionIdsToStages: { v0: ['AWSCURRENT'] } });
    await expect(handler({ SecretId: APP, ClientRequestToken: 'nope', Step: 'createSecret' })).rejects.toThrow('version nope is not a version of the secret');
    await expect(handler({ SecretId: APP, ClientRequestToken: 'v0', Step: 'createSecret' })).resolves.toBeUndefined();
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('the migrate function and the app user', () => {
  it('reads the app user\'s current credentials in AWS, and has no app role locally (DATABASE_URL)', async () => {
    sm.on(GetSecretValueCommand, { SecretId: APP }).resolves({ SecretString: '{"username":"cafe_app","password":"p0","engine":"postgres"}' });
    expect(await appUserFromEnv({ AWS_REGION: 'eu-west-1', APP_DB_SECRET_ARN: APP })!()).toEqual({ username: 'cafe_app', password: 'p0' });
    expect(appUserFromEnv({ APP_DB_SECRET_ARN: APP, DATABASE_URL: 'postgres://localhost/cafe' })).toBeUndefined();
    expect(appUserFromEnv({})).toBeUndefined();
  });
});

describe('a function\'s database after two rotations', () => {
  it('builds its pool again from the current secret when PostgreSQL answers invalid_password (28P01), and only then', async () => {
    const pools: string[] = [];
    const passwords = ['old', 'new'];
    const connect = async (): Promise<Database> => {
      const password = passwords[pools.length] ?? 'new';
      pools.push(password);
      return {
        query: async () => {
          if (password === 'old') throw Object.assign(new Error('password authentication failed for user "cafe_app"'), { code: '28P01' });
          return { rows: [], rowCount: 1 };
        },
        transaction: async (fn) => fn({ query: async () => ({ rows: [], rowCount: 0 }) }),
        close: async () => undefined,
      };
    };
    const db = lazyDatabase(connect);
    await expect(db.query('INSERT INTO customers (id) VALUES ($1)', ['c1'])).resolves.toMatchObject({ rowCount: 1 });
    expect(pools).toEqual(['old', 'new']);
    const failing = lazyDatabase(async () => ({ query: async () => Promise.reject(Object.assign(new Error('relation does not exist'), { code: '42P01' })), transaction: async () => undefined as never, close: async () => undefined }));
    await expect(failing.query('SELECT 1')).rejects.toThrow('relation does not exist');
  });
});
