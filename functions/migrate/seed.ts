/** A small demonstration menu, for local runs and tests (never applied in AWS unless asked). */
import type { Database } from '../shared/sql';

export const DEMO_MENU = [
  { id: 'espresso', name: 'Espresso', description: 'A double shot', category: 'coffee', priceCents: 250 },
  { id: 'flat-white', name: 'Flat white', description: 'Double shot, steamed milk', category: 'coffee', priceCents: 380 },
  { id: 'cappuccino', name: 'Cappuccino', description: 'Espresso, milk foam', category: 'coffee', priceCents: 360 },
  { id: 'oat-latte', name: 'Oat latte', description: 'Espresso, steamed oat milk', category: 'coffee', priceCents: 420 },
  { id: 'green-tea', name: 'Green tea', description: 'Sencha, loose leaf', category: 'tea', priceCents: 300 },
  { id: 'croissant', name: 'Croissant', description: 'Butter croissant, baked this morning', category: 'food', priceCents: 280, stock: 24 },
  { id: 'banana-bread', name: 'Banana bread', description: 'A thick slice', category: 'food', priceCents: 350, stock: 12 },
];

/** Inserts the demonstration menu; items already there are left alone. */
export async function seedDemoMenu(db: Database): Promise<number> {
  let inserted = 0;
  for (const item of DEMO_MENU) {
    const result = await db.query(
      `INSERT INTO menu_items (id, name, description, category, price_cents, stock) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [item.id, item.name, item.description, item.category, item.priceCents, 'stock' in item ? item.stock : null],
    );
    inserted += result.rowCount;
  }
  return inserted;
}
