/**
 * `cafe-ops dev` start-up with no PostgreSQL server and no AWS credentials (the embedded default):
 * from process start to the URLs printed, from an empty data folder (--fresh: PGlite initdb,
 * tables, migrations, seed) and from kept data; plus the storefront's JavaScript weight.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { buildSite } from '../../src/lib/site/build';
import { cleanEnvironment, ROOT } from '../lib/dev/spawn-dev';
import { freePort } from '../support/ports';
import type { Benchmark } from './run';
import { median } from './stats';


/** Wall time until `cafe-ops dev --json` printed its URLs, and the start-up time it reports itself. */
async function startOnce(args: string[], dataDir: string, built: boolean): Promise<{ wallMs: number; reportedMs: number }> {
  const port = await freePort();
  const cli = built ? [join(ROOT, 'bin/run.js')] : ['--require', 'tsx/cjs', join(ROOT, 'bin/dev.js')];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...cli, 'dev', '--json', '--no-watch', '--port', String(port), '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const reportedMs = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      try {
        const doc = JSON.parse(stdout) as { startupMs?: number };
        if (typeof doc.startupMs === 'number') resolve(doc.startupMs);
        else reject(new Error(stdout));
      } catch {
        // incomplete
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  return { wallMs, reportedMs };
}

/** The built CLI when dist/ holds the current dev sources, else the sources through tsx. */
function builtIsCurrent(): boolean {
  const platform = join(ROOT, 'dist/lib/dev/platform.js');
  if (!existsSync(platform)) return false;
  const builtAt = statSync(platform).mtimeMs;
  const sources = join(ROOT, 'src/lib/dev');
  return readdirSync(sources).every((f) => statSync(join(sources, f)).mtimeMs <= builtAt);
}

const bench: Benchmark = {
  title: 'Local café start-up (cafe-ops dev)',
  async run() {
    const built = builtIsCurrent();
    const runs = 3;
    // The very first start on a machine runs PostgreSQL's initdb (later new folders copy its result).
    rmSync(join(ROOT, 'node_modules', '.cache', 'cafe-ops'), { recursive: true, force: true });
    const firstDir = mkdtempSync(join(tmpdir(), 'cafe-dev-bench-'));
    const first = await startOnce(['--fresh'], firstDir, built).finally(() => rmSync(firstDir, { recursive: true, force: true }));
    const fresh: { wallMs: number; reportedMs: number }[] = [];
    const warm: { wallMs: number; reportedMs: number }[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-dev-bench-'));
    try {
      for (let i = 0; i < runs; i++) fresh.push(await startOnce(['--fresh'], dataDir, built));
      for (let i = 0; i < runs; i++) warm.push(await startOnce([], dataDir, built));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const siteOut = mkdtempSync(join(tmpdir(), 'cafe-site-bench-'));
    const site = await buildSite({ root: join(ROOT, 'site'), outdir: siteOut });
    const js = site.files().filter((f) => f.path.endsWith('.js'));
    const gzip = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(siteOut, f.path))).length, 0);
    await site.dispose();
    rmSync(siteOut, { recursive: true, force: true });
    const row = (label: string, samples: { wallMs: number; reportedMs: number }[]) =>
      `| ${label} | ${Math.round(median(samples.map((s) => s.wallMs)))} ms | ${Math.round(median(samples.map((s) => s.reportedMs)))} ms | ${Math.round(Math.max(...samples.map((s) => s.wallMs)))} ms |`;
    return [
      `\`cafe-ops dev\` (${built ? 'built CLI, bin/run.js' : 'from sources, bin/dev.js + tsx'}) with no AWS credentials, no DATABASE_URL: embedded PGlite and dynalite.`,
      `Load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (shared machine: times scale with it).`,
      `Wall time is from process start until the URLs are printed (--json); "reported" is the café's own start-up (after the CLI loaded). Median of ${runs}. Goal: under 5 s.`,
      '',
      '| start | wall (median) | reported (median) | wall (max) |',
      '|---|---|---|---|',
      row('first start on this machine (initdb, 1 run)', [first]),
      row('empty data folder (--fresh)', fresh),
      row('kept data', warm),
      '',
      `Storefront JavaScript: ${js.map((f) => `${f.path} ${(f.bytes / 1024).toFixed(1)} KB`).join(', ')} — ${(js.reduce((s, f) => s + f.bytes, 0) / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzipped (budget: well under 100 KB).`,
    ].join('\n');
  },
};

export default bench;
