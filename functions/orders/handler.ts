/**
 * Orders API (Cognito customers): POST /orders, GET /orders, GET /orders/{orderId},
 * POST /orders/{orderId}/cancel. A customer only ever sees their own orders.
 *
 * An `Idempotency-Key` makes POST /orders idempotent with Powertools idempotency (DynamoDB
 * records, key = customer + header): a repeat returns the first order (200); the same key with
 * another body is refused (422) by Powertools payload validation over the items and pickup time:
 * https://docs.powertools.aws.dev/lambda/typescript/latest/utilities/idempotency/#payload-validation
 */
import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Deps } from '../shared/deps';
import { HttpError, notFound } from '../shared/errors';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv, tablesFromEnv } from '../shared/env/dynamo';
import { workflowFromEnv } from '../shared/env/workflow';
import * as z from 'zod/mini';
import '../shared/schema';
import { corsOriginsFrom, createApiHandler, json, parseBody, parseWith, writesPausedFrom, type ApiHandler, type LambdaContext, type Route } from '../shared/http';
import type { Identity } from '../shared/identity';
import { UUID, type Order } from '../shared/orders';
import { stockRefresher, type MenuReadModel } from '../menu/domain';
import { dynamoMenuReadModel } from '../menu/read-model';
import { cancelOrder, getOrder, keyReused, listOrders, placeOrder } from './domain';

export const placeOrderSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        itemId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a menu item id')),
        quantity: z.int({ error: 'must be a whole number' }).check(z.minimum(1, 'must be at least 1'), z.maximum(20, 'must be at most 20')),
      }),
    )
    .check(z.minLength(1, 'must contain at least one item'), z.maxLength(20, 'must contain at most 20 items')),
  pickupAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
});
const orderId = z.string().check(z.regex(UUID, 'must be an order id (UUID)'));
const idempotencyKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, dashes or underscores'));
const listQuery = z.object({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50) });

export type OrdersDeps = Pick<Deps, 'db' | 'reader' | 'workflow' | 'clock' | 'log' | 'control' | 'corsOrigins' | 'dynamodb' | 'tables'> & {
  newId?: () => string;
  /** Defaults to the DynamoDB read model in `tables.menu`. */
  readModel?: MenuReadModel;
  /** Defaults to DynamoDB persistence in `tables.idempotency`. */
  idempotencyStore?: BasePersistenceLayer;
};

/** How long an Idempotency-Key is remembered by Powertools (the order's client_token keeps it for good). */
export const ORDER_KEY_TTL_SECONDS = 24 * 3600;
/** The function's timeout in templates/app.yaml, used when no Lambda context is given. */
const LOCAL_TIMEOUT_MS = 10_000;

interface KeyedOrder {
  customer: string;
  key: string;
  items: { itemId: string; quantity: number }[];
  pickupAt: string;
  /** Not hashed: tells this invocation whether it placed the order or replayed a stored result. */
  run: string;
  /** Not hashed: the caller (its `sub` is `customer`). */
  identity: Identity;
}

export function createHandler(deps: OrdersDeps): ApiHandler {
  const readModel = deps.readModel ?? dynamoMenuReadModel(deps.dynamodb, deps.tables.menu);
  const stockChanged = stockRefresher({ db: deps.db, readModel, clock: deps.clock, log: deps.log });
  const ports = () => ({ db: deps.db, workflow: deps.workflow, now: deps.clock.now(), newId: deps.newId, stockChanged });
  const persistenceStore = deps.idempotencyStore ?? new DynamoDBPersistenceLayer({ tableName: deps.tables.idempotency, awsSdkV3Client: deps.dynamodb });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[customer, key]',
    payloadValidationJmesPath: '[items, pickupAt]',
    expiresAfterSeconds: ORDER_KEY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  /** The order each run placed itself (so it is not read back); a replay has none. */
  const ran = new Map<string, Order | undefined>();
  const placeKeyed = makeIdempotent(
    async (request: KeyedOrder): Promise<{ orderId: string; created: boolean }> => {
      ran.set(request.run, undefined);
      const { order, created } = await placeOrder(ports(), request.identity, { items: request.items, pickupAt: new Date(request.pickupAt), clientToken: request.key });
      ran.set(request.run, order);
      return { orderId: order.id, created };
    },
    { persistenceStore, config, keyPrefix: 'orders' },
  );
  const placeWithKey = async (identity: Identity, body: z.infer<typeof placeOrderSchema>, key: string, context?: LambdaContext) => {
    const run = randomUUID();
    const started = Date.now();
    const lambdaContext = context?.getRemainingTimeInMillis ? context : { getRemainingTimeInMillis: () => LOCAL_TIMEOUT_MS - (Date.now() - started) };
    config.registerLambdaContext(lambdaContext as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
    try {
      const pickupAt = new Date(body.pickupAt).toISOString();
      const result = await placeKeyed({ customer: identity.sub, key, items: body.items, pickupAt, run, identity });
      const placed = ran.get(run);
      const order = placed?.id === result.orderId ? placed : await getOrder(deps.db, identity, result.orderId);
      if (!order) throw notFound('order');
      return { order, created: ran.has(run) && result.created };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'IdempotencyValidationError') throw keyReused();
      if (name === 'IdempotencyAlreadyInProgressError') {
        throw new HttpError(409, 'in_progress', 'an order with this Idempotency-Key is being placed; retry shortly', [], { 'Retry-After': '1' });
      }
      throw error;
    } finally {
      ran.delete(run);
    }
  };
  const header = (headers: Record<string, string | undefined> | null | undefined, name: string) =>
    Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
  const routes: Route[] = [
    {
      method: 'POST',
      resource: '/orders',
      access: 'customer',
      writes: true,
      handle: async ({ event, identity, context }) => {
        const body = parseBody(event, placeOrderSchema);
        const key = header(event.headers, 'idempotency-key');
        const clientToken = key === undefined ? undefined : parseWith(idempotencyKey, key, 'Idempotency-Key');
        const { order, created } = clientToken
          ? await placeWithKey(identity!, body, clientToken, context)
          : await placeOrder(ports(), identity!, { items: body.items, pickupAt: new Date(body.pickupAt) });
        return json(created ? 201 : 200, order, { Location: `/orders/${order.id}` });
      },
    },
    {
      method: 'GET',
      resource: '/orders',
      access: 'customer',
      handle: async ({ query, identity }) => json(200, { orders: await listOrders(deps.db, identity!, parseWith(listQuery, query).limit) }),
    },
    {
      method: 'GET',
      resource: '/orders/{orderId}',
      access: 'customer',
      handle: async ({ params, identity }) => {
        const order = await getOrder(deps.db, identity!, parseWith(orderId, params.orderId, 'orderId'));
        if (!order) throw notFound('order');
        return json(200, order);
      },
    },
    {
      method: 'POST',
      resource: '/orders/{orderId}/cancel',
      access: 'customer',
      writes: true,
      handle: async ({ params, identity }) => json(200, await cancelOrder(ports(), identity!, parseWith(orderId, params.orderId, 'orderId'))),
    },
  ];
  return createApiHandler({ routes, log: deps.log, writesPaused: writesPausedFrom(deps.control), corsOrigins: deps.corsOrigins ?? corsOriginsFrom() });
}

export const handler = lazyHandler(() => {
  const env = process.env;
  const dynamodb = dynamoFromEnv(env);
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), workflow: workflowFromEnv(env), dynamodb, tables: tablesFromEnv(env), control: controlFromEnv(env, dynamodb) });
});
