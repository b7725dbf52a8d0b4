/** `cafe-ops dev --dynamodb-endpoint`: the tables of the data template created in another DynamoDB (moto_server here). */
import { DynamoDBClient, ListTablesCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startMoto, type Moto } from '../support/moto';
import { TOOLS, describeWithTool } from '../support/tools';
import { call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

describeWithTool(TOOLS.moto, 'cafe-ops dev with --dynamodb-endpoint')('cafe-ops dev with another DynamoDB endpoint', () => {
  let moto: Moto;
  let dev: SpawnedDev;

  beforeAll(async () => {
    moto = await startMoto();
    dev = await spawnDev(['--fresh', '--no-watch', '--dynamodb-endpoint', moto.endpoint]);
  }, 120_000);

  afterAll(async () => {
    await dev?.stop();
    await moto?.stop();
  }, 60_000);

  it('creates the tables there with the template\'s key schemas, and the functions use them', async () => {
    expect(dev.result.dynamodb).toBe(moto.endpoint);
    const client = new DynamoDBClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const names = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
      expect(names.sort()).toEqual(['cafe-local-carts', 'cafe-local-control', 'cafe-local-idempotency', 'cafe-local-menu']);
      const idempotency = await client.send(new DescribeTableCommand({ TableName: 'cafe-local-idempotency' }));
      expect(idempotency.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      // The health check reads the control table; the menu is cached in the menu table.
      expect((await call(dev.result.urls.api, '/health')).body).toMatchObject({ checks: { dynamodb: { ok: true } } });
      expect((await call(dev.result.urls.api, '/menu')).status).toBe(200);
    } finally {
      client.destroy();
    }
  });
});
