import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStackResourceDriftsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DisableKeyRotationCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { startMoto, type Moto } from '../support/moto';
import { deployWorkspace } from '../support/workspace';
import { describeWithTool, TOOLS } from '../support/tools';

const run = promisify(execFile);
const root = join(__dirname, '../..');

/**
 * diff, status, outputs and destroy end to end on the cafe-ops emulator (moto_server + the project's
 * extension, docs/emulator.md): a part of the real catalog deployed (`--stack bootstrap`: ci@primary,
 * then bootstrap in both regions), then each lifecycle command run as a user would, every call to 127.0.0.1
 * (test/support/emulator/loopback-only.js preloaded).
 */
describeWithTool(TOOLS.moto, 'the lifecycle commands on the emulator')('diff, status, outputs, destroy on the emulator', () => {
  let moto: Moto;
  let dir: string;

  const cli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), '--require', join(root, 'test/support/emulator/loopback-only.js'), join(root, 'bin/dev.js'), ...args, '--endpoint-url', moto.endpoint],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
    }
  };
  const json = async <T>(args: string[]): Promise<{ code: number; body: T; stderr: string }> => {
    const r = await cli([...args, '--json']);
    try {
      return { code: r.code, body: JSON.parse(r.stdout) as T, stderr: r.stderr };
    } catch {
      throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  };
  const stackExists = async (name: string, region: string) => {
    const cfn = new CloudFormationClient({ region, endpoint: moto.endpoint });
    try {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      return stack !== undefined && stack.StackStatus !== 'DELETE_COMPLETE';
    } catch {
      return false;
    } finally {
      cfn.destroy();
    }
  };

  beforeAll(async () => {
    moto = await startMoto();
    dir = await deployWorkspace(moto.endpoint, 'cafe-lifecycle-');
    const deployed = await json<{ ok: boolean; stacks: { id: string; result: string }[] }>(['deploy', '--env', 'staging', '--stack', 'bootstrap', '--yes']);
    expect(deployed.body.stacks.map((s) => [s.id, s.result])).toEqual([
      ['ci@primary', 'created'],
      ['bootstrap@primary', 'created'],
      ['bootstrap@secondary', 'created'],
    ]);
  }, 180_000);
  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface DiffJson { changed: boolean; stacks: { id: string; state: string; resources: { logicalId: string }[]; text: string; parameters: unknown[]; tags: unknown[] }[] }

  it('diff: what was just deployed has no differences; the rest is not deployed', async () => {
    const all = await json<DiffJson>(['diff', '--env', 'staging']);
    const states = Object.fromEntries(all.body.stacks.map((s) => [s.id, s.state]));
    expect([states['ci@primary'], states['bootstrap@primary'], states['bootstrap@secondary'], states['data@primary']]).toEqual(['unchanged', 'unchanged', 'unchanged', 'not deployed']);
    const mine = await cli(['diff', '--env', 'staging', '--stack', 'ci', '--stack', 'bootstrap', '--fail-on-changes']);
    expect([mine.code, mine.stderr]).toEqual([0, expect.any(String)]);
    expect(mine.stdout).toContain('no differences in 3 stack instances');
  }, 120_000);

  it('diff: an edited template shows the change, property by property, and --fail-on-changes exits 1', async () => {
    const file = join(dir, 'templates/ci.yaml');
    const original = readFileSync(file, 'utf8');
    expect(original).toMatch(/^Outputs:\n/m);
    writeFileSync(file, original.replace(/^Outputs:\n/m, 'Outputs:\n  LifecycleRehearsal:\n    Value: added by the lifecycle test\n'));
    try {
      const result = await json<DiffJson>(['diff', '--env', 'staging', '--stack', 'ci', '--fail-on-changes']);
      expect(result.code).toBe(1);
      expect(result.body.stacks.map((s) => [s.id, s.state])).toEqual([['ci@primary', 'changed']]);
      expect(result.body.stacks[0]!.text).toMatch(/Outputs[\s\S]*LifecycleRehearsal/);
      const human = await cli(['diff', '--env', 'staging', '--stack', 'ci']);
      expect(human.stdout).toContain('cafe-staging-ci (eu-west-1):');
      expect(human.stdout).toContain('[+] Output LifecycleRehearsal');
    } finally {
      writeFileSync(file, original);
    }
  }, 120_000);

  it('status: every stack instance with status, last update, drift, protection, policy and review', async () => {
    const result = await json<{ stacks: { id: string; status: string; lastUpdated?: string; drift?: { status: string }; terminationProtection?: boolean; stackPolicy?: { present: boolean }; changeSetsInReview: unknown[] }[] }>(['status', '--env', 'staging']);
    expect(result.code).toBe(0);
    expect(result.body.stacks).toHaveLength(20);
    const ci = result.body.stacks.find((s) => s.id === 'ci@primary')!;
    expect(ci).toMatchObject({ status: 'CREATE_COMPLETE', terminationProtection: true, drift: { status: 'NOT_CHECKED' }, changeSetsInReview: [] });
    expect(Date.parse(ci.lastUpdated!)).toBeGreaterThan(0);
    expect(result.body.stacks.find((s) => s.id === 'edge@edge')!.status).toBe('NOT_DEPLOYED');
    const human = await cli(['status', '--env', 'staging', '--stack', 'bootstrap']);
    expect(human.stdout).toMatch(/cafe-staging-bootstrap\s+eu-central-1\s+CREATE_COMPLETE/);
  }, 120_000);

  it('status --detect-drift: in sync after the deploy; a key whose rotation was turned off outside CloudFormation is DRIFTED', async () => {
    type StatusJson = { stacks: { id: string; drift?: { status: string; detectedNow?: boolean } }[] };
    const drift = async () => {
      const r = await json<StatusJson>(['status', '--env', 'staging', '--stack', 'bootstrap', '--detect-drift']);
      expect(r.code).toBe(0);
      return Object.fromEntries(r.body.stacks.map((s) => [s.id, s.drift]));
    };
    expect(await drift()).toEqual({
      'bootstrap@primary': expect.objectContaining({ status: 'IN_SYNC', detectedNow: true }),
      'bootstrap@secondary': expect.objectContaining({ status: 'IN_SYNC', detectedNow: true }),
    });
    // Out of band: the artifacts key's rotation turned off with the KMS API, not through the stack.
    const cfn = new CloudFormationClient({ region: 'eu-west-1', endpoint: moto.endpoint });
    const kms = new KMSClient({ region: 'eu-west-1', endpoint: moto.endpoint });
    try {
      const key = (await cfn.send(new DescribeStackResourceCommand({ StackName: 'cafe-staging-bootstrap', LogicalResourceId: 'ArtifactsKey' }))).StackResourceDetail!.PhysicalResourceId!;
      await kms.send(new DisableKeyRotationCommand({ KeyId: key }));
      expect(await drift()).toEqual({
        'bootstrap@primary': expect.objectContaining({ status: 'DRIFTED' }),
        'bootstrap@secondary': expect.objectContaining({ status: 'IN_SYNC' }),
      });
      const drifts = (await cfn.send(new DescribeStackResourceDriftsCommand({ StackName: 'cafe-staging-bootstrap', StackResourceDriftStatusFilters: ['MODIFIED'] }))).StackResourceDrifts!;
      expect(drifts.map((d) => [d.LogicalResourceId, d.PropertyDifferences?.map((p) => [p.PropertyPath, p.ExpectedValue, p.ActualValue])])).toEqual([
        ['ArtifactsKey', [['/EnableKeyRotation', 'true', 'false']]],
      ]);
      // DescribeStacks keeps the last result, which status shows without --detect-drift.
      const last = await json<StatusJson>(['status', '--env', 'staging', '--stack', 'bootstrap']);
      expect(last.body.stacks.find((s) => s.id === 'bootstrap@primary')!.drift).toMatchObject({ status: 'DRIFTED', lastChecked: expect.any(String) });
      await kms.send(new EnableKeyRotationCommand({ KeyId: key }));
    } finally {
      cfn.destroy();
      kms.destroy();
    }
  }, 180_000);

  it('outputs: a map by stack instance, --stack to filter', async () => {
    const result = await json<{ stacks: Record<string, { stackName: string; region: string; deployed: boolean; outputs: Record<string, string> }> }>(['outputs', '--env', 'staging', '--stack', 'bootstrap']);
    expect(Object.keys(result.body.stacks)).toEqual(['bootstrap@primary', 'bootstrap@secondary']);
    expect(result.body.stacks['bootstrap@secondary']).toMatchObject({ stackName: 'cafe-staging-bootstrap', region: 'eu-central-1', deployed: true });
    expect(result.body.stacks['bootstrap@primary']!.outputs.ArtifactsBucketName).toEqual(expect.any(String));
  }, 120_000);

  it('destroy: refused without the confirmation, for production, and with termination protection on; nothing deleted', async () => {
    const unconfirmed = await cli(['destroy', '--env', 'staging', '--disable-termination-protection']);
    expect([unconfirmed.code, unconfirmed.stderr]).toEqual([2, expect.stringContaining('destroy needs a confirmation: nothing deleted')]);
    expect(unconfirmed.stderr).toContain('pass --yes --confirm-env staging');
    expect(unconfirmed.stdout).toContain('kept by DeletionPolicy');
    const yesOnly = await cli(['destroy', '--env', 'staging', '--yes']);
    expect(yesOnly.stderr).toContain('--yes alone does not destroy: add --confirm-env staging');
    const production = await cli(['destroy', '--env', 'production', '--yes', '--confirm-env', 'production']);
    expect([production.code, production.stderr]).toEqual([2, expect.stringContaining('refusing to destroy production')]);
    const protectedStacks = await cli(['destroy', '--env', 'staging', '--yes', '--confirm-env', 'staging']);
    expect([protectedStacks.code, protectedStacks.stderr]).toEqual([2, expect.stringContaining('termination protection on')]);
    for (const region of ['eu-west-1', 'eu-central-1']) expect(await stackExists('cafe-staging-bootstrap', region)).toBe(true);
    expect(await stackExists('cafe-staging-ci', 'eu-west-1')).toBe(true);
  }, 120_000);

  it('destroy: with --yes --confirm-env staging --disable-termination-protection, deletes in reverse dependency order', async () => {
    const result = await cli(['destroy', '--env', 'staging', '--yes', '--confirm-env', 'staging', '--disable-termination-protection']);
    expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
    const lines = result.stderr.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    // ci gives bootstrap its permissions boundary: ci goes last, after both bootstrap stacks are gone.
    expect(at('cafe-staging-ci (eu-west-1): deleting')).toBeGreaterThan(at('cafe-staging-bootstrap (eu-west-1): deleted'));
    expect(at('cafe-staging-ci (eu-west-1): deleting')).toBeGreaterThan(at('cafe-staging-bootstrap (eu-central-1): deleted'));
    expect(at('cafe-staging-bootstrap (eu-west-1): deleted')).toBeGreaterThan(-1);
    for (const region of ['eu-west-1', 'eu-central-1']) expect(await stackExists('cafe-staging-bootstrap', region)).toBe(false);
    expect(await stackExists('cafe-staging-ci', 'eu-west-1')).toBe(false);
    const again = await json<{ ok: boolean; stacks: { result: string }[] }>(['destroy', '--env', 'staging', '--yes', '--confirm-env', 'staging']);
    expect([again.code, again.body.ok, new Set(again.body.stacks.map((s) => s.result))]).toEqual([0, true, new Set(['not deployed'])]);
  }, 180_000);
});
