/**
 * The storefront and the barista page in headless Chromium against `cafe-ops dev`, at a phone's width
 * (390 px) and a laptop's (1280 px): nothing scrolls sideways, the title and the sign-in do not touch,
 * every button is on screen, the cart totals in the items' currency and says when an order is full,
 * order states read as sentences (never an error name), and the barista's queue says when it needs
 * attention or shows only its first 100 orders. States the local café cannot reach in a test's time
 * (a barista timeout after an hour, a failed capture) are answered by Chromium's request routing
 * with the API's own order shape. Screenshots go to test-artifacts/site/.
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
const WIDTHS = [390, 1280] as const;
const FAKE_ORDER = '0f0f0f0f-0000-4000-8000-000000000001';

interface Box { x: number; y: number; width: number; height: number }

/** Whether the page scrolls sideways (the document is wider than the viewport). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Every visible button that is not fully inside the viewport, horizontally. */
const buttonsOffScreen = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('button')]
      .filter((b) => b.offsetParent !== null)
      .map((b) => ({ text: b.textContent?.trim() ?? '', rect: b.getBoundingClientRect() }))
      .filter(({ rect }) => rect.left < 0 || rect.right > window.innerWidth)
      .map(({ text, rect }) => `${text} (${Math.round(rect.left)}–${Math.round(rect.right)})`),
  );

/** The gap between two boxes: negative when they overlap. */
function gap(a: Box, b: Box): number {
  const dx = Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width));
  const dy = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height));
  return Math.max(dx, dy);
}

function fakeOrder(status: string, paymentStatus: string, statusReason: string | null, extra: Record<string, unknown> = {}) {
  return {
    id: FAKE_ORDER, customerId: 'local|alice', status, paymentStatus, totalCents: 250, currency: 'EUR', pickupAt: new Date(Date.now() + 600_000).toISOString(),
    statusReason, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), items: [{ itemId: 'espresso', name: 'Espresso', unitPriceCents: 250, quantity: 1 }], ...extra,
  };
}

