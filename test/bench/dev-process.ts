/** A `cafe-ops dev` process for the benchmarks (the compiled CLI when built), read through /proc. */
import { readFileSync } from 'node:fs';
import { BUILT, call, spawnDev, type SpawnedDev } from '../lib/dev/spawn-dev';

export interface DevProcess extends SpawnedDev {
  pid: number;
  base: string;
  /** Which CLI runs: the built one when dist/ is there, else the sources through tsx. */
  cli: string;
}

/** `cafe-ops dev --fresh --no-watch` in `dataDir` (no AWS credentials, no PostgreSQL server), once it printed its URLs. */
export async function startDev(dataDir: string): Promise<DevProcess> {
  const dev = await spawnDev(['--no-watch', '--fresh'], { dataDir, built: true });
  return { ...dev, pid: dev.child.pid!, base: `http://127.0.0.1:${dev.result.port}`, cli: BUILT ? 'built CLI, bin/run.js' : 'from sources, bin/dev.js + tsx' };
}

/** An ID token of the local user pool (`admin`: in the baristas' group). */
export async function devToken(base: string, user: string, admin = false): Promise<string> {
  return (await call(base, '/_dev/token', { method: 'POST', body: { user, ...(admin ? { admin } : {}) } })).body.idToken as string;
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
