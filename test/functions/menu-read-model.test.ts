/** The menu read model after stock changes: one path (functions/menu/domain.ts), coalesced under concurrency, never failing the change. */
import { stockRefresher, type MenuDocument, type MenuReadModel } from '../../functions/menu/domain';
import type { Sql } from '../../functions/shared/sql';
import { FixedClock, MemoryLog } from './support/harness';

/** A menu table whose one item's stock the test changes; each read is stamped later than the one before. */
function fakeMenu() {
  const state = { stock: 10, reads: 0 };
  const sql: Sql = {
    query: async <T>() => {
      state.reads += 1;
      await new Promise((r) => setTimeout(r, 5));
      const row = { id: 'croissant', name: 'Croissant', description: '', category: 'pastry', price_cents: 280, currency: 'EUR', available: true, stock: state.stock, version: 1, as_of: new Date(1_000_000 + state.reads) };
      return { rows: [row] as T[], rowCount: 1 };
    },
  };
  return { state, sql };
}

class SlowReadModel implements MenuReadModel {
  puts: MenuDocument[] = [];
  fail = false;
  get = async () => this.puts.at(-1);
  put = async (document: MenuDocument) => {
    await new Promise((r) => setTimeout(r, 20));
    if (this.fail) throw Object.assign(new Error('table gone'), { name: 'ResourceNotFoundException' });
    this.puts.push(document);
  };
}

describe('stockRefresher', () => {
  it('gives every caller a refresh that started after it called, with a handful of writes for a burst', async () => {
    const { state, sql } = fakeMenu();
    const readModel = new SlowReadModel();
    const refresh = stockRefresher({ db: sql, readModel, clock: new FixedClock(), log: new MemoryLog() });
    const first = refresh();
    // Twenty changes commit while the first refresh runs; each then asks for a refresh.
    const later = Array.from({ length: 20 }, (_, i) => {
      state.stock = 9 - i;
      return refresh();
    });
    await Promise.all([first, ...later]);
    expect(readModel.puts.length).toBe(2);
    expect(readModel.puts.at(-1)!.items[0]!.stock).toBe(state.stock);
    // A change after the burst gets its own refresh.
    state.stock = 3;
    await refresh();
    expect(readModel.puts.length).toBe(3);
    expect(readModel.puts.at(-1)!.items[0]!.stock).toBe(3);
  });

  it('logs a read model it cannot write and lets the change stand', async () => {
    const { sql } = fakeMenu();
    const readModel = new SlowReadModel();
    readModel.fail = true;
    const log = new MemoryLog();
    await expect(stockRefresher({ db: sql, readModel, clock: new FixedClock(), log })()).resolves.toBeUndefined();
    expect(log.lines).toEqual([{ level: 'warn', message: 'menu read model not refreshed', fields: { error: 'ResourceNotFoundException', message: 'table gone' } }]);
  });
});
