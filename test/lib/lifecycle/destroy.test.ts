import { join } from 'node:path';
import { destroyEnvironment, retainedResources, type DestroyOptions } from '../../../src/lib/lifecycle/destroy';
import { selectInstances } from '../../../src/lib/lifecycle/instances';
import { loadCatalog } from '../../../src/lib/stacks/catalog';
import { loadTemplate, parseTemplate } from '../../../src/lib/templates/load';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock } from '../../support/fake-clock';
import { env } from '../deploy/fixtures';
import { FakeLifecycle } from './fake-lifecycle';

const root = join(__dirname, '../../..');

async function setup(options: { deployed?: (id: string) => boolean; interactive?: boolean; typed?: string[] } = {}) {
  const catalog = await loadCatalog(join(root, 'templates/stacks.yaml'));
  const cwd = process.cwd();
  process.chdir(root);
  const { instances } = selectInstances(catalog, env);
  process.chdir(cwd);
  const clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
  const cfn = new FakeLifecycle(clock);
  for (const n of instances) if (options.deployed?.(n.id) ?? true) cfn.add(n.region, n.stackName);
  const memory = createMemoryOutput({ interactive: options.interactive ?? false, typed: options.typed ?? [] });
  const deps = { cloudFormation: cfn.deps(), clock, out: memory.output };
  const base: DestroyOptions = {
    environment: 'staging',
    yes: true,
    confirmEnv: 'staging',
    allowProduction: false,
    disableTerminationProtection: true,
    concurrency: 4,
    deleteTimeoutMs: 3_600_000,
    template: async (node) => (await loadTemplate(join(root, node.template))).template,
  };
  return { instances, cfn, clock, memory, deps, base };
}

const mutating = (calls: string[]) => calls.filter((c) => /^(deleteStack|disableTerminationProtection)/.test(c));

