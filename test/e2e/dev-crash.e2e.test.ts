/**
 * The local café survives crashes: `cafe-ops dev` is killed with SIGKILL (no chance to save
 * anything) at each step of the order lifecycle and started again on the same data folder. Every
 * order must then reach a terminal state, with the payment consistent with it, as the payment
 * sandbox's own journal records it:
 * - collected (or complete) if and only if captured, and captured at most once;
 * - cancelled or failed: refunded, or never captured.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/lib/dev/execution-journal';
import { call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

const PICKUP = () => new Date(Date.now() + 20 * 60_000).toISOString();
const oneDrink = () => ({ items: [{ itemId: 'flat-white', quantity: 1 }], pickupAt: PICKUP() });
const TERMINAL = new Set(['collected', 'cancelled', 'failed', 'payment_failed']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Order = { id: string; status: string; paymentStatus: string };
/** What the test means each order to become: collected by the customer, or cancelled. */
type Intent = 'collect' | 'cancel' | 'fail';

describe('cafe-ops dev killed (SIGKILL) at each step of the order lifecycle', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cafe-dev-crash-'));
  const intents = new Map<string, { intent: Intent; killedAt: string }>();
  let dev: SpawnedDev;
  let base: string;
  let customer: string;
  let barista: string;

  const signIn = async () => {
    base = dev.result.urls.api;
    customer = ((await call(base, '/_dev/token', { method: 'POST', body: { user: 'crash-customer' } })).body as { idToken: string }).idToken;
    barista = ((await call(base, '/_dev/token', { method: 'POST', body: { user: 'crash-barista', admin: true } })).body as { idToken: string }).idToken;
  };
  const start = async (args: string[] = []) => {
    dev = await spawnDev(['--no-watch', ...args], { dataDir });
    await signIn();
  };
  /** SIGKILL: nothing is flushed, closed or saved on the way out. */
  const crash = async () => {
    const exited = new Promise((resolve) => dev.child.once('exit', resolve));
    dev.child.kill('SIGKILL');
    await exited;
  };
  const order = async (id: string): Promise<Order> => (await call(base, `/orders/${id}`, { token: customer })).body as unknown as Order;
  const place = async (intent: Intent, killedAt: string): Promise<string> => {
    const placed = await call(base, '/orders', { method: 'POST', token: customer, body: oneDrink() });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;
    intents.set(id, { intent, killedAt });
    return id;
  };
  const until = async (id: string, check: (o: Order) => boolean, what: string, timeoutMs = 30_000): Promise<Order> => {
    const deadline = Date.now() + timeoutMs;
    let last = await order(id);
    while (!check(last)) {
      if (Date.now() > deadline) throw new Error(`order ${id} (${JSON.stringify(intents.get(id))}) never became ${what}: ${JSON.stringify(last)}`);
      await sleep(100);
      last = await order(id);
    }
    return last;
  };
  const advance = (id: string, to: string) => call(base, `/admin/orders/${id}/advance`, { method: 'POST', token: barista, body: { to } });

  /** The sandbox's journal, replayed: each order's authorisations (the last line about each wins). */
  const payments = (): Map<string, { id: string; status: string }[]> => {
    const byAuth = new Map<string, { id: string; reference: string; status: string }>();
    for (const line of readFileSync(join(dataDir, 'payment-sandbox.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as { auth?: { id: string; reference: string; status: string } };
      if (entry.auth) byAuth.set(entry.auth.id, entry.auth);
    }
    const byOrder = new Map<string, { id: string; status: string }[]>();
    for (const auth of byAuth.values()) byOrder.set(auth.reference, [...(byOrder.get(auth.reference) ?? []), auth]);
    return byOrder;
  };

  afterAll(async () => {
    await dev?.stop();
  }, 30_000);

  it('loses no order and no charge, and collects none without a charge', async () => {
    await start(['--fresh']);

    // 1. Placed: killed while the executions validate and authorise (at once, and a little later).
    await place('collect', 'placed');
    await place('collect', 'placed');
    await crash();
    await start();
    await place('collect', 'placed, killed 150 ms later');
    await sleep(150);
    await crash();

    // 2. Waiting for the barista (authorised): killed while parked on the task token.
    await start();
    const waiting = [await place('collect', 'waiting for the barista'), await place('cancel', 'waiting for the barista, then cancelled')];
    for (const id of waiting) await until(id, (o) => o.status === 'accepted', 'accepted');
    await crash();

    // 3. Ready: killed as the barista's "ready" resumes the execution (capture in flight).
    await start();
    const ready = await place('collect', 'ready (capturing)');
    await until(ready, (o) => o.status === 'accepted', 'accepted');
    expect((await advance(ready, 'preparing')).status).toBe(200);
    expect((await advance(ready, 'ready')).status).toBe(200);
    await crash();

    // 4. Collected: killed right after the customer collected.
    await start();
    const collected = await place('collect', 'collected');
    await until(collected, (o) => o.status === 'accepted', 'accepted');
    await advance(collected, 'preparing');
    await advance(collected, 'ready');
    await until(collected, (o) => o.paymentStatus === 'captured', 'captured');
    expect((await advance(collected, 'collected')).status).toBe(200);
    await crash();

    // 5. Cancel paths: killed while the cancellation refunds; killed while a declined payment fails the order.
    await start();
    const cancelled = await place('cancel', 'cancelled (refunding)');
    await until(cancelled, (o) => o.status === 'accepted', 'accepted');
    expect((await call(base, `/orders/${cancelled}/cancel`, { method: 'POST', token: customer })).status).toBe(200);
    await crash();
    await start(['--payments', 'decline']);
    const declined = await place('fail', 'declined (failing)');
    await until(declined, (o) => o.paymentStatus === 'declined' || o.status === 'failed', 'declined');
    await crash();

    // After the last restart, the barista and the customers finish what they meant to do.
    await start();
    for (const [id, { intent }] of intents) {
      if (intent === 'fail') continue;
      const now = await until(id, (o) => o.status !== 'placed' || TERMINAL.has(o.status), 'past placed');
      if (intent === 'cancel' && now.status === 'accepted') await call(base, `/orders/${id}/cancel`, { method: 'POST', token: customer });
      if (intent !== 'collect') continue;
      for (const [from, to] of [['accepted', 'preparing'], ['preparing', 'ready'], ['ready', 'collected']] as const) {
        const current = await until(id, (o) => o.status === from || TERMINAL.has(o.status) || ['preparing', 'ready'].includes(o.status), `at least ${from}`);
        if (current.status !== from) continue;
        // "collected" only once captured: the capture that "ready" resumed runs in the background.
        if (to === 'collected') await until(id, (o) => o.paymentStatus === 'captured' || TERMINAL.has(o.status), 'captured');
        await advance(id, to);
      }
    }

    const finals = new Map<string, Order>();
    for (const id of intents.keys()) finals.set(id, await until(id, (o) => TERMINAL.has(o.status) && o.paymentStatus !== 'pending', 'terminal'));
    const paid = payments();
    const problems: string[] = [];
    for (const [id, final] of finals) {
      const { intent, killedAt } = intents.get(id)!;
      const auths = paid.get(id) ?? [];
      const captured = auths.filter((a) => a.status === 'captured');
      const what = `${id} (killed at ${killedAt}): ${final.status}/${final.paymentStatus}, sandbox ${JSON.stringify(auths.map((a) => a.status))}`;
      if (captured.length > 1) problems.push(`charged twice: ${what}`);
      if (final.status === 'collected' && (captured.length !== 1 || final.paymentStatus !== 'captured')) problems.push(`collected without a charge: ${what}`);
      if (final.status !== 'collected' && captured.length > 0) problems.push(`charged but not collected: ${what}`);
      if (intent === 'collect' && final.status !== 'collected' && final.status !== 'payment_failed') problems.push(`meant to be collected: ${what}`);
      if (intent === 'cancel' && final.status !== 'cancelled') problems.push(`meant to be cancelled: ${what}`);
      if (intent === 'fail' && final.status !== 'failed') problems.push(`meant to fail (declined): ${what}`);
    }
    expect(problems).toEqual([]);
    // Every order placed is accounted for (none lost to a crash).
    const listed = ((await call(base, '/orders?limit=100', { token: customer })).body.orders as { id: string }[]).map((o) => o.id);
    expect(listed.sort()).toEqual([...intents.keys()].sort());
    // And no execution is left in flight in the journal: each one ended (a tombstone) with its order.
    const inFlight = () => [...readJournal(join(dataDir, 'executions.jsonl')).keys()];
    for (let i = 0; i < 50 && inFlight().length > 0; i++) await sleep(100);
    expect(inFlight()).toEqual([]);
  }, 600_000);
});
