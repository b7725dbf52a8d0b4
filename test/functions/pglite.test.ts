import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MIGRATIONS } from '../../functions/migrate/migrations';

const run = promisify(execFile);

describe('embedded PostgreSQL (PGlite)', () => {
  it('runs the migrations once and serves an order round trip through the real handlers', async () => {
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await run(tsx, [join(__dirname, 'support/pglite-check.ts')], { timeout: 60_000, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toEqual({
      first: { applied: MIGRATIONS.map((m) => ({ id: m.id, name: m.name })), current: MIGRATIONS.length, seeded: 7 },
      second: { applied: [], current: MIGRATIONS.length },
      placed: 201,
      totalCents: 3 * 280 + 250,
      started: 1,
      stockAfterOrder: 21,
      cancelled: 'cancelled',
      stockAfterCancel: 24,
      migrations: { n: MIGRATIONS.length },
    });
  }, 60_000);
});
