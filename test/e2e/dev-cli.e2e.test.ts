/** `cafe-ops dev` refusing to start: one clear line and a hint, never a stack trace. */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, cleanEnvironment } from '../lib/dev/spawn-dev';
import { freePort } from '../support/ports';

const run = promisify(execFile);

async function dev(args: string[], env: NodeJS.ProcessEnv = cleanEnvironment()) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'bin/dev.js'), 'dev', '--no-watch', ...args], { cwd: ROOT, env, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error:') || l.startsWith('  hint:'));

describe('cafe-ops dev for people', () => {
  it('lists the routes, says where the café is, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'bin/dev.js'), 'dev', '--no-watch', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'cafe-human-'))], {
      cwd: ROOT,
      env: cleanEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^method\s+path\s+sign-in\s+function$/m);
    expect(stdout).toMatch(/^POST\s+\/orders\s+ID token\s+orders$/m);
    expect(stdout).toMatch(/^GET\s+\/menu\s+menu$/m);
    expect(stdout).toMatch(/^Café running at http:\/\/localhost:\d+\/ {2}\(barista: http:\/\/localhost:\d+\/barista\.html\)$/m);
  }, 120_000);
});

describe('cafe-ops dev: start-up errors', () => {
  it('names a port already in use', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const result = await dev(['--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'cafe-port-'))]);
      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`Error: port ${port} is in use`, '  hint: pass --port with a free port']);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('names an unreachable DATABASE_URL', async () => {
    const port = await freePort();
    const result = await dev(['--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'cafe-db-'))], { ...cleanEnvironment(), DATABASE_URL: `postgres://cafe@127.0.0.1:${port}/cafe` });
    expect(result.code).toBe(2);
    const lines = errorLines(result.stderr);
    expect(lines[0]).toMatch(/^Error: cannot use the PostgreSQL server at DATABASE_URL: /);
    expect(lines[1]).toBe('  hint: start the server, fix DATABASE_URL, or unset it to use the embedded database');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('names a damaged executions journal and the ways out', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-journal-'));
    const journal = join(dataDir, 'executions.jsonl');
    writeFileSync(journal, '{"execution": {"na\n{"ended": "o-1"}\n');
    const result = await dev(['--port', '0', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `Error: the order lifecycle cannot resume from ${dataDir}: executions.jsonl cannot be read (line 1 is not JSON), so the orders in progress would wait forever`,
      `  hint: move ${journal} away and run cafe-ops dev again (those orders stay at their status), or start empty with --fresh`,
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
