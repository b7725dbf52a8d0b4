/**
 * Code reload without a restart: `cafe-ops dev` on a copy of the project, with a function
 * and a page changed while it runs; the next request gets the new code, and a broken edit keeps
 * the previous code serving.
 */
import { cpSync, mkdtempSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

const handlerSaying = (text: string) => `
export function createHandler() {
  return async () => ({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'ok', says: '${text}' }) });
}
`;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 150; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}

describe('cafe-ops dev reloads code without a restart', () => {
  const root = mkdtempSync(join(tmpdir(), 'cafe-reload-'));
  for (const dir of ['templates', 'functions', 'site']) cpSync(join(ROOT, dir), join(root, dir), { recursive: true, filter: (src) => !src.includes(`${join('site', 'dist')}`) });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  const healthFile = join(root, 'functions', 'health', 'handler.ts');
  writeFileSync(healthFile, handlerSaying('first'));
  let dev: SpawnedDev;
  const logs = { join: () => dev.logs() };

  beforeAll(async () => {
    dev = await spawnDev(['--fresh'], { cwd: root, dataDir: join(root, '.cafe-ops', 'dev') });
  }, 120_000);
  afterAll(async () => {
    await dev?.stop();
  }, 30_000);

  const health = async () => (await (await fetch(dev.result.urls.health)).json()) as { says?: string };

  it('serves the edited function on the next request', async () => {
    expect((await health()).says).toBe('first');
    writeFileSync(healthFile, handlerSaying('second'));
    expect((await eventually(health, (h) => h.says === 'second', 'health after the edit')).says).toBe('second');
    expect(logs.join()).toMatch(/functions reloaded \(build \d+\)/);
  }, 30_000);

  it('keeps serving the previous code while an edit does not build', async () => {
    writeFileSync(healthFile, 'export function createHandler( {');
    await eventually(async () => logs.join(), (text) => text.includes('functions build failed, still running the previous code'), 'the build error');
    expect((await health()).says).toBe('second');
    writeFileSync(healthFile, handlerSaying('third'));
    expect((await eventually(health, (h) => h.says === 'third', 'health after the fix')).says).toBe('third');
  }, 30_000);

  it('serves the edited storefront page', async () => {
    const page = join(root, 'site', 'index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace('<h1>Café</h1>', '<h1>Café du Coin</h1>'));
    const html = await eventually(async () => (await fetch(dev.result.urls.site)).text(), (text) => text.includes('Café du Coin'), 'the edited page');
    expect(html).toContain('<h1>Café du Coin</h1>');
  }, 30_000);
});