describe('destroy engine', () => {
  it('deletes every stack instance of the catalog, each only after all the stacks that need it', async () => {
    const { instances, cfn, clock, deps, base } = await setup();
    const report = await destroyEnvironment(instances, base, deps);
    expect(report.ok).toBe(true);
    expect(report.stacks.map((s) => s.result)).toEqual(instances.map(() => 'deleted'));
    expect(cfn.deleted).toHaveLength(instances.length);
    expect(instances).toHaveLength(20);
    const at = (id: string) => {
      const n = instances.find((i) => i.id === id)!;
      return cfn.deleted.indexOf(`${n.stackName}@${n.region}`);
    };
    const edges = instances.flatMap((n) => n.dependsOn.map((dep) => [n.id, dep, at(n.id) < at(dep)]));
    expect(edges.length).toBeGreaterThan(40);
    expect(edges.filter(([, , before]) => !before)).toEqual([]);
    // ci holds the permissions boundary of every other role: it goes after all the stacks that use it.
    expect(at('ci@primary')).toBeGreaterThan(Math.max(at('app@primary'), at('app@secondary'), at('bootstrap@primary'), at('network@secondary'), at('observability@secondary')));
    // Independent stacks are deleted at once: far less than 18 deletions one after another.
    expect(clock.now() - clock.start).toBeLessThan(18 * cfn.deleteMs);
  });

  it('first shows what DeletionPolicy keeps, read from the templates', async () => {
    const { instances, memory, deps, base } = await setup({ deployed: (id) => id.startsWith('data@') || id === 'ci@primary' });
    const report = await destroyEnvironment(instances, base, deps);
    const data = report.stacks.find((s) => s.id === 'data@primary')!;
    expect(data.retained.length).toBeGreaterThan(0);
    expect(data.retained.map((r) => r.policy)).toEqual(expect.arrayContaining(['RetainExceptOnCreate', 'Snapshot']));
    const text = memory.text();
    expect(text.indexOf('kept by DeletionPolicy')).toBeLessThan(text.indexOf('cafe-staging-data (eu-west-1): deleting'));
    expect(text).toMatch(/resources are kept \(or snapshotted\) by CloudFormation/);
  });

  it('reads Retain, RetainExceptOnCreate, Snapshot and the Snapshot default of Aurora clusters', () => {
    const { template } = parseTemplate(
      [
        'Resources:',
        '  Bucket: { Type: AWS::S3::Bucket, DeletionPolicy: Retain }',
        '  Table: { Type: AWS::DynamoDB::Table, DeletionPolicy: RetainExceptOnCreate }',
        '  Cluster: { Type: AWS::RDS::DBCluster }',
        '  Member: { Type: AWS::RDS::DBInstance, Properties: { DBClusterIdentifier: !Ref Cluster } }',
        '  Volume: { Type: AWS::EC2::Volume, DeletionPolicy: Snapshot }',
        '  Topic: { Type: AWS::SNS::Topic, DeletionPolicy: Delete }',
        '  Queue: { Type: AWS::SQS::Queue }',
      ].join('\n'),
      't.yaml',
    );
    expect(retainedResources(template)).toEqual([
      { logicalId: 'Bucket', type: 'AWS::S3::Bucket', policy: 'Retain' },
      { logicalId: 'Table', type: 'AWS::DynamoDB::Table', policy: 'RetainExceptOnCreate' },
      { logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', policy: 'Snapshot (default)' },
      { logicalId: 'Volume', type: 'AWS::EC2::Volume', policy: 'Snapshot' },
    ]);
  });

  it('without the confirmation nothing happens: no terminal, --yes alone, a wrong name typed, a wrong --confirm-env', async () => {
    const cases: [Partial<DestroyOptions>, { interactive?: boolean; typed?: string[] }, RegExp][] = [
      [{ yes: false, confirmEnv: undefined }, {}, /destroy needs a confirmation: nothing deleted/],
      [{ yes: true, confirmEnv: undefined }, {}, /--yes alone does not destroy: add --confirm-env staging/],
      [{ yes: false, confirmEnv: undefined }, { interactive: true, typed: ['stagin'] }, /"stagin" is not staging: nothing deleted/],
      [{ confirmEnv: 'production' }, {}, /--confirm-env production does not match the environment staging/],
    ];
    for (const [options, io, message] of cases) {
      const { instances, cfn, deps, base } = await setup(io);
      const { confirmEnv: _c, ...rest } = base;
      const opts = { ...rest, ...options } as DestroyOptions;
      if (opts.confirmEnv === undefined) delete opts.confirmEnv;
      await expect(destroyEnvironment(instances, opts, deps)).rejects.toThrow(message);
      expect(mutating(cfn.calls)).toEqual([]);
    }
  });

  it('the environment name typed in a terminal confirms it', async () => {
    const { instances, cfn, memory, deps, base } = await setup({ interactive: true, typed: ['staging'], deployed: (id) => id === 'identity@primary' });
    const { confirmEnv: _c, ...options } = base;
    const report = await destroyEnvironment(instances, { ...options, yes: false }, deps);
    expect(memory.questions).toEqual(['Type the environment name (staging) to delete its 1 stack instances']);
    expect([report.ok, cfn.deleted]).toEqual([true, ['cafe-staging-identity@eu-west-1']]);
  });

  it('termination protection needs its own flag; with it, each stack is unprotected just before its deletion', async () => {
    const refused = await setup({ deployed: (id) => id === 'identity@primary' || id === 'ci@primary' });
    await expect(destroyEnvironment(refused.instances, { ...refused.base, disableTerminationProtection: false }, refused.deps)).rejects.toThrow(
      /2 stacks have termination protection on \(cafe-staging-identity in eu-west-1, cafe-staging-ci in eu-west-1\): nothing deleted/,
    );
    expect(mutating(refused.cfn.calls)).toEqual([]);

    const { instances, cfn, deps, base } = await setup({ deployed: (id) => id === 'identity@primary' });
    await destroyEnvironment(instances, base, deps);
    const id = cfn.stacks[0]!.id;
    expect(mutating(cfn.calls)).toEqual([`disableTerminationProtection ${id}@eu-west-1`, `deleteStack ${id}@eu-west-1`]);
  });

  it('refuses production unless told explicitly, before any AWS call', async () => {
    const { instances, cfn, deps, base } = await setup();
    await expect(destroyEnvironment(instances, { ...base, environment: 'production', confirmEnv: 'production' }, deps)).rejects.toThrow(/refusing to destroy production: nothing deleted/);
    expect(cfn.calls).toEqual([]);
  });

  it('a DELETE_FAILED names the resource and the reason; the stacks it needs are kept, the others deleted', async () => {
    const { instances, cfn, memory, deps, base } = await setup({ deployed: (id) => ['network@primary', 'network-peering@primary', 'keys@primary', 'identity@primary', 'ci@primary'].includes(id) });
    const peering = cfn.stacks.find((s) => s.name === 'cafe-staging-network-peering')!;
    peering.failDelete = [{ logicalId: 'PeerRoute0', type: 'AWS::EC2::Route', reason: 'The route identified by 10.20.0.0/16 does not exist' }];
    const report = await destroyEnvironment(instances, base, deps);
    expect(report.ok).toBe(false);
    const result = (id: string) => report.stacks.find((s) => s.id === id)!;
    expect(result('network-peering@primary')).toMatchObject({
      result: 'failed',
      error: 'DELETE_FAILED: PeerRoute0 (AWS::EC2::Route): The route identified by 10.20.0.0/16 does not exist',
      failedResources: [{ logicalId: 'PeerRoute0', type: 'AWS::EC2::Route', reason: 'The route identified by 10.20.0.0/16 does not exist' }],
    });
    expect(cfn.calls).toContain(`stackEvents ${peering.id}@eu-west-1`);
    expect(result('network@primary')).toMatchObject({ result: 'skipped', error: expect.stringContaining('cafe-staging-network-peering (eu-west-1), which needs it, was not deleted') });
    expect(result('keys@primary').result).toBe('skipped');
    expect(result('identity@primary').result).toBe('deleted');
    expect(memory.text()).toContain('cafe-staging-network-peering (eu-west-1): DELETE_FAILED: PeerRoute0');
  });

  it('with nothing deployed, says so and deletes nothing', async () => {
    const { instances, cfn, memory, deps, base } = await setup({ deployed: () => false });
    const report = await destroyEnvironment(instances, base, deps);
    expect([report.ok, mutating(cfn.calls), memory.text()]).toEqual([true, [], 'nothing to destroy: no stack of staging is deployed']);
  });

  describe('--stack: only some stacks', () => {
    const only = <T extends { stack: string }>(instances: T[], names: string[]) => {
      const picked = instances.filter((n) => names.includes(n.stack));
      return { picked, outside: instances.filter((n) => !names.includes(n.stack)) };
    };

    it('deletes the selected stacks in both regions and nothing else', async () => {
      const { instances, cfn, deps, base } = await setup();
      // Nothing outside these three takes their outputs (edge and observability read app's).
      const { picked, outside } = only(instances, ['app', 'edge', 'observability']);
      const report = await destroyEnvironment(picked, { ...base, outside }, deps);
      expect(report.ok).toBe(true);
      expect(cfn.deleted.sort()).toEqual(picked.map((n) => `${n.stackName}@${n.region}`).sort());
      expect(cfn.deleted).toHaveLength(5);
    });

    it('refuses, before deleting anything, while a deployed stack outside the selection needs a selected one', async () => {
      const { instances, cfn, deps, base } = await setup();
      const { picked, outside } = only(instances, ['data']);
      const attempt = destroyEnvironment(picked, { ...base, outside }, deps);
      await expect(attempt).rejects.toThrow(/refusing a partial destroy: cafe-staging-app \(eu-west-1\) needs cafe-staging-data \(eu-west-1\).*: nothing deleted/);
      await expect(destroyEnvironment(picked, { ...base, outside }, deps)).rejects.toMatchObject({ hint: expect.stringContaining('--stack app') });
      expect(mutating(cfn.calls)).toEqual([]);
    });

    it('a dependent that is not deployed does not stop it', async () => {
      const { instances, cfn, deps, base } = await setup({ deployed: (id) => !/^(app|observability|rotation)@/.test(id) });
      const { picked, outside } = only(instances, ['data']);
      const report = await destroyEnvironment(picked, { ...base, outside }, deps);
      expect(report.ok).toBe(true);
      expect(cfn.deleted.sort()).toEqual(picked.map((n) => `${n.stackName}@${n.region}`).sort());
    });
  });
});
