/**
 * DynamoDB for the local café: dynalite (an implementation of the DynamoDB API on LevelDB) on
 * 127.0.0.1, kept in the data folder, or any endpoint given with --dynamodb-endpoint; the tables
 * are created from the data template's definitions.
 */
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { UserError } from '../errors';
import type { TableDefinition } from './app-model';

/** Credentials for a local endpoint: never the user's AWS credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * A DynamoDB client for the local endpoint (dynalite, or --dynamodb-endpoint), signing with fixed
 * local credentials so no AWS credentials are looked up. The one place the local café makes an SDK
 * client: AwsClients (src/lib/aws) has no way yet to pass static credentials.
 */
export function localDynamoClient(endpoint: string, region: string): import('@aws-sdk/client-dynamodb').DynamoDBClient {
  // Required on demand so `cafe-ops --help` loads no SDK.
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
}

export async function startDynalite(path: string | undefined): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (path) await checkStoreIsFree(path);
  // dynalite ships no type declarations; loaded on demand so `--help` stays light.
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => import('node:http').Server;
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Creates each table that does not exist yet (PAY_PER_REQUEST, key schema and indexes as in the template). */
export async function ensureTables(endpoint: string, region: string, tables: TableDefinition[]): Promise<string[]> {
  const { CreateTableCommand, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = localDynamoClient(endpoint, region);
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    const created: string[] = [];
    for (const table of tables) {
      if (existing.has(table.tableName)) continue;
      await client.send(
        new CreateTableCommand({
          TableName: table.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: table.attributeDefinitions as never,
          KeySchema: table.keySchema as never,
          ...(table.globalSecondaryIndexes ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes as never } : {}),
        }),
      );
      created.push(table.tableName);
    }
    return created;
  } finally {
    client.destroy();
  }
}

/**
 * dynalite opens its LevelDB store in the background and fails on the first request when another
 * process holds it; open it once here first so that case is a clear error instead.
 */
async function checkStoreIsFree(path: string): Promise<void> {
  const { Level } = require('level') as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
  const store = new Level(path);
  try {
    await store.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (/lock/i.test(`${cause?.code ?? ''} ${cause?.message ?? ''} ${(error as Error).message}`)) {
      throw new UserError(`the local data in ${dirname(path)} is in use by another cafe-ops dev`, 'stop the other one, or pass --data-dir with another folder');
    }
    throw error;
  }
  await store.close();
}
