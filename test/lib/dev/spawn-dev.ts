import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DevResult } from '../../../src/lib/dev/service';
import { freePort } from '../../support/ports';

export const ROOT = resolve(__dirname, '../../..');

export interface SpawnedDev {
  result: DevResult;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  logs: () => string;
  /** Ctrl-C, then waits for the exit code. */
  stop: () => Promise<number | null>;
}

/** An environment with no AWS credentials, no profile and no PostgreSQL server configured. */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWS_') || key === 'DATABASE_URL') continue;
    env[key] = value;
  }
  env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.NO_COLOR = '1';
  return env;
}

/** Whether the compiled CLI is there (`npm run build`): the benchmarks measure it, not the sources through tsx. */
export const BUILT = existsSync(join(ROOT, 'dist', 'lib', 'dev', 'platform.js'));

/**
 * Starts `cafe-ops dev --json` in a fresh data folder; resolves once it printed its URLs. From the
 * sources, or with `built` the compiled CLI (bin/run.js) when it is there.
 */
export async function spawnDev(extraArgs: string[] = [], options: { dataDir?: string; timeoutMs?: number; cwd?: string; built?: boolean } = {}): Promise<SpawnedDev> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cafe-dev-'));
  const cli = options.built && BUILT ? [join(ROOT, 'bin/run.js')] : ['--require', require.resolve('tsx/cjs'), join(ROOT, 'bin/dev.js')];
  const child = spawn(process.execPath, [...cli, 'dev', '--json', '--port', String(port), '--data-dir', dataDir, ...extraArgs], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = await new Promise<DevResult>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`cafe-ops dev did not start in time:\n${stderr}`)), options.timeoutMs ?? 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      try {
        const parsed = JSON.parse(stdout) as DevResult & { error?: { message: string } };
        clearTimeout(timer);
        if (parsed.urls) resolveStart(parsed);
        else reject(new Error(`cafe-ops dev failed: ${parsed.error?.message ?? stdout}`));
      } catch {
        // not a whole document yet
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cafe-ops dev exited with ${code}:\n${stderr}`));
    });
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    result,
    child,
    logs: () => stderr,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A JSON call to the local API. */
export async function call(base: string, path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { Authorization: init.token } : {}),
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> & { [key: string]: unknown } };
}
