import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

const run = promisify(execFile);
const root = join(__dirname, '../..');

/**
 * The real catalog deployed against moto_server, as far as moto goes. moto accepts every template's
 * change set but silently skips resource types it does not model (KMS keys among them), so stacks whose
 * outputs point at such resources come back without those outputs; the stacks that consume them then
 * stop with a clear message. Everything past that point is covered by the engine tests on the
 * in-memory CloudFormation (test/lib/deploy) and by cfn-lint / `cafe-ops lint` over every template.
 */
describeWithTool(TOOLS.moto, 'the whole catalog deployed against moto_server')('the whole catalog against moto_server', () => {
  let moto: Moto;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'cafe-catalog-'));
    for (const part of ['templates', 'cafe-ops.yml']) cpSync(join(root, part), join(dir, part), { recursive: true });
  });
  afterAll(async () => moto?.stop());

  it('creates the stacks moto can model in both regions and names the output moto leaves out', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(root, 'bin/dev.js'), 'deploy', '--env', 'staging', '--yes', '--json', '--endpoint-url', moto.endpoint],
      { cwd: dir, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 240_000 },
    ).catch((error: { stdout: string }) => error);
    const result = JSON.parse(stdout) as { ok: boolean; stacks: { id: string; result: string; error?: string }[] };
    const byId = Object.fromEntries(result.stacks.map((s) => [s.id, s]));
    expect(result.ok).toBe(false);
    for (const id of ['bootstrap@primary', 'bootstrap@secondary', 'security@primary', 'identity@primary', 'ci@primary']) {
      expect([id, byId[id]?.result]).toEqual([id, 'created']);
    }
    expect(byId['security@secondary']).toMatchObject({ result: 'failed' });
    expect(JSON.stringify(byId['security@secondary'])).toContain('KmsKeyArn');
    // After the first failure nothing new starts.
    expect(byId['app@primary']?.result).toBe('skipped');
  }, 300_000);
});
