/**
 * The storefront in a real browser (headless Chromium via playwright-core) against `cafe-ops dev`:
 * a customer orders two drinks, the barista advances the order to ready, the customer sees it
 * ready; a declined payment shows a clear message and leaves no paid order. Screenshots of each
 * page go to test-artifacts/site/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { TOOLS, describeWithTool } from '../support/tools';
import { ROOT, call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'site');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describeWithTool(TOOLS.chromium, 'storefront in Chromium against cafe-ops dev')('storefront and barista page', () => {
  let dev: SpawnedDev;
  let browser: BrowserContext;
  let base: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dev = await spawnDev(['--fresh', '--no-watch']);
    base = dev.result.urls.api;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cafe-chromium-')), {
      executablePath: TOOLS.chromium.command,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1100, height: 800 },
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    expect(code).toBe(0);
  }, 60_000);

  async function signIn(page: Page, user: string): Promise<void> {
    await page.getByLabel('Your name').fill(user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor();
  }

  async function orderTwoDrinks(page: Page, user: string): Promise<string> {
    await page.goto(dev.result.urls.site);
    await page.getByRole('button', { name: 'Add Espresso to your order' }).waitFor();
    await signIn(page, user);
    await page.getByRole('button', { name: 'Add Espresso to your order' }).click();
    // Keyboard only for the second drink: the buttons are reachable and work with Enter.
    await page.getByRole('button', { name: 'Add Flat white to your order' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#cart-lines li')).resolves;
    expect(await page.locator('#cart-lines li').allTextContents()).toEqual([expect.stringContaining('1 × Espresso'), expect.stringContaining('1 × Flat white')]);
    expect(await page.locator('#cart-total').textContent()).toMatch(/6[.,]30/);
    await page.screenshot({ path: join(ARTIFACTS, `storefront-cart-${user}.png`), fullPage: true });
    await page.getByRole('button', { name: 'Place order' }).click();
    const code = await page.locator('#order-status code').textContent({ timeout: 15_000 });
    return code ?? '';
  }

  it('a customer orders two drinks, the barista makes them, the customer sees the order ready', async () => {
    const customer = await browser.newPage();
    const shortId = await orderTwoDrinks(customer, 'alice');
    expect(shortId).toMatch(/^[0-9a-f]{8}$/);
    await customer.locator('[data-status="accepted"]').waitFor({ timeout: 20_000 });

    const barista = await browser.newPage();
    await barista.goto(dev.result.urls.barista);
    await signIn(barista, 'barista');
    const row = barista.locator(`tr[data-order-row^="${shortId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('1 × Espresso, 1 × Flat white');
    await barista.screenshot({ path: join(ARTIFACTS, 'barista-queue.png'), fullPage: true });
    await row.getByRole('button', { name: /Start preparing/ }).click();
    await row.locator('td.state.preparing').waitFor();
    await row.getByRole('button', { name: /Mark ready/ }).click();
    await row.locator('td.state.ready').waitFor();
    await barista.screenshot({ path: join(ARTIFACTS, 'barista-ready.png'), fullPage: true });

    const ready = customer.locator('[data-status="ready"]');
    await ready.waitFor({ timeout: 15_000 });
    expect(await ready.textContent()).toContain('Ready');
    await customer.screenshot({ path: join(ARTIFACTS, 'storefront-ready.png'), fullPage: true });

    // A reload keeps the customer signed in and following the order.
    await customer.reload();
    await customer.locator('[data-status="ready"]').waitFor({ timeout: 10_000 });
    expect(await customer.locator('#order-status code').textContent()).toBe(shortId);
  }, 120_000);

  it('gives every control an accessible name, and the sign-in is reachable with the keyboard', async () => {
    for (const url of [dev.result.urls.site, dev.result.urls.barista]) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.locator('#account form, #account button').first().waitFor();
      if (url === dev.result.urls.site) await page.getByRole('button', { name: 'Add Espresso to your order' }).waitFor();
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, a[href]')]
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.textContent?.trim();
            return !labelled;
          })
          .map((el) => el.outerHTML),
      );
      expect(unnamed).toEqual([]);
      // Tab order reaches the sign-in field and its button.
      const reached: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        reached.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ''));
      }
      expect(reached).toEqual(expect.arrayContaining(['user', 'sign-in']));
      await page.close();
    }
  }, 120_000);

  it('a declined payment shows a clear message and leaves no paid order', async () => {
    expect((await call(base, '/_dev/payments', { method: 'POST', body: { mode: 'decline' } })).status).toBe(200);
    try {
      const customer = await browser.newPage();
      await orderTwoDrinks(customer, 'carol');
      const failed = customer.locator('[data-status="failed"]');
      await failed.waitFor({ timeout: 20_000 });
      expect(await failed.textContent()).toContain('Your payment was declined');
      await customer.screenshot({ path: join(ARTIFACTS, 'storefront-declined.png'), fullPage: true });

      // The API agrees: carol's order failed, nothing was authorised or captured, and it is not in the barista's queue.
      const token = await customer.evaluate(() => (JSON.parse(sessionStorage.getItem('cafe.session') ?? '{}') as { idToken?: string }).idToken);
      const orders = (await call(base, '/orders', { token: token! })).body.orders as { id: string; status: string; paymentStatus: string }[];
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ status: 'failed', paymentStatus: 'declined' });
      const admin = await (await fetch(`${base}/_dev/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'barista', admin: true }) })).json() as { idToken: string };
      const queue = (await call(base, '/admin/orders', { token: admin.idToken })).body.orders as { id: string }[];
      expect(queue.map((o) => o.id)).not.toContain(orders[0]!.id);
    } finally {
      await call(base, '/_dev/payments', { method: 'POST', body: { mode: 'approve' } });
    }
  }, 120_000);
});
