/** `cafe-ops dev` against a real PostgreSQL server (DATABASE_URL) instead of the embedded one. */
import { startPostgres, type Postgres } from '../support/postgres';
import { TOOLS, describeWithTool } from '../support/tools';
import { call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

describeWithTool(TOOLS.postgres, 'cafe-ops dev with DATABASE_URL')('cafe-ops dev with a PostgreSQL server', () => {
  let pg: Postgres;
  let dev: SpawnedDev;

  beforeAll(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('cafe_dev');
    dev = await spawnDev(['--fresh', '--no-watch', '--database-url', url]);
  }, 120_000);

  afterAll(async () => {
    await dev?.stop();
    await pg?.stop();
  }, 60_000);

  it('migrates and seeds the server, and serves orders from it', async () => {
    expect(dev.result.database).toBe('server');
    const base = dev.result.urls.api;
    expect((await call(base, '/health')).body).toMatchObject({ status: 'ok' });
    const menu = (await call(base, '/menu')).body.items as { id: string }[];
    expect(menu.map((i) => i.id)).toContain('espresso');
    const token = ((await call(base, '/_dev/token', { method: 'POST', body: { user: 'dana' } })).body as { idToken: string }).idToken;
    const placed = await call(base, '/orders', { method: 'POST', token, body: { items: [{ itemId: 'espresso', quantity: 2 }], pickupAt: new Date(Date.now() + 600_000).toISOString() } });
    expect(placed.status).toBe(201);
    expect(placed.body.totalCents).toBe(500);
  });
});
