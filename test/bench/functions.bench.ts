/**
 * The Lambda functions: bundle size per function (as `cafe-ops deploy` packages it, and what it
 * would be with the runtime's own AWS SDK left out), cold initialisation of each bundle in a fresh
 * Node process (load + first handler build), and place-order latency and throughput against a
 * local PostgreSQL 15 server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../../src/lib/deploy/artifacts';
import { createHandler as ordersHandler } from '../../functions/orders/handler';
import { connectPg } from '../../functions/shared/sql';
import { PICKUP, apiEvent, prepare, testDeps } from '../functions/support/harness';
import { startPostgres } from '../support/postgres';
import { findTool, TOOLS } from '../support/tools';
import type { Benchmark } from './run';

const root = join(__dirname, '../..');
const FUNCTIONS = ['menu', 'orders', 'payments', 'admin', 'order-workflow', 'health', 'migrate'];
const GOAL_KB = 300;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** ms to require the bundle and build its handler (first invocation reaches no network: it fails fast). */
function coldInit(file: string, runs: number): { load: number; total: number } {
  const script = `const t0=process.hrtime.bigint();const m=require(${JSON.stringify(file)});const t1=process.hrtime.bigint();` +
    `Promise.resolve(m.handler({httpMethod:'GET',resource:'/nothing',path:'/nothing'})).catch(()=>0).finally(()=>{process.stdout.write(JSON.stringify({load:Number(t1-t0)/1e6,total:Number(process.hrtime.bigint()-t0)/1e6}));process.exit(0)})`;
  const loads: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      // The bundles leave @aws-sdk/* to the runtime (Lambda ships it); here it resolves from the project.
      env: { PATH: process.env.PATH, NODE_PATH: join(root, 'node_modules'), AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT', DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:x' },
    });
    const sample = JSON.parse(result.stdout) as { load: number; total: number };
    loads.push(sample.load);
    totals.push(sample.total);
  }
  return { load: percentile(loads, 50), total: percentile(totals, 50) };
}

async function placeOrders(): Promise<string> {
  if (!findTool(TOOLS.postgres.command)) return `_place-order skipped: needs ${TOOLS.postgres.command} (${TOOLS.postgres.install})_`;
  const pg = await startPostgres();
  const db = await connectPg({ connectionString: await pg.createDatabase('bench'), max: 16 });
  try {
    await prepare(db);
    await db.query('UPDATE menu_items SET stock = NULL');
    const deps = testDeps(db);
    const orders = ordersHandler(deps);
    let n = 0;
    const place = async () => {
      n++;
      const started = process.hrtime.bigint();
      const result = await orders(
        apiEvent('POST', '/orders', { claims: { sub: `bench-${n % 50}` }, body: { items: [{ itemId: 'flat-white', quantity: 2 }, { itemId: 'croissant', quantity: 1 }], pickupAt: PICKUP } }),
      );
      if (result.statusCode !== 201) throw new Error(`place order answered ${result.statusCode}: ${result.body}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 50; i++) await place(); // warm-up
    const sequential: number[] = [];
    for (let i = 0; i < 500; i++) sequential.push(await place());
    const concurrency = 16;
    const total = 1600;
    const concurrent: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (concurrent.length < total) concurrent.push(await place());
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const lines = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_items')).rows[0]!.n;
    return [
      'Place order (POST /orders handler: validation, one transaction taking stock and writing the order and its lines; the lifecycle start is an in-memory fake) against PostgreSQL 15 on 127.0.0.1:',
      '',
      '| run | orders | p50 ms | p99 ms | throughput |',
      '|---|---:|---:|---:|---:|',
      `| one at a time | ${sequential.length} | ${percentile(sequential, 50).toFixed(2)} | ${percentile(sequential, 99).toFixed(2)} | ${(1000 / (sequential.reduce((a, b) => a + b, 0) / sequential.length)).toFixed(0)} orders/s |`,
      `| ${concurrency} concurrent | ${concurrent.length} | ${percentile(concurrent, 50).toFixed(2)} | ${percentile(concurrent, 99).toFixed(2)} | ${(concurrent.length / seconds).toFixed(0)} orders/s |`,
      '',
      `${lines} order lines written in all (${lines / 2} orders, none lost).`,
    ].join('\n');
  } finally {
    await db.close();
    await pg.stop();
  }
}

const bench: Benchmark = {
  title: 'Lambda functions',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-fn-bench-'));
    const rows: string[] = [];
    try {
      for (const name of FUNCTIONS) {
        const entry = join(root, 'functions', name, 'handler.ts');
        const code = await bundleFunction(entry);
        const file = join(dir, `${name}.js`);
        writeFileSync(file, code);
        const cold = coldInit(file, 7);
        rows.push(`| ${name} | ${kb(code.length)} | ${code.length <= GOAL_KB * 1024 ? 'yes' : 'no'} | ${cold.load.toFixed(0)} | ${cold.total.toFixed(0)} |`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      `Bundles as \`cafe-ops deploy\` packages them (src/lib/deploy/artifacts.ts: esbuild, minified, tree-shaken, CommonJS, node22, \`@aws-sdk/*\` left to the Lambda runtime, which ships AWS SDK v3), goal ≤ ${GOAL_KB} KB.`,
      'Cold init is the median of 7 fresh Node processes: "load" = require the bundle; "+ build" = also build the handler from its environment on a first invocation (no network reached).',
      '',
      '| function | bundle KB | ≤ goal | load ms | load + build ms |',
      '|---|---:|:---:|---:|---:|',
      ...rows,
      '',
      await placeOrders(),
    ].join('\n');
  },
};

export default bench;
