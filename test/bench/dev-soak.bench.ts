/**
 * `cafe-ops dev` over a long session: orders taken through their whole lifecycle (placed, authorised,
 * accepted, then advanced by a barista to preparing, ready and collected, captured on the way) at 10
 * connections, with the process's resident memory after every STEP orders. Finished executions are
 * kept up to the last 1000 (docs/dev.md), so what a long session adds is the data the café keeps,
 * not the runtime's bookkeeping. Bounded: ORDERS orders or LIMIT_MS, whichever comes first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../lib/dev/spawn-dev';
import { devToken, rssMb, startDev } from './dev-process';
import type { Benchmark } from './run';

const CONNECTIONS = 10;
const ORDERS = 3000;
const STEP = 500;
const LIMIT_MS = 300_000;
const REST_MS = 15_000;
const POLL_MS = 50;

type Answer = Awaited<ReturnType<typeof call>>;
const message = (answer: Answer) => (answer.body?.error as { message?: string } | undefined)?.message ?? '';

const bench: Benchmark = {
  title: 'Local café over a long session (cafe-ops dev)',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-dev-soak-'));
    const dev = await startDev(dataDir);
    try {
      const customer = await devToken(dev.base, 'soak');
      const barista = await devToken(dev.base, 'soak-barista', true);
      const refused = (what: string, answer: Answer) => new Error(`${what}: ${answer.status} ${message(answer) || JSON.stringify(answer.body)}`);
      const pause = () => new Promise((r) => setTimeout(r, POLL_MS));
      /** One order, from the customer's POST to the barista handing it over. */
      const lifecycle = async () => {
        const placed = await call(dev.base, '/orders', { method: 'POST', token: customer, body: { items: [{ itemId: 'flat-white', quantity: 1 }], pickupAt: new Date(Date.now() + 20 * 60_000).toISOString() } });
        if (placed.status !== 201) throw refused('POST /orders', placed);
        const id = placed.body.id as string;
        // The customer's page polls until the order is accepted (validated, authorised, waiting for the barista).
        let order = placed;
        while (order.body.status === 'placed') {
          await pause();
          order = await call(dev.base, `/orders/${id}`, { token: customer });
        }
        if (order.body.status !== 'accepted') throw refused(`order ${id}`, order);
        for (const to of ['preparing', 'ready', 'collected']) {
          const advance = () => call(dev.base, `/admin/orders/${id}/advance`, { method: 'POST', token: barista, body: { to } });
          let advanced = await advance();
          // Collected only once captured: the capture runs after "ready", so the barista may have to try again.
          while (to === 'collected' && advanced.status === 409 && /still being captured/.test(message(advanced))) {
            await pause();
            advanced = await advance();
          }
          if (advanced.status !== 200) throw refused(`advance ${id} to ${to}`, advanced);
        }
      };

      const started = Date.now();
      const loadBefore = loadavg()[0]!;
      const rows = [`| 0 | ${Math.round(rssMb(dev.pid))} MB | 0 s |`];
      let done = 0;
      while (done < ORDERS && Date.now() - started < LIMIT_MS) {
        let taken = 0;
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (taken < STEP) {
              taken += 1;
              await lifecycle();
            }
          }),
        );
        done += taken;
        rows.push(`| ${done} | ${Math.round(rssMb(dev.pid))} MB | ${((Date.now() - started) / 1000).toFixed(0)} s |`);
      }
      const elapsed = Date.now() - started;
      await new Promise((r) => setTimeout(r, REST_MS));
      const rested = rssMb(dev.pid);
      return [
        `\`cafe-ops dev\` (${dev.cli}), embedded PGlite and dynalite, from an empty data folder; ${CONNECTIONS} connections, each taking one order at a time from POST /orders to collected (the barista's three steps, the capture waited for), ${STEP} orders a row.`,
        `Load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, on ${cpus().length} cores.`,
        '',
        '| orders collected | resident memory | elapsed |',
        '|---:|---:|---:|',
        ...rows,
        '',
        `${done} orders in ${(elapsed / 1000).toFixed(0)} s (${((done / elapsed) * 1000).toFixed(1)} a second, whole lifecycles); **${Math.round(rested)} MB** resident ${REST_MS / 1000} s later, at rest.`,
      ].join('\n');
    } finally {
      await dev.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
