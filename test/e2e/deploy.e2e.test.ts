import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

const run = promisify(execFile);
const root = join(__dirname, '../..');

describeWithTool(TOOLS.moto, 'cafe-ops deploy end to end against moto_server')('cafe-ops deploy against moto_server', () => {
  let moto: Moto;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'cafe-e2e-'));
    cpSync(join(root, 'test/fixtures/deploy'), join(dir, 'templates'), { recursive: true });
    cpSync(join(root, 'cafe-ops.yml'), join(dir, 'cafe-ops.yml'));
    // startMoto waits up to 60 s for the emulator to listen.
  }, 90_000);
  afterAll(async () => moto?.stop());

  const deploy = async () => {
    const { stdout } = await run(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(root, 'bin/dev.js'), 'deploy', '--env', 'staging', '--yes', '--json', '--endpoint-url', moto.endpoint],
      { cwd: dir, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 120_000 },
    );
    const result = JSON.parse(stdout) as { ok: boolean; stacks: { id: string; result: string; region: string }[] };
    return { ok: result.ok, results: Object.fromEntries(result.stacks.map((s) => [`${s.id} ${s.region}`, s.result])) };
  };
  const parameter = async (region: string, name: string) => {
    const ssm = new SSMClient({ region, endpoint: moto.endpoint });
    const value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    ssm.destroy();
    return value;
  };

  it('creates every stack in both regions and the edge, then reports no changes, then updates an edited template', async () => {
    const first = await deploy();
    expect(first).toEqual({
      ok: true,
      results: {
        'base@primary eu-west-1': 'created', 'base@secondary eu-central-1': 'created',
        'data@primary eu-west-1': 'created', 'data@secondary eu-central-1': 'created',
        'edge@edge us-east-1': 'created',
      },
    });
    expect(await parameter('eu-central-1', '/e2e/eu-central-1/value')).toBe('role=secondary;capacity=4');
    expect(await parameter('us-east-1', '/e2e/edge/site')).toBe('https://staging.cafe.example.com/');

    const second = await deploy();
    expect(second.ok).toBe(true);
    expect(new Set(Object.values(second.results))).toEqual(new Set(['no changes']));

    const data = join(dir, 'templates/data.yaml');
    writeFileSync(data, readFileSync(data, 'utf8').replace("'role=${Role};capacity=${Capacity}'", "'role=${Role};capacity=${Capacity};v=2'"));
    const third = await deploy();
    expect(third.results).toMatchObject({ 'data@primary eu-west-1': 'updated', 'data@secondary eu-central-1': 'updated', 'base@primary eu-west-1': 'no changes' });
    expect(await parameter('eu-west-1', '/e2e/eu-west-1/value')).toBe('role=primary;capacity=4;v=2');
  }, 300_000);
});
