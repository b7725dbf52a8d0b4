/**
 * Barista API (Cognito group `admin`): GET /admin/orders, POST /admin/orders/{orderId}/advance,
 * GET /admin/sales/daily.
 */
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv } from '../shared/env/dynamo';
import { workflowFromEnv } from '../shared/env/workflow';
import { badRequest } from '../shared/errors';
import * as z from 'zod/mini';
import '../shared/schema';
import { corsOriginsFrom, createApiHandler, json, parseBody, parseWith, writesPausedFrom, type ApiHandler, type Route } from '../shared/http';
import { UUID, type OrderStatus } from '../shared/orders';
import { advanceOrder, dailySales, orderQueue, QUEUE_STATUSES } from './domain';

const statuses = ['placed', 'accepted', 'preparing', 'ready', 'collected', 'cancelled', 'failed', 'payment_failed'] as const;
const queueQuery = z.object({
  status: z.optional(z.string().check(z.regex(/^[a-z_]+(,[a-z_]+){0,7}$/, 'must be a comma-separated list of statuses'))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 100),
});
const statusList = z.array(z.enum(statuses));
const advanceBody = z.optional(z.strictObject({ to: z.optional(z.enum(['preparing', 'ready', 'collected'])) }));
const salesQuery = z.object({ date: z.optional(z.iso.date({ error: 'must be a date YYYY-MM-DD' })) });

export type AdminDeps = Pick<Deps, 'db' | 'reader' | 'workflow' | 'clock' | 'log' | 'control' | 'corsOrigins'>;

export function createHandler(deps: AdminDeps): ApiHandler {
  const routes: Route[] = [
    {
      method: 'GET',
      resource: '/admin/orders',
      access: 'admin',
      handle: async ({ query }) => {
        const q = parseWith(queueQuery, query);
        const wanted: OrderStatus[] = q.status ? parseWith(statusList, q.status.split(','), 'status') : QUEUE_STATUSES;
        return json(200, { orders: await orderQueue(deps.db, wanted, q.limit) });
      },
    },
    {
      method: 'POST',
      resource: '/admin/orders/{orderId}/advance',
      access: 'admin',
      writes: true,
      handle: async ({ event, params }) => {
        const id = parseWith(z.string().check(z.regex(UUID, 'must be an order id (UUID)')), params.orderId, 'orderId');
        const body = parseBody(event, advanceBody);
        return json(200, await advanceOrder({ db: deps.db, workflow: deps.workflow, now: deps.clock.now() }, id, body?.to));
      },
    },
    {
      method: 'GET',
      resource: '/admin/sales/daily',
      access: 'admin',
      handle: async ({ query }) => {
        const date = parseWith(salesQuery, query).date ?? deps.clock.now().toISOString().slice(0, 10);
        if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw badRequest('date', 'is not a real date');
        return json(200, await dailySales(deps.reader, date));
      },
    },
  ];
  return createApiHandler({ routes, log: deps.log, writesPaused: writesPausedFrom(deps.control), corsOrigins: deps.corsOrigins ?? corsOriginsFrom() });
}

export const handler = lazyHandler(() => {
  const env = process.env;
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), workflow: workflowFromEnv(env), control: controlFromEnv(env, dynamoFromEnv(env)) });
});