describeWithTool(TOOLS.chromium, 'page layout in Chromium against cafe-ops dev')('the pages at 390 px and 1280 px', () => {
  let dev: SpawnedDev;
  let browser: BrowserContext;
  let base: string;
  let adminToken: string;
  const orderIds: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dev = await spawnDev(['--fresh', '--no-watch']);
    base = dev.result.urls.api;
    const token = async (user: string, admin: boolean) =>
      ((await call(base, '/_dev/token', { method: 'POST', body: { user, admin } })).body.idToken as string);
    adminToken = await token('barista', true);
    // An item priced in dollars, beside the euro menu.
    const created = await call(base, '/menu', { method: 'POST', token: adminToken, body: { id: 'cold-brew', name: 'Cold brew', description: 'Steeped for 16 hours', category: 'coffee', priceCents: 450, currency: 'USD' } });
    expect(created.status).toBe(201);
    // Paid orders with long item lists for the barista's queue.
    const customer = await token('dora', false);
    for (let i = 0; i < 2; i++) {
      const placed = await call(base, '/orders', {
        method: 'POST',
        token: customer,
        headers: { 'Idempotency-Key': `layout-order-${i}-0123456789` },
        body: { items: [{ itemId: 'espresso', quantity: 2 }, { itemId: 'flat-white', quantity: 1 }, { itemId: 'oat-latte', quantity: 3 }, { itemId: 'banana-bread', quantity: 1 }], pickupAt: new Date(Date.now() + (15 + i) * 60_000).toISOString() },
      });
      expect(placed.status).toBe(201);
      orderIds.push(placed.body.id as string);
    }
    for (const id of orderIds) {
      for (let tries = 0; tries < 60; tries++) {
        if ((await call(base, `/orders/${id}`, { token: customer })).body.status === 'accepted') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cafe-chromium-')), {
      executablePath: TOOLS.chromium.command,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    const code = await dev?.stop();
    expect(code).toBe(0);
  }, 60_000);

  async function open(url: string, width: number): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height: 844 });
    await page.goto(url);
    await page.locator('#account form, #account button').first().waitFor();
    return page;
  }

  async function signIn(page: Page, user: string): Promise<void> {
    await page.getByLabel('Your name').fill(user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signed-in').waitFor();
  }

  it('serves a favicon, at the root and as the pages link it', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(path.endsWith('.ico') ? 'image/x-icon' : 'image/svg+xml');
    }
    const html = await (await fetch(`${base}/barista.html`)).text();
    expect(html).toContain('<link rel="icon" href="favicon.ico"');
  });

  describe.each(WIDTHS)('at %i px', (width) => {
    it('storefront: no sideways scroll, the title clear of the sign-in, the cart in the items\' currency and its limits said', async () => {
      const page = await open(dev.result.urls.site, width);
      await page.getByRole('button', { name: 'Add Espresso to your order' }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      const title = (await page.locator('header h1').boundingBox())!;
      const input = (await page.locator('#user').boundingBox())!;
      expect(gap(title, input)).toBeGreaterThanOrEqual(8);
      await page.screenshot({ path: join(ARTIFACTS, `storefront-signed-out-${width}.png`), fullPage: true });
      await signIn(page, 'alice');

      // A dollar item totals in dollars.
      await page.getByRole('button', { name: 'Add Cold brew to your order' }).click();
      expect(await page.locator('#cart-total').textContent()).toMatch(/^(US)?\$\s?4[.,]50$/);
      // Two currencies cannot be ordered together, and the cart says so.
      await page.getByRole('button', { name: 'Add Espresso to your order' }).click();
      expect(await page.locator('#cart-hint').textContent()).toContain('different currencies');
      expect(await page.getByRole('button', { name: 'Place order' }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'One less Cold brew' }).click();
      expect(await page.locator('#cart-total').textContent()).toMatch(/€/);
      expect(await page.locator('#cart-hint').isHidden()).toBe(true);

      // 20 of one item is the API's limit: the buttons stop there and the cart says why.
      const more = page.getByRole('button', { name: 'One more Espresso' });
      for (let i = 1; i < 20; i++) await more.click();
      expect(await page.locator('#cart-lines li').first().textContent()).toContain('20 × Espresso');
      expect(await more.isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Add Espresso to your order' }).isDisabled()).toBe(true);
      expect(await page.locator('#cart-hint').textContent()).toBe('An order can have at most 20 of one item.');
      expect(await page.getByRole('button', { name: 'Place order' }).isEnabled()).toBe(true);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await buttonsOffScreen(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `storefront-cart-${width}.png`), fullPage: true });
      await page.close();
    }, 120_000);

    it('storefront: each end of an order reads as a sentence, with its reason and what happened to the money', async () => {
      const page = await open(dev.result.urls.site, width);
      await signIn(page, 'alice');
      const cases: [ReturnType<typeof fakeOrder>, RegExp][] = [
        [fakeOrder('failed', 'pending', 'stopped (PaymentProviderUnavailable)'), /^This order could not be completed because our payment service could not be reached\. You have not been charged\. Please try again in a few minutes\.$/],
        [fakeOrder('failed', 'declined', 'the payment was declined'), /^Your payment was declined, so the order was not placed\. You have not been charged\.$/],
        [fakeOrder('cancelled', 'refunded', 'the barista did not take the order in time'), /^Cancelled: the barista did not take the order in time\. Your payment has been refunded\.$/],
        [fakeOrder('payment_failed', 'authorised', 'capture failed: authorisation not found'), /problem taking your payment/],
      ];
      for (const [order, expected] of cases) {
        await page.unroute(`${base}/orders/${FAKE_ORDER}`);
        await page.route(`${base}/orders/${FAKE_ORDER}`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(order) }));
        await page.evaluate((id) => sessionStorage.setItem('cafe.order', id), FAKE_ORDER);
        await page.reload();
        const status = page.locator(`#order-status [data-status="${order.status}"]`);
        await status.waitFor();
        const text = (await status.textContent()) ?? '';
        expect(text).toMatch(expected);
        expect(text).not.toMatch(/stopped|\(|card|_/i);
        if (order.status === 'cancelled') await page.screenshot({ path: join(ARTIFACTS, `storefront-timeout-${width}.png`), fullPage: true });
      }
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.close();
    }, 120_000);

    it('barista page: the queue fits, its Next step buttons are on screen, and the signed-out hint goes once signed in', async () => {
      const page = await open(dev.result.urls.barista, width);
      await page.locator('#queue-status', { hasText: 'Sign in as a barista to see the queue.' }).waitFor();
      await signIn(page, 'barista');
      for (const id of orderIds) await page.locator(`tr[data-order-row="${id}"]`).waitFor({ timeout: 15_000 });
      expect(await page.locator('#queue-status').textContent()).toMatch(/^\d+ orders? waiting\.$/);
      expect(await page.getByText('Sign in as a barista').count()).toBe(0);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      const table = (await page.locator('#queue').boundingBox())!;
      expect(table.x + table.width).toBeLessThanOrEqual(width);
      for (const id of orderIds) {
        const button = page.locator(`tr[data-order-row="${id}"] button`);
        expect(await button.isVisible()).toBe(true);
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      expect(await buttonsOffScreen(page)).toEqual([]);
      const title = (await page.locator('header h1').boundingBox())!;
      const account = (await page.locator('#account').boundingBox())!;
      expect(gap(title, account)).toBeGreaterThanOrEqual(8);
      await page.screenshot({ path: join(ARTIFACTS, `barista-queue-${width}.png`), fullPage: true });
      // The button works where it is: the order moves on and the page says so.
      const first = orderIds[WIDTHS.indexOf(width)]!;
      await page.locator(`tr[data-order-row="${first}"]`).getByRole('button', { name: /Start preparing/ }).click();
      await page.locator(`tr[data-order-row="${first}"] td.state.preparing`).waitFor();
      expect(await page.locator('#queue-announce').textContent()).toBe(`Order ${first.slice(0, 8)} is now preparing.`);
      await page.close();
    }, 120_000);

    it('barista page: an order whose payment failed needs attention, and a queue longer than 100 says it shows the first 100', async () => {
      const page = await open(dev.result.urls.barista, width);
      await signIn(page, 'barista');
      const queue = Array.from({ length: 101 }, (_, i) =>
        fakeOrder('accepted', 'authorised', null, { id: `0f0f0f0f-0000-4000-8000-${String(i + 100).padStart(12, '0')}`, pickupAt: new Date(Date.now() + (10 + i) * 60_000).toISOString() }),
      );
      queue[40] = fakeOrder('payment_failed', 'authorised', 'capture failed: authorisation not found', { id: FAKE_ORDER });
      await page.route(`${base}/admin/orders?limit=101`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ orders: queue }) }));
      await page.locator(`tr[data-order-row="${FAKE_ORDER}"]`).waitFor({ timeout: 15_000 });
      expect(await page.locator('#queue tbody tr').count()).toBe(100);
      const status = (await page.locator('#queue-status').textContent()) ?? '';
      expect(status).toContain('Showing the first 100 orders by pick-up time; more are waiting');
      expect(status).toContain('1 needs attention.');
      // Needing attention puts it first, says what to check, and offers no next step.
      const row = page.locator('#queue tbody tr').first();
      expect(await row.getAttribute('data-order-row')).toBe(FAKE_ORDER);
      expect(await row.locator('td.state').textContent()).toBe('needs attentionPayment authorised: capture failed: authorisation not found. Check the payment before handing the order over.');
      expect(await row.locator('button').count()).toBe(0);
      const label = (await row.locator('td.state').boundingBox())!;
      const note = (await row.locator('td.state .note').boundingBox())!;
      expect(note.width).toBeGreaterThan(label.width / 2);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await buttonsOffScreen(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `barista-attention-${width}.png`), clip: { x: 0, y: 0, width, height: 844 } });
      await page.close();
    }, 120_000);
  });
});
