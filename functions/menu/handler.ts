/**
 * Menu API: GET /menu, GET /menu/{itemId} (public, from the read model); POST /menu,
 * PUT /menu/{itemId}, DELETE /menu/{itemId} (admin group; Aurora then the read model).
 */
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv, tablesFromEnv } from '../shared/env/dynamo';
import * as z from 'zod/mini';
import '../shared/schema';
import { corsOriginsFrom, createApiHandler, json, noContent, parseBody, parseWith, writesPausedFrom, type ApiHandler, type Route } from '../shared/http';
import { createMenuItem, getMenuItem, listMenu, retireMenuItem, updateMenuItem, type MenuReadModel } from './domain';
import { dynamoMenuReadModel } from './read-model';

export const itemId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits or dashes'));
const fields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
  description: z.string().check(z.maxLength(500)),
  category: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)),
  priceCents: z.int().check(z.positive(), z.maximum(100_000)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  available: z.boolean(),
  stock: z.nullable(z.int().check(z.minimum(0), z.maximum(100_000))),
};
export const newItemSchema = z.strictObject({
  id: itemId,
  name: fields.name,
  description: z.optional(fields.description),
  category: fields.category,
  priceCents: fields.priceCents,
  currency: z.optional(fields.currency),
  available: z.optional(fields.available),
  stock: z.optional(fields.stock),
});
export const changesSchema = z
  .strictObject({
    name: z.optional(fields.name),
    description: z.optional(fields.description),
    category: z.optional(fields.category),
    priceCents: z.optional(fields.priceCents),
    currency: z.optional(fields.currency),
    available: z.optional(fields.available),
    stock: z.optional(fields.stock),
    version: z.optional(z.int().check(z.positive())),
  })
  .check(z.refine((c) => Object.keys(c).some((k) => k !== 'version'), { message: 'nothing to change' }));

export type MenuDeps = Pick<Deps, 'db' | 'reader' | 'clock' | 'log' | 'control' | 'dynamodb' | 'tables' | 'corsOrigins'> & {
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
  return createApiHandler({ routes, log: deps.log, writesPaused: writesPausedFrom(deps.control), corsOrigins: deps.corsOrigins ?? corsOriginsFrom() });
}

export const handler = lazyHandler(() => {
  const env = process.env;
  const dynamodb = dynamoFromEnv(env);
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), dynamodb, tables: tablesFromEnv(env), control: controlFromEnv(env, dynamodb) });
});
