import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

// The pg adapter is replaced by a recorder: these tests look at what the functions connect with in AWS.
const connections: Record<string, unknown>[] = [];
jest.mock('../../functions/shared/sql', () => ({
  ...jest.requireActual('../../functions/shared/sql'),
  connectPg: async (options: Record<string, unknown>) => {
    connections.push(options);
    return { query: async () => ({ rows: [{ ok: 1 }], rowCount: 1 }), transaction: async () => undefined, close: async () => undefined };
  },
}));

import { databasesFromEnv } from '../../functions/shared/env/database';

describe('the database connections of a function in AWS', () => {
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    connections.length = 0;
    secrets.reset();
  });
  afterAll(() => secrets.restore());

  it('read the administrator secret, write through the global writer and read from the local reader, over verified TLS', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:eu-central-1:222222222222:secret:cafe/production/aurora-admin' }).resolves({
      SecretString: JSON.stringify({ username: 'cafe_admin', password: 'not-a-real-password' }),
    });
    const { db, reader } = databasesFromEnv({
      AWS_REGION: 'eu-central-1',
      DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:222222222222:secret:cafe/production/aurora-admin',
      DB_WRITER_HOST: 'cafe-production-global.global-abc.global.rds.amazonaws.com',
      DB_READER_HOST: 'cafe-production-secondary.cluster-ro-xyz.eu-central-1.rds.amazonaws.com',
      DB_NAME: 'cafe',
    });
    await db.query('select 1');
    await db.query('select 1');
    await reader.query('select 1');
    expect(connections).toEqual([
      { host: 'cafe-production-global.global-abc.global.rds.amazonaws.com', port: 5432, database: 'cafe', user: 'cafe_admin', password: 'not-a-real-password', ssl: true },
      { host: 'cafe-production-secondary.cluster-ro-xyz.eu-central-1.rds.amazonaws.com', port: 5432, database: 'cafe', user: 'cafe_admin', password: 'not-a-real-password', ssl: true },
    ]);
    // One connection pool per endpoint, built on first use; the secret is read in the function's own region.
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('use DATABASE_URL instead when it is set, with one pool for writes and reads', async () => {
    const { db, reader } = databasesFromEnv({ DATABASE_URL: 'postgres://cafe@127.0.0.1:5432/cafe', DB_READER_HOST: 'ignored' });
    expect(reader).toBe(db);
    await db.query('select 1');
    expect(connections).toEqual([{ connectionString: 'postgres://cafe@127.0.0.1:5432/cafe' }]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('fail with the missing variable named when neither is set', async () => {
    const { db } = databasesFromEnv({ AWS_REGION: 'eu-west-1', DB_WRITER_HOST: 'writer' });
    await expect(db.query('select 1')).rejects.toThrow('environment variable DB_SECRET_ARN is not set');
  });
});
