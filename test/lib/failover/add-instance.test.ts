import { DEFAULT_SETTINGS, type DrillSettings } from '../../../src/lib/failover/engine';
import { planSteps, runDrill, type DrillRequest, type DrillResult } from '../../../src/lib/failover/drill';
import { memoryJournalStore } from '../../support/memory-journal';
import type { DrillReport } from '../../../src/lib/failover/report';
import { INSTANCE_TIMEOUT_MS } from '../../../src/lib/failover/steps/add-instance';
import { readTopology } from '../../../src/lib/failover/topology';
import { createMemoryOutput } from '../../support/memory-output';
import { ARN, ENV, FakeWorld } from './fakes';

function harness(world: FakeWorld) {
  const journals = memoryJournalStore();
  const out = createMemoryOutput({ interactive: false });
  const run = (request: Omit<Partial<DrillRequest>, 'settings'> & { settings?: Partial<DrillSettings> } = {}) =>
    runDrill(
      { env: ENV, action: 'failover', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, ...request, settings: { ...DEFAULT_SETTINGS, ...request.settings } },
      { ports: world.ports(), store: journals.store, out: out.output },
    );
  return { journals, out, run };
}
const report = (result: DrillResult) => result as DrillReport & { action: 'failover' | 'resume' };
const headless = () => {
  const world = new FakeWorld();
  world.instances.secondary = [];
  return world;
};

describe('a headless secondary (cafe-ops.yml secondaryAurora: headless)', () => {
  it('cannot take the writer without an instance (the stand-in refuses it, as the drill assumes Aurora does)', async () => {
    const world = headless();
    await expect(world.ports().database.switchover('eu-central-1', 'cafe-production-global', ARN.secondary)).rejects.toThrow(/has no available DB instance/);
  });

  it('gets an instance before writes pause, and the drill waits for it before the switchover', async () => {
    const world = headless();
    const { run } = harness(world);
    const result = report(await run());
    expect(result.state).toBe('completed');
    expect(world.writer).toBe('secondary');
    const created = world.calls.indexOf('rds.CreateDBInstance eu-central-1');
    expect(created).toBeGreaterThan(0);
    expect(world.calls.filter((c) => c.startsWith('rds.CreateDBInstance'))).toHaveLength(1);
    expect(created).toBeLessThan(world.calls.indexOf('rds.SwitchoverGlobalCluster eu-central-1'));
    expect(world.instances.secondary.map((i) => i.id)).toEqual(['cafe-production-secondary-failover']);
    const step = result.timeline.find((t) => t.step === 'add-instance')!;
    expect(step.status).toBe('done');
    expect(step.detail).toBe('CreateDBInstance cafe-production-secondary-failover in eu-central-1; it is available');
    expect(step.durationMs).toBeGreaterThanOrEqual(600_000);
    const pause = result.timeline.find((t) => t.step === 'pause-writes')!;
    expect(Date.parse(step.endedAt!)).toBeLessThanOrEqual(Date.parse(pause.startedAt!));
    // The writes stay open while the instance comes up: the pause is as short as with a warm standby.
    expect(result.writesPausedMs).toBeLessThan(600_000);
    // The recovery time includes the instance (it is a step of the drill).
    expect(result.rto.ms).toBeGreaterThan(600_000);
  });

  it('leaves a warm standby as it is', async () => {
    const world = new FakeWorld();
    const result = report(await harness(world).run());
    expect(world.calls.some((c) => c.startsWith('rds.CreateDBInstance'))).toBe(false);
    expect(result.timeline.find((t) => t.step === 'add-instance')!.detail).toBe('cafe-production-secondary has 1 available instance (cafe-production-secondary-1): nothing to add');
    expect(result.rto.ms).toBeLessThan(600_000);
  });

  it('stops when the instance does not come up in time, before anything the café serves changed', async () => {
    const world = new FakeWorld({ instanceMs: INSTANCE_TIMEOUT_MS + 60_000 });
    world.instances.secondary = [];
    const result = report(await harness(world).run());
    expect(result.state).toBe('stopped');
    expect(result.timeline.find((t) => t.step === 'add-instance')!.status).not.toBe('done');
    expect(result.timeline.find((t) => t.step === 'pause-writes')!.status).toBe('not started');
    expect(world.calls.some((c) => c.startsWith('rds.Switchover') || c.startsWith('route53.UpdateHealthCheck'))).toBe(false);
    expect(world.writer).toBe('primary');
  });

  it('says in the plan what it will do and that the time counts in the RTO', async () => {
    const world = headless();
    const topology = await readTopology(ENV, world.ports().stacks);
    const plan = planSteps({ topology, mode: 'unplanned', trafficSwitch: 'data-plane', source: topology.primary, target: topology.secondary, settings: DEFAULT_SETTINGS });
    expect(plan.map((p) => p.step).slice(0, 3)).toEqual(['canary', 'add-instance', 'pause-writes']);
    expect(plan[1]!.does).toBe(
      'if cafe-production-secondary (eu-central-1) has no DB instance (a headless secondary), CreateDBInstance cafe-production-secondary-failover (db.serverless) and poll until it is available (timeout 2700.0 s); this time counts in the RTO of an unplanned failover. A target with an instance: nothing to do',
    );
  });
});
