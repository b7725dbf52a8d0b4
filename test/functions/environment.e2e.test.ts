/**
 * The exported `handler` of each module, built from environment variables the way Lambda runs it:
 * PostgreSQL through DATABASE_URL, DynamoDB through AWS_ENDPOINT_URL_DYNAMODB (dynalite). Each
 * handler reads its environment on its first invocation.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { handler as health } from '../../functions/health/handler';
import { handler as menu } from '../../functions/menu/handler';
import { handler as migrate } from '../../functions/migrate/handler';
import { dynamoMenuReadModel } from '../../functions/menu/read-model';
import { MIGRATIONS } from '../../functions/migrate/migrations';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';
import { apiEvent, bodyOf, BARISTA, startDynalite } from './support/harness';

jest.setTimeout(60_000);

describeWithTool(TOOLS.postgres, 'handlers from the environment')('handlers built from the Lambda environment', () => {
  let pg: Postgres;
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    pg = await startPostgres();
    dynamo = await startDynalite();
    Object.assign(process.env, {
      DATABASE_URL: await pg.createDatabase('cafe'),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      MENU_TABLE: 'menu',
      CONTROL_TABLE: 'control',
      IDEMPOTENCY_TABLE: 'idempotency',
      REGION_ROLE: 'secondary',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await dynamo?.stop();
    await pg?.stop();
  });

  it('migrate, health and menu answer from their environment alone', async () => {
    expect(await migrate({ seedDemoMenu: true })).toMatchObject({ current: MIGRATIONS.length, seeded: 7 });

    const healthy = await health(apiEvent('GET', '/health'));
    expect(healthy.statusCode).toBe(200);
    expect(bodyOf(healthy)).toMatchObject({ region: 'eu-west-1', role: 'secondary', writesPaused: false, checks: { reader: { ok: true, writer: true }, dynamodb: { ok: true } } });

    // The failover drill's Aurora canary, invoked directly.
    expect(await health({ action: 'canary-write', id: 'canary#env#1' })).toMatchObject({ id: 'canary#env#1', region: 'eu-west-1' });
    expect(await health({ action: 'canary-read', ids: ['canary#env#1'] })).toMatchObject({ found: [{ id: 'canary#env#1' }], missing: [] });

    const list = await menu(apiEvent('GET', '/menu'));
    expect(bodyOf<{ items: unknown[] }>(list).items).toHaveLength(7);

    // The failover drill's switch, written the way the drill writes it, pauses writes.
    await dynamo.client.send(new PutItemCommand({ TableName: 'control', Item: { pk: { S: 'maintenance' }, writesPaused: { BOOL: true }, retryAfterSeconds: { N: '45' } } }));
    const paused = await menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }));
    expect([paused.statusCode, paused.headers['Retry-After']]).toEqual([503, '45']);
    expect(bodyOf(await health(apiEvent('GET', '/health')))).toMatchObject({ writesPaused: true });
    await dynamo.client.send(new PutItemCommand({ TableName: 'control', Item: { pk: { S: 'maintenance' }, writesPaused: { BOOL: false } } }));
    const created = await menu(apiEvent('POST', '/menu', { claims: BARISTA, body: { id: 'mocha', name: 'Mocha', category: 'coffee', priceCents: 450 } }));
    expect(created.statusCode).toBe(201);
    // The read model in DynamoDB was rewritten with the new item.
    const item = await menu(apiEvent('GET', '/menu/{itemId}', { params: { itemId: 'mocha' } }));
    expect(bodyOf(item)).toMatchObject({ id: 'mocha', priceCents: 450 });
  });
});

describe('menu read model in DynamoDB', () => {
  it('keeps the newest snapshot when refreshes finish out of order', async () => {
    const dynamo = await startDynalite();
    try {
      const model = dynamoMenuReadModel(dynamo.client, 'menu');
      expect(await model.get()).toBeUndefined();
      const item = { id: 'espresso', name: 'Espresso', description: '', category: 'coffee', priceCents: 250, currency: 'EUR', available: true, stock: null, version: 2 };
      await model.put({ items: [item], updatedAt: '2026-11-25T09:00:02.000Z' });
      await model.put({ items: [{ ...item, priceCents: 240, version: 1 }], updatedAt: '2026-11-25T09:00:01.000Z' });
      expect(await model.get()).toEqual({ items: [item], updatedAt: '2026-11-25T09:00:02.000Z' });
    } finally {
      await dynamo.stop();
    }
  });
});
