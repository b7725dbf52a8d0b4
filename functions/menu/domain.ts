/**
 * The menu: Aurora is the source of truth; the DynamoDB read model is one document holding the
 * whole current menu, rewritten after every change of the menu or of its stock (an admin edit, an
 * order placed, cancelled or failed) by `refreshReadModel`, so a menu read is one GetItem.
 */
import { conflict, notFound } from '../shared/errors';
import type { Clock, Log } from '../shared/ports';
import type { Database, Sql } from '../shared/sql';

export interface MenuItem {
  id: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  available: boolean;
  /** Items left today; null = not counted. */
  stock: number | null;
  version: number;
}

export interface MenuDocument {
  items: MenuItem[];
  updatedAt: string;
}

/** Where the read model lives (DynamoDB in AWS). */
export interface MenuReadModel {
  get(): Promise<MenuDocument | undefined>;
  put(document: MenuDocument): Promise<void>;
}

export interface NewMenuItem {
  id: string;
  name: string;
  description?: string;
  category: string;
  priceCents: number;
  currency?: string;
  available?: boolean;
  stock?: number | null;
}
export type MenuItemChanges = Partial<Omit<NewMenuItem, 'id'>> & { version?: number };

interface Row {
  id: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  currency: string;
  available: boolean;
  stock: number | null;
  version: number;
}
const COLUMNS = 'id, name, description, category, price_cents, currency, available, stock, version';
const toItem = (r: Row): MenuItem => ({
  id: r.id,
  name: r.name,
  description: r.description,
  category: r.category,
  priceCents: r.price_cents,
  currency: r.currency.trim(),
  available: r.available,
  stock: r.stock,
  version: r.version,
});

/**
 * The current menu, stamped with the database time of the read: of two snapshots, the one read
 * later holds every change committed before it, whichever request started first.
 */
export async function loadMenu(sql: Sql, now: Date): Promise<MenuDocument> {
  const { rows } = await sql.query<Row & { as_of: Date | string }>(
    `SELECT ${COLUMNS}, statement_timestamp() AS as_of FROM menu_items WHERE retired_at IS NULL ORDER BY category, name, id`,
  );
  const asOf = rows[0] ? new Date(rows[0].as_of) : now;
  return { items: rows.map(toItem), updatedAt: asOf.toISOString() };
}

/** Rebuilds the read model from the source of truth (the read model keeps the latest snapshot). */
export async function refreshReadModel(sql: Sql, readModel: MenuReadModel, now: Date): Promise<MenuDocument> {
  const document = await loadMenu(sql, now);
  await readModel.put(document);
  return document;
}

/**
 * The one path by which stock changes reach the read model, after the change has committed: the
 * orders function (order placed or cancelled), the order-workflow function (stock returned when an
 * order fails or is cancelled) and the menu function (edits) all call it. A read model that cannot
 * be written is logged and left to the next change (the order itself stands); stock is still
 * enforced by the database when an order is placed.
 */
export async function refreshAfterStockChange(ports: { db: Sql; readModel: MenuReadModel; now: Date; log: Log }): Promise<void> {
  try {
    await refreshReadModel(ports.db, ports.readModel, ports.now);
  } catch (error) {
    ports.log.warn('menu read model not refreshed', { error: (error as Error).name, message: (error as Error).message });
  }
}

/** The current menu: the read model, or (when it is missing) the database, repairing the read model. */
export async function listMenu(ports: { reader: Sql; readModel: MenuReadModel; now: Date }): Promise<MenuDocument> {
  const cached = await ports.readModel.get();
  if (cached) return cached;
  return refreshReadModel(ports.reader, ports.readModel, ports.now);
}

export async function getMenuItem(ports: { reader: Sql; readModel: MenuReadModel; now: Date }, id: string): Promise<MenuItem> {
  const menu = await listMenu(ports);
  const item = menu.items.find((i) => i.id === id);
  if (!item) throw notFound(`menu item "${id}"`);
  return item;
}

export async function createMenuItem(ports: { db: Database; readModel: MenuReadModel; now: Date }, input: NewMenuItem): Promise<MenuItem> {
  const { rows } = await ports.db.query<Row>(
    `INSERT INTO menu_items (id, name, description, category, price_cents, currency, available, stock)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [input.id, input.name, input.description ?? '', input.category, input.priceCents, input.currency ?? 'EUR', input.available ?? true, input.stock ?? null],
  );
  if (!rows[0]) throw conflict(`menu item "${input.id}" already exists`);
  await refreshReadModel(ports.db, ports.readModel, ports.now);
  return toItem(rows[0]);
}

export async function updateMenuItem(ports: { db: Database; readModel: MenuReadModel; now: Date }, id: string, changes: MenuItemChanges): Promise<MenuItem> {
  const item = await ports.db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM menu_items WHERE id = $1 AND retired_at IS NULL FOR UPDATE`, [id]);
    const current = rows[0];
    if (!current) throw notFound(`menu item "${id}"`);
    if (changes.version !== undefined && changes.version !== current.version) {
      throw conflict(`menu item "${id}" changed since version ${changes.version} (now ${current.version})`);
    }
    const next = {
      name: changes.name ?? current.name,
      description: changes.description ?? current.description,
      category: changes.category ?? current.category,
      price: changes.priceCents ?? current.price_cents,
      currency: changes.currency ?? current.currency.trim(),
      available: changes.available ?? current.available,
      stock: changes.stock === undefined ? current.stock : changes.stock,
    };
    const updated = await tx.query<Row>(
      `UPDATE menu_items SET name = $2, description = $3, category = $4, price_cents = $5, currency = $6, available = $7, stock = $8,
         version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, next.name, next.description, next.category, next.price, next.currency, next.available, next.stock],
    );
    return toItem(updated.rows[0]!);
  });
  await refreshReadModel(ports.db, ports.readModel, ports.now);
  return item;
}

/** Retires an item: it leaves the menu; past orders keep pointing at it. */
export async function retireMenuItem(ports: { db: Database; readModel: MenuReadModel; now: Date }, id: string): Promise<void> {
  const result = await ports.db.query(`UPDATE menu_items SET retired_at = now(), available = false, version = version + 1 WHERE id = $1 AND retired_at IS NULL`, [id]);
  if (result.rowCount === 0) throw notFound(`menu item "${id}"`);
  await refreshReadModel(ports.db, ports.readModel, ports.now);
}

/**
 * `refreshAfterStockChange` for one function instance, coalesced: a call made while a refresh runs
 * waits for one more refresh that starts after the running one ends (so after the caller's commit),
 * shared by every call made meanwhile. In Lambda an instance serves one request at a time, so each
 * change refreshes once; a process serving many requests at once (`cafe-ops dev`) writes the read
 * model about twice per burst instead of once per order.
 */
export function stockRefresher(ports: { db: Sql; readModel: MenuReadModel; clock: Clock; log: Log }): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = () => {
    const run = refreshAfterStockChange({ db: ports.db, readModel: ports.readModel, now: ports.clock.now(), log: ports.log }).finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    next ??= running.then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}
