/**
 * `cafe-ops dev` under load, the embedded default (PGlite, dynalite, the local state machine):
 * GET /menu and POST /orders at 10 connections each, one after the other in the same run (the goal
 * is a ratio: POST /orders at least 15 % of GET /menu), then orders placed until 1000 wait for the
 * barista, with the process's resident memory (goal: ≤ 300 MB). Bounded: 10 s per throughput phase,
 * 1000 orders or 240 s for the memory phase.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnvironment, ROOT } from '../lib/dev/spawn-dev';
import { freePort } from '../support/ports';
import type { Benchmark } from './run';

const CONNECTIONS = 10;
const PHASE_MS = 10_000;
const WAITING_GOAL = 1000;
const WAITING_LIMIT_MS = 240_000;

interface Phase {
  requests: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `call` on CONNECTIONS parallel loops until `until()` says stop. */
async function load(call: () => Promise<number>, until: (done: number, elapsed: number) => boolean): Promise<Phase> {
  const started = Date.now();
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (!until(latencies.length, Date.now() - started)) {
        const t0 = performance.now();
        const status = await call().catch(() => 0);
        latencies.push(performance.now() - t0);
        if (status < 200 || status >= 300) failed++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
  return { requests: latencies.length, failed, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

/** Resident memory of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function startDev(dataDir: string): Promise<{ child: ChildProcess; base: string; cli: string }> {
  const port = await freePort();
  const built = existsSync(join(ROOT, 'dist', 'lib', 'dev', 'platform.js'));
  const cli = built ? [join(ROOT, 'bin/run.js')] : ['--require', 'tsx/cjs', join(ROOT, 'bin/dev.js')];
  const child = spawn(process.execPath, [...cli, 'dev', '--json', '--no-watch', '--port', String(port), '--data-dir', dataDir, '--fresh'], {
    cwd: ROOT,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('"startupMs"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cafe-ops dev exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, cli: built ? 'built CLI, bin/run.js' : 'from sources, bin/dev.js + tsx' };
}

const bench: Benchmark = {
  title: 'Local café under load (cafe-ops dev)',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-dev-load-'));
    const { child, base, cli } = await startDev(dataDir);
    try {
      const token = ((await (await fetch(`${base}/_dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bench' }) })).json()) as { idToken: string }).idToken;
      const order = async () => {
        const response = await fetch(`${base}/orders`, {
          method: 'POST',
          headers: { authorization: token, 'content-type': 'application/json' },
          body: JSON.stringify({ items: [{ itemId: 'flat-white', quantity: 1 }], pickupAt: new Date(Date.now() + 20 * 60_000).toISOString() }),
        });
        await response.arrayBuffer();
        return response.status;
      };
      const menuCall = async () => {
        const response = await fetch(`${base}/menu`);
        await response.arrayBuffer();
        return response.status;
      };
      // Warm both paths (first invocations load and wire the handlers).
      for (let i = 0; i < 5; i++) await Promise.all([menuCall(), order()]);
      const idle = rssMb(child.pid!);
      const menu = await load(menuCall, (_, elapsed) => elapsed >= PHASE_MS);
      const orders = await load(order, (_, elapsed) => elapsed >= PHASE_MS);
      const waitingSoFar = 5 + orders.requests;
      const more = await load(order, (done, elapsed) => waitingSoFar + done >= WAITING_GOAL || elapsed >= WAITING_LIMIT_MS);
      // Let the placed orders reach the barista's wait (validated, authorised) before measuring.
      const settleUntil = Date.now() + 60_000;
      const executions = join(dataDir, 'executions');
      let waiting = 0;
      while (Date.now() < settleUntil) {
        const files = readdirSync(executions).filter((f) => f.endsWith('.json'));
        waiting = files.filter((f) => readFileSync(join(executions, f), 'utf8').includes('"waiting"')).length;
        if (waiting >= waitingSoFar + more.requests - more.failed - orders.failed) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const rss = rssMb(child.pid!);
      const ratio = orders.perSecond / menu.perSecond;
      const row = (what: string, p: Phase) => `| ${what} | ${p.requests} | ${p.failed} | ${p.perSecond.toFixed(1)} | ${p.p50} ms | ${p.p99} ms |`;
      return [
        `\`cafe-ops dev\` (${cli}), embedded PGlite and dynalite, from an empty data folder; ${CONNECTIONS} connections, ${PHASE_MS / 1000} s per phase, one phase after the other in one run.`,
        `Load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (shared machine: compare the ratio, not the rates).`,
        '',
        '| request | count | failed | per second | p50 | p99 |',
        '|---|---:|---:|---:|---:|---:|',
        row('GET /menu', menu),
        row('POST /orders (each starts the order lifecycle: validate, authorise, wait for the barista)', orders),
        '',
        `POST /orders ran at **${(ratio * 100).toFixed(1)} %** of GET /menu's rate (goal: at least 15 %).`,
        `Memory: ${Math.round(idle)} MB resident after start-up; **${Math.round(rss)} MB** with ${waiting} orders waiting for the barista (goal: ≤ 300 MB with 1000 waiting${waiting < WAITING_GOAL ? `; only ${waiting} placed within ${WAITING_LIMIT_MS / 1000} s` : ''}).`,
      ].join('\n');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
