/**
 * Payments idempotency with the real Powertools persistence on DynamoDB (dynalite, and moto_server
 * when installed): 50 concurrent identical requests with one key → exactly one charge. And the
 * payment's one-statement write under real concurrency, which embedded PGlite cannot show: invocations
 * racing for one order store one payment, move the order once and all answer the stored authorisation.
 */
import { DynamoDBClient, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createHandler as paymentsHandler } from '../../functions/payments/handler';
import { authorise, type PaymentResult } from '../../functions/payments/domain';
import { startPaymentSandbox, type PaymentSandbox } from '../../functions/shared/local/payment-sandbox';
import { httpPaymentProvider } from '../../functions/shared/payment-provider';
import { connectPg, type Database } from '../../functions/shared/sql';
import { startMoto, type Moto } from '../support/moto';
import { startPostgres, type Postgres } from '../support/postgres';
import { describeWithTool, TOOLS } from '../support/tools';
import { reset } from './support/api-suite';
import { ALICE, FakeProvider, PICKUP, apiEvent, bodyOf, prepare, startDynalite, testDeps } from './support/harness';
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

  describe('racing authorisations of one order (distinct keys, so no idempotency record serialises them)', () => {
    beforeEach(async () => reset(db));
    const stored = async (orderId: string) =>
      (
        await db.query<{ payment_status: string; authorisation_id: string; rows: number; updated_at: Date }>(
          `SELECT o.payment_status, o.updated_at, p.authorisation_id, (SELECT count(*)::int FROM payments WHERE order_id = o.id) AS rows
             FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.id = $1`,
          [orderId],
        )
      ).rows[0]!;
    const now = new Date('2026-11-25T09:00:00.000Z');

    /** Runs `authorise` while another transaction holds an uncommitted payment of the order, then ends that transaction. */
    async function againstUncommitted(orderId: string, outcome: 'commit' | 'rollback'): Promise<PaymentResult> {
      let result: Promise<PaymentResult> | undefined;
      const rivalDone = db.transaction(async (tx) => {
        await tx.query(`INSERT INTO payments (order_id, authorisation_id, status, amount_cents, currency) VALUES ($1, 'rival', 'authorised', 500, 'EUR')`, [orderId]);
        await tx.query(`UPDATE orders SET payment_status = 'authorised', updated_at = '2026-11-25T08:00:00Z' WHERE id = $1`, [orderId]);
        result = authorise({ db, provider: new FakeProvider(), now }, orderId, `authorise-${orderId}`);
        // The statement that stores the payment waits for the rival's transaction to end.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH stored%'`);
          if (rows[0]!.n === 1) break;
          if (Date.now() > deadline) throw new Error('the authorisation never waited for the rival');
          await new Promise((r) => setTimeout(r, 10));
        }
        if (outcome === 'rollback') throw new Error('rival rolled back');
      });
      await (outcome === 'commit' ? rivalDone : expect(rivalDone).rejects.toThrow('rival rolled back'));
      return result!;
    }

    it('waits for a rival still committing, keeps its payment and answers it, leaving the order as the rival wrote it', async () => {
      const order = await newOrder();
      await expect(againstUncommitted(order.id, 'commit')).resolves.toEqual({ orderId: order.id, status: 'authorised', authorisationId: 'rival', amountCents: 500, currency: 'EUR' });
      // The UPDATE's snapshot predates the rival's commit, so it saw the order pending; it waited for the
      // rival's row, evaluated its WHERE again on the committed version, and left it.
      expect(await stored(order.id)).toEqual({ payment_status: 'authorised', authorisation_id: 'rival', rows: 1, updated_at: new Date('2026-11-25T08:00:00Z') });
    });

    it('stores its own payment when the rival rolls back', async () => {
      const order = await newOrder();
      await expect(againstUncommitted(order.id, 'rollback')).resolves.toEqual({ orderId: order.id, status: 'authorised', authorisationId: 'auth-1', amountCents: 500, currency: 'EUR' });
      expect(await stored(order.id)).toEqual({ payment_status: 'authorised', authorisation_id: 'auth-1', rows: 1, updated_at: now });
    });

    it('20 invocations at once: one payment row, the order authorised, every one answering the stored authorisation', async () => {
      const order = await newOrder();
      let calls = 0;
      const provider = new FakeProvider();
      const slow = Object.assign(Object.create(provider) as FakeProvider, {
        authorise: async (request: Parameters<FakeProvider['authorise']>[0]) => {
          await new Promise((r) => setTimeout(r, 20));
          return { ...(await provider.authorise(request)), authorisationId: `auth-${++calls}` };
        },
      });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => authorise({ db, provider: slow, now }, order.id, `key-${i}`)));
      const row = await stored(order.id);
      expect(row).toMatchObject({ payment_status: 'authorised', rows: 1 });
      expect(new Set(results.map((r) => r.authorisationId))).toEqual(new Set([row.authorisation_id]));
      expect(results.every((r) => r.status === 'authorised' && r.amountCents === 500)).toBe(true);
    });
  });

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
