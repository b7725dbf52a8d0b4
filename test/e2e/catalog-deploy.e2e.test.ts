import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { parseDocument, visit } from 'yaml';
import { startMoto, type Moto } from '../support/moto';
import { deployWorkspace } from '../support/workspace';
import { describeWithTool, TOOLS } from '../support/tools';

const run = promisify(execFile);
const root = join(__dirname, '../..');

interface StackResult {
  id: string;
  stackName: string;
  region: string;
  result: string;
  error?: string;
}
interface DeployResult {
  ok: boolean;
  stacks: StackResult[];
  plan: { waves: { id: string }[][] };
  error?: { message: string };
}

/**
 * The real catalog deployed end to end on the cafe-ops emulator (moto_server + test/support/emulator,
 * docs/emulator.md): every stack instance of staging created, a second run all "no changes", an edited
 * template updated, and what the CLI sent free of YAML aliases (CloudFormation refuses them:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
 * Every call goes to 127.0.0.1: the CLI runs with test/support/emulator/loopback-only.js preloaded.
 * What the emulator does not prove is listed in docs/emulator.md.
 */
describeWithTool(TOOLS.moto, 'the whole catalog deployed on the emulator')('the whole catalog on the emulator', () => {
  let moto: Moto;
  let dir: string;

  const deploy = async (): Promise<DeployResult> => {
    const { stdout } = await run(
      process.execPath,
      [
        '--require', require.resolve('tsx/cjs'),
        '--require', join(root, 'test/support/emulator/loopback-only.js'),
        join(root, 'bin/dev.js'), 'deploy', '--env', 'staging', '--yes', '--json', '--endpoint-url', moto.endpoint,
      ],
      { cwd: dir, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      if (!error.stdout) throw new Error(`deploy did not answer JSON: ${error.message}\n${error.stderr ?? ''}`);
      return { stdout: error.stdout };
    });
    return JSON.parse(stdout) as DeployResult;
  };
  const summary = (result: DeployResult) => (result.stacks ?? []).map((s) => `${s.id}: ${s.result}${s.error ? ` (${s.error})` : ''}`).join('\n') || result.error?.message;
  let instances: string[] = [];
  let last: DeployResult | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    dir = await deployWorkspace(moto.endpoint, 'cafe-catalog-');
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('1. creates every stack instance of staging', async () => {
    const result = await deploy();
    instances = (result.plan?.waves ?? []).flat().map((i) => i.id);
    // Every instance of the catalog: 12 stacks, most of them in both regions.
    expect(instances.length).toBe(20);
    expect([result.ok, summary(result)]).toEqual([true, expect.any(String)]);
    expect(result.stacks.map((s) => [s.id, s.result])).toEqual(instances.map((id) => [id, 'created']));
  }, 150_000);

  it('2. a second run changes nothing', async () => {
    const result = await deploy();
    expect([result.ok, summary(result)]).toEqual([true, expect.any(String)]);
    expect(result.stacks.map((s) => [s.id, s.result])).toEqual(instances.map((id) => [id, 'no changes']));
  }, 150_000);

  it('3. an edited template updates that stack and only that one', async () => {
    const file = join(dir, 'templates/identity.yaml');
    const template = readFileSync(file, 'utf8');
    expect(template).toMatch(/^Outputs:\n/m);
    // The edit uses a YAML anchor and alias, which CloudFormation (and the emulator) refuse in a template body:
    // the deploy goes through only because the CLI sends its canonical serialization, aliases expanded.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
    writeFileSync(
      file,
      template.replace(/^Outputs:\n/m, 'Outputs:\n  EmulatorRehearsal:\n    Description: &rehearsal Added by the emulator end-to-end test.\n    Value: *rehearsal\n'),
    );
    const result = (last = await deploy());
    expect([result.ok, summary(result)]).toEqual([true, expect.any(String)]);
    expect(result.stacks.map((s) => [s.id, s.result])).toEqual(instances.map((id) => [id, id === 'identity@primary' ? 'updated' : 'no changes']));
  }, 150_000);

  it('4. what the CLI sent has no YAML aliases', async () => {
    expect(last?.stacks.length).toBe(instances.length);
    for (const stack of last!.stacks) {
      const cfn = new CloudFormationClient({ region: stack.region, endpoint: moto.endpoint });
      const body = (await cfn.send(new GetTemplateCommand({ StackName: stack.stackName }))).TemplateBody ?? '';
      let aliases = 0;
      visit(parseDocument(body), { Alias: () => void aliases++ });
      expect([stack.id, body.length > 0, aliases]).toEqual([stack.id, true, 0]);
    }
  }, 150_000);
});
