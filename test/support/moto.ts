import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findTool, TOOLS } from './tools';
import { freePort, waitFor } from './ports';

export interface Moto {
  endpoint: string;
  /** Wipes every resource (POST /moto-api/reset), between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away cafe-ops emulator on 127.0.0.1 -- moto_server with the project's extension
 * (test/support/emulator/cafe_moto.py, docs/emulator.md) -- and sets fake credentials in process.env
 * (moto accepts any). Use with describeWithTool(TOOLS.moto, ...).
 */
export async function startMoto(): Promise<Moto> {
  const command = findTool(TOOLS.moto.command);
  if (!command) throw new Error(`moto_server not found (install: ${TOOLS.moto.install})`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const launcher = join(__dirname, 'emulator', 'launch.js');
  const child: ChildProcess = spawn(process.execPath, [launcher, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_SESSION_TOKEN = 'testing';
  delete process.env.AWS_PROFILE;
  try {
    await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).ok, 'moto_server to start', 60_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
