/**
 * Payments idempotency with the real Powertools persistence on DynamoDB (dynalite, and moto_server
 * when installed): 50 concurrent identical requests with one key → exactly one charge.
 */
import { DynamoDBClient, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createHandler as paymentsHandler } from '../../functions/payments/handler';
import type { PaymentResult } from '../../functions/payments/domain';
import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { httpPaymentProvider } from '../../functions/shared/payment-provider';
import { connectPg, type Database } from '../../functions/shared/sql';
import { startMoto, type Moto } from '../support/moto';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';
import { reset } from './support/api-suite';
import { ALICE, PICKUP, apiEvent, bodyOf, prepare, startDynalite, testDeps } from './support/harness';
import { createHandler as ordersHandler } from '../../functions/orders/handler';
import type { Order } from '../../functions/shared/orders';

jest.setTimeout(60_000);

type Store = { name: string; client: DynamoDBClient; stop(): Promise<void> };

const stores: { name: string; available: () => boolean; start: () => Promise<Store> }[] = [
  {
    name: 'dynalite',
    available: () => true,
    start: async () => ({ name: 'dynalite', ...(await startDynalite()) }),
  },
  {
    name: 'moto_server',
    available: () => Boolean(require('../support/tools').findTool(TOOLS.moto.command)),
    start: async () => {
      const moto: Moto = await startMoto();
      const client = new DynamoDBClient({ region: 'eu-west-1', endpoint: moto.endpoint });
      await client.send(
        new CreateTableCommand({
          TableName: 'idempotency',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      return { name: 'moto_server', client, stop: async () => (client.destroy(), moto.stop()) };
    },
  },
];

describeWithTool(TOOLS.postgres, 'payments idempotency on PostgreSQL 15')('payments', () => {
  let pg: Postgres;
  let db: Database;
  let sandbox: PaymentSandbox;
  beforeAll(async () => {
    pg = await startPostgres();
    db = await connectPg({ connectionString: await pg.createDatabase('payments'), max: 10 });
    await prepare(db);
    sandbox = await startPaymentSandbox();
  });
  afterAll(async () => {
    await db?.close();
    await sandbox?.close();
    await pg?.stop();
  });

  async function newOrder(): Promise<Order> {
    const deps = testDeps(db);
    const result = await ordersHandler(deps)(apiEvent('POST', '/orders', { claims: ALICE, body: { items: [{ itemId: 'espresso', quantity: 2 }], pickupAt: PICKUP } }));
    return bodyOf<Order>(result);
  }

  for (const storeSpec of stores) {
    const maybe = storeSpec.available() ? describe : describe.skip;
    maybe(`with idempotency records in ${storeSpec.name}`, () => {
      let store: Store;
      beforeAll(async () => (store = await storeSpec.start()));
      afterAll(async () => store?.stop());
      beforeEach(async () => {
        await reset(db);
        sandbox.reset();
      });

      const handler = () =>
        paymentsHandler(testDeps(db, { dynamodb: store.client, payments: httpPaymentProvider({ baseUrl: sandbox.url, apiKey: async () => sandbox.apiKey }) }));

      it('50 concurrent identical requests with one key charge exactly once', async () => {
        const order = await newOrder();
        sandbox.delayMs = 50;
        const payments = handler();
        const event = { action: 'authorise', orderId: order.id, idempotencyKey: `authorise-${order.id}` };
        const settled = await Promise.allSettled(Array.from({ length: 50 }, () => payments(event)));
        const fulfilled = settled.filter((s): s is PromiseFulfilledResult<PaymentResult> => s.status === 'fulfilled').map((s) => s.value);
        const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as Error);
        expect(sandbox.calls.filter((c) => c.path === '/v1/authorisations')).toHaveLength(1);
        expect(sandbox.authorisations.size).toBe(1);
        expect(fulfilled.length).toBeGreaterThanOrEqual(1);
        // Duplicates that arrive while the first is running fail with an error the state machine retries.
        for (const error of rejected) expect(error).toMatchObject({ name: 'PaymentProviderUnavailable', message: 'this payment is already in progress; retry shortly' });
        const [auth] = [...sandbox.authorisations.values()];
        for (const result of fulfilled) expect(result).toEqual({ orderId: order.id, status: 'authorised', authorisationId: auth!.id, amountCents: 500, currency: 'EUR' });

        // A retry after completion gets the stored result without calling the provider.
        const again = await payments(event);
        expect(again.authorisationId).toBe(auth!.id);
        expect(sandbox.calls.filter((c) => c.path === '/v1/authorisations')).toHaveLength(1);
        const records = await store.client.send(new ScanCommand({ TableName: 'idempotency' }));
        expect(records.Items?.some((i) => i.id?.S?.startsWith('payments#') && i.status?.S === 'COMPLETED')).toBe(true);
      });

      it('a failed call is not remembered: the retry after an outage charges once', async () => {
        const order = await newOrder();
        const payments = handler();
        const event = { action: 'authorise', orderId: order.id, idempotencyKey: `authorise-${order.id}` };
        sandbox.mode = 'down';
        await expect(payments(event)).rejects.toMatchObject({ name: 'PaymentProviderUnavailable' });
        sandbox.mode = 'approve';
        await expect(payments(event)).resolves.toMatchObject({ status: 'authorised' });
        expect(sandbox.authorisations.size).toBe(1);
        expect((await db.query<{ payment_status: string }>('SELECT payment_status FROM orders WHERE id = $1', [order.id])).rows[0]?.payment_status).toBe('authorised');
      });

      it('refuses a key reused for another order', async () => {
        const first = await newOrder();
        const second = await newOrder();
        const payments = handler();
        await payments({ action: 'authorise', orderId: first.id, idempotencyKey: 'shared-key' });
        await expect(payments({ action: 'authorise', orderId: second.id, idempotencyKey: 'shared-key' })).rejects.toMatchObject({ name: 'IdempotencyValidationError' });
        expect(sandbox.authorisations.size).toBe(1);
      });

      it('captures and refunds once each, whatever the retries', async () => {
        const order = await newOrder();
        const payments = handler();
        await payments({ action: 'authorise', orderId: order.id, idempotencyKey: `authorise-${order.id}` });
        await Promise.all([1, 2, 3].map(() => payments({ action: 'capture', orderId: order.id, idempotencyKey: `capture-${order.id}` }).catch(() => undefined)));
        await payments({ action: 'capture', orderId: order.id, idempotencyKey: `capture-${order.id}` });
        await payments({ action: 'refund', orderId: order.id, idempotencyKey: `refund-${order.id}` });
        await payments({ action: 'refund', orderId: order.id, idempotencyKey: `refund-${order.id}` });
        expect(sandbox.calls.filter((c) => c.path.endsWith('/capture'))).toHaveLength(1);
        expect(sandbox.calls.filter((c) => c.path.endsWith('/refund'))).toHaveLength(1);
        expect([...sandbox.authorisations.values()][0]?.status).toBe('refunded');
      });
    });
  }
});
