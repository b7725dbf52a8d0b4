import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalTokenIssuer, TOKEN_KEY_FILE } from '../../../src/lib/dev/tokens';
import { ROOT, cleanEnvironment } from './spawn-dev';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--require', require.resolve('tsx/cjs'), join(ROOT, 'bin/dev.js'), ...args], { cwd: ROOT, env: cleanEnvironment(), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cafe-ops dev token (command)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cafe-token-'));

  it('prints a token the local café accepts (same data folder), and its claims under --json', async () => {
    const [plain, json] = await Promise.all([
      cli(['dev', 'token', '--user', 'alice', '--data-dir', dataDir]),
      cli(['dev', 'token', '--user', 'bob', '--admin', '--data-dir', dataDir, '--json']),
    ]);
    expect(plain.code).toBe(0);
    const issuer = await LocalTokenIssuer.fromKeyFile(join(dataDir, TOKEN_KEY_FILE));
    const verified = await issuer.verify(plain.stdout.trim());
    expect(verified.ok && verified.claims['cognito:username']).toBe('alice');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { token: string; claims: Record<string, unknown> };
    expect(doc.claims).toMatchObject({ 'cognito:username': 'bob', 'cognito:groups': ['admin'], email: 'bob@example.com' });
    expect((await issuer.verify(doc.token)).ok).toBe(true);
  }, 60_000);

  it('refuses a bad user name with one line and exit code 2', async () => {
    const result = await cli(['dev', 'token', '--user', 'a;b', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Error: --user: user name "a;b": may hold letters \(any language\), digits, spaces/)]);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('takes a name with spaces and accents', async () => {
    const result = await cli(['dev', 'token', '--user', 'José García', '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { claims: Record<string, unknown> }).claims['cognito:username']).toBe('José García');
  }, 60_000);
});
