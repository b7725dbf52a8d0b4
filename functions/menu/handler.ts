/**
 * Menu API: GET /menu, GET /menu/{itemId} (public, from the read model); POST /menu,
 * PUT /menu/{itemId}, DELETE /menu/{itemId} (admin group; Aurora then the read model).
 */
import { z } from 'zod';
import type { Deps } from '../shared/deps';
import { fromEnvironment, lazyHandler } from '../shared/environment';
import { createApiHandler, json, noContent, parseBody, parseWith, writesPausedFrom, type ApiHandler, type Route } from '../shared/http';
import { createMenuItem, getMenuItem, listMenu, retireMenuItem, updateMenuItem, type MenuReadModel } from './domain';
import { dynamoMenuReadModel } from './read-model';

export const itemId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits or dashes');
const fields = {
  name: z.string().trim().min(1).max(80),
  description: z.string().max(500),
  category: z.string().trim().min(1).max(40),
  priceCents: z.number().int().positive().max(100_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  available: z.boolean(),
  stock: z.number().int().min(0).max(100_000).nullable(),
};
export const newItemSchema = z.strictObject({
  id: itemId,
  name: fields.name,
  description: fields.description.optional(),
  category: fields.category,
  priceCents: fields.priceCents,
  currency: fields.currency.optional(),
  available: fields.available.optional(),
  stock: fields.stock.optional(),
});
export const changesSchema = z
  .strictObject({
    name: fields.name.optional(),
    description: fields.description.optional(),
    category: fields.category.optional(),
    priceCents: fields.priceCents.optional(),
    currency: fields.currency.optional(),
    available: fields.available.optional(),
    stock: fields.stock.optional(),
    version: z.number().int().positive().optional(),
  })
  .refine((c) => Object.keys(c).some((k) => k !== 'version'), { message: 'nothing to change' });

export type MenuDeps = Pick<Deps, 'db' | 'reader' | 'clock' | 'log' | 'control' | 'dynamodb' | 'tables'> & {
  /** Defaults to the DynamoDB read model in `tables.menu`. */
  readModel?: MenuReadModel;
};

export function createHandler(deps: MenuDeps): ApiHandler {
  const readModel = deps.readModel ?? dynamoMenuReadModel(deps.dynamodb, deps.tables.menu);
  const ports = () => ({ db: deps.db, reader: deps.reader, readModel, now: deps.clock.now() });
  const routes: Route[] = [
    { method: 'GET', resource: '/menu', access: 'public', handle: async () => json(200, await listMenu(ports())) },
    {
      method: 'GET',
      resource: '/menu/{itemId}',
      access: 'public',
      handle: async ({ params }) => json(200, await getMenuItem(ports(), parseWith(itemId, params.itemId, 'itemId'))),
    },
    {
      method: 'POST',
      resource: '/menu',
      access: 'admin',
      writes: true,
      handle: async ({ event }) => json(201, await createMenuItem(ports(), parseBody(event, newItemSchema))),
    },
    {
      method: 'PUT',
      resource: '/menu/{itemId}',
      access: 'admin',
      writes: true,
      handle: async ({ event, params }) => {
        const id = parseWith(itemId, params.itemId, 'itemId');
        return json(200, await updateMenuItem(ports(), id, parseBody(event, changesSchema)));
      },
    },
    {
      method: 'DELETE',
      resource: '/menu/{itemId}',
      access: 'admin',
      writes: true,
      handle: async ({ params }) => {
        await retireMenuItem(ports(), parseWith(itemId, params.itemId, 'itemId'));
        return noContent();
      },
    },
  ];
  return createApiHandler({ routes, log: deps.log, writesPaused: writesPausedFrom(deps.control) });
}

export const handler = lazyHandler(() => createHandler(fromEnvironment()));
