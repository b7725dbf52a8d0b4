/**
 * Orders API (Cognito customers): POST /orders, GET /orders, GET /orders/{orderId},
 * POST /orders/{orderId}/cancel. A customer only ever sees their own orders.
 */
import type { Deps } from '../shared/deps';
import { notFound } from '../shared/errors';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv } from '../shared/env/dynamo';
import { workflowFromEnv } from '../shared/env/workflow';
import * as z from 'zod/mini';
import '../shared/schema';
import { corsOriginsFrom, createApiHandler, json, parseBody, parseWith, writesPausedFrom, type ApiHandler, type Route } from '../shared/http';
import { UUID } from '../shared/orders';
import { cancelOrder, getOrder, listOrders, placeOrder } from './domain';

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

export type OrdersDeps = Pick<Deps, 'db' | 'reader' | 'workflow' | 'clock' | 'log' | 'control' | 'corsOrigins'> & { newId?: () => string };

export function createHandler(deps: OrdersDeps): ApiHandler {
  const ports = () => ({ db: deps.db, workflow: deps.workflow, now: deps.clock.now(), newId: deps.newId });
  const header = (headers: Record<string, string | undefined> | null | undefined, name: string) =>
    Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
  const routes: Route[] = [
    {
      method: 'POST',
      resource: '/orders',
      access: 'customer',
      writes: true,
      handle: async ({ event, identity }) => {
        const body = parseBody(event, placeOrderSchema);
        const key = header(event.headers, 'idempotency-key');
        const clientToken = key === undefined ? undefined : parseWith(idempotencyKey, key, 'Idempotency-Key');
        const { order, created } = await placeOrder(ports(), identity!, { items: body.items, pickupAt: new Date(body.pickupAt), clientToken });
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
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), workflow: workflowFromEnv(env), control: controlFromEnv(env, dynamoFromEnv(env)) });
});
