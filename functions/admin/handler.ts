/**
 * Barista API (Cognito group `admin`): GET /admin/orders, POST /admin/orders/{orderId}/advance,
 * GET /admin/sales/daily.
 */
import { z } from 'zod';
import type { Deps } from '../shared/deps';
import { fromEnvironment, lazyHandler } from '../shared/environment';
import { badRequest } from '../shared/errors';
import { createApiHandler, json, parseBody, parseWith, writesPausedFrom, type ApiHandler, type Route } from '../shared/http';
import { UUID, type OrderStatus } from '../shared/orders';
import { advanceOrder, dailySales, orderQueue, QUEUE_STATUSES } from './domain';

const statuses = ['placed', 'accepted', 'preparing', 'ready', 'collected', 'cancelled', 'failed'] as const;
const queueQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : QUEUE_STATUSES))
    .pipe(z.array(z.enum(statuses)).min(1).max(7)),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
const advanceBody = z.strictObject({ to: z.enum(['preparing', 'ready', 'collected']).optional() }).optional();
const salesQuery = z.object({ date: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).optional() });

export type AdminDeps = Pick<Deps, 'db' | 'reader' | 'workflow' | 'clock' | 'log' | 'control'>;

export function createHandler(deps: AdminDeps): ApiHandler {
  const routes: Route[] = [
    {
      method: 'GET',
      resource: '/admin/orders',
      access: 'admin',
      handle: async ({ query }) => {
        const q = parseWith(queueQuery, query);
        return json(200, { orders: await orderQueue(deps.db, q.status as OrderStatus[], q.limit) });
      },
    },
    {
      method: 'POST',
      resource: '/admin/orders/{orderId}/advance',
      access: 'admin',
      writes: true,
      handle: async ({ event, params }) => {
        const id = parseWith(z.string().regex(UUID, 'must be an order id (UUID)'), params.orderId, 'orderId');
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
  return createApiHandler({ routes, log: deps.log, writesPaused: writesPausedFrom(deps.control) });
}

export const handler = lazyHandler(() => createHandler(fromEnvironment()));
