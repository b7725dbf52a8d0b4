/** A `cafe-ops dev` process for the benchmarks: started on a free port in a data folder of its own, read through /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnvironment, ROOT } from '../lib/dev/spawn-dev';
import { freePort } from '../support/ports';

export interface DevProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  /** Which CLI runs: the built one when dist/ is there, else the sources through tsx. */
  cli: string;
}

/** Starts `cafe-ops dev --fresh` in `dataDir` (no AWS credentials, no PostgreSQL server) and waits for its URLs. */
export async function startDev(dataDir: string): Promise<DevProcess> {
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
  return { child, pid: child.pid!, base: `http://127.0.0.1:${port}`, cli: built ? 'built CLI, bin/run.js' : 'from sources, bin/dev.js + tsx' };
}

/** Ctrl-C, as a user stops it (killed after 20 s). */
export async function stopDev(dev: DevProcess): Promise<void> {
  const exited = new Promise((resolve) => dev.child.once('exit', resolve));
  dev.child.kill('SIGINT');
  const timer = setTimeout(() => dev.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** An ID token of the local user pool (`admin`: in the baristas' group). */
export async function devToken(base: string, user: string, admin = false): Promise<string> {
  const response = await fetch(`${base}/_dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, ...(admin ? { admin } : {}) }) });
  return ((await response.json()) as { idToken: string }).idToken;
}

/** Resident memory of a process, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** User + system CPU time of a process and all its threads so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
