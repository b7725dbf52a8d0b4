/**
 * The drill on data planes: traffic moved by the control table's traffic item, an unplanned drill
 * that asks nothing of the lost region or of us-east-1 (held to its plan's call list), the shared
 * journal and its lock, and the write fence's drain.
 */
import dns from 'node:dns';
import { runDrill, type DrillRequest, type DrillResult } from '../../../src/lib/failover/drill';
import { DEFAULT_SETTINGS, type DrillSettings } from '../../../src/lib/failover/engine';
import { fetchHttpPort } from '../../../src/lib/failover/http';
import { memoryJournalStore } from '../../support/memory-journal';
import type { DrillReport } from '../../../src/lib/failover/report';
import { createMemoryOutput } from '../../support/memory-output';
import { CHECK, CONTROL, ENV, FakeWorld } from './fakes';

type Request = Omit<Partial<DrillRequest>, 'settings'> & { settings?: Partial<DrillSettings> };

/** One machine: its own disk (a memory journal), the same café. */
function machine(world: FakeWorld, holder: string) {
  const journals = memoryJournalStore();
  const out = createMemoryOutput({ interactive: false });
  const run = (request: Request = {}) =>
    runDrill(
      { env: ENV, action: 'failover', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, ...request, settings: { ...DEFAULT_SETTINGS, ...request.settings } },
      { ports: world.ports(), store: journals.store, out: out.output, holder },
    );
  return { journals, out, run };
}
const report = (r: DrillResult) => r as DrillReport & { action: 'failover' | 'resume' };
/** The fake's call log names sub-operations (lambda.Invoke:canary-write): the plan names the API. */
const api = (call: string) => call.replace(/:[^ ]+ /, ' ');

describe('the data-plane traffic switch', () => {
  it('moves traffic to the secondary and back with a DynamoDB write in the target region, never calling Route 53', async () => {
    const world = new FakeWorld();
    const laptop = machine(world, 'ana@laptop');
    const there = report(await laptop.run());
    expect(there.state).toBe('completed');
    expect(world.publicRegion()).toBe('eu-central-1');
    expect(await world.ports().tables.activeRegion('eu-central-1', CONTROL)).toBe('eu-central-1');
    expect(world.checks.get(CHECK.primary)).toMatchObject({ inverted: false, disabled: false });
    const back = report(await laptop.run({ to: 'primary' }));
    expect(back.state).toBe('completed');
    expect(world.writer).toBe('primary');
    expect(world.publicRegion()).toBe('eu-west-1');
    expect(world.calls.filter((c) => c.startsWith('route53.'))).toEqual([]);
    // The traffic item was written in the target region each time (the surviving one in a real outage).
    expect(world.calls.filter((c) => c.startsWith('dynamodb.PutItem ')).length).toBeGreaterThan(0);
  });

  it('unplanned with the primary lost: no call to eu-west-1 nor to us-east-1, and every call is in the plan', async () => {
    const world = new FakeWorld();
    world.down.add('eu-west-1');
    const laptop = machine(world, 'ana@laptop');
    const dry = await laptop.run({ action: 'dry-run', mode: 'unplanned', allowDataLoss: true });
    if (dry.action !== 'dry-run') throw new Error('not a dry run');
    const allowed = new Set(dry.plan.flatMap((p) => p.calls.map((c) => `${c.call} ${c.where}`)));
    expect(dry.plan.flatMap((p) => p.calls).every((c) => c.where !== 'eu-west-1' && c.where !== 'us-east-1')).toBe(true);
    expect(dry.plan.flatMap((p) => p.calls).filter((c) => c.plane === 'control').map((c) => c.call)).not.toContain('route53.UpdateHealthCheck');
    world.calls.length = 0;
    const result = report(await laptop.run({ mode: 'unplanned', allowDataLoss: true }));
    expect(result.state).toBe('completed');
    expect(world.writer).toBe('secondary');
    expect(world.publicRegion()).toBe('eu-central-1');
    expect(world.calls.filter((c) => / (eu-west-1|us-east-1|api-eu-west-1\.cafe\.example\.com)$/.test(c))).toEqual([]);
    expect(world.calls.map(api).filter((c) => !allowed.has(c))).toEqual([]);
  });

  it('refuses Route 53 UpdateHealthCheck in an unplanned drill', async () => {
    const world = new FakeWorld();
    await expect(machine(world, 'ana@laptop').run({ mode: 'unplanned', allowDataLoss: true, settings: { trafficSwitch: 'health-check' } })).rejects.toMatchObject({ name: 'UserError', message: expect.stringMatching(/data planes only/) });
    expect(world.calls).toEqual([]);
  });
});

describe('the shared journal and its lock', () => {
  it('refuses a second drill started elsewhere, naming who holds the lock and since when', async () => {
    const world = new FakeWorld();
    const laptop = machine(world, 'ana@laptop');
    const ci = machine(world, 'runner@ci-7');
    const stopper = new AbortController();
    const save = laptop.journals.store.save;
    laptop.journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === 'pause-writes' && s.status === 'done')) stopper.abort();
    };
    const first = report(await laptop.run({ signal: stopper.signal }));
    expect(first.state).toBe('interrupted');
    // The other machine has no journal on its disk, but the environment holds one, and the lock.
    await expect(ci.run({ to: 'secondary' })).rejects.toMatchObject({ name: 'UserError', message: expect.stringMatching(new RegExp(`drill of production \\(${first.drillId}\\) is interrupted`)) });
    world.writes = world.writes.filter((w) => !w.key.includes('drill-journal'));
    await expect(ci.run({ to: 'secondary' })).rejects.toMatchObject({ message: expect.stringMatching(/drill-lock: drill .* holds the lock \(eu-central-1\), started by ana@laptop at 2026-11-25T09:/) });
  });

  it('resumes from another machine: the journal comes from the control table, the lock is the same drill’s', async () => {
    const world = new FakeWorld();
    const laptop = machine(world, 'ana@laptop');
    const stopper = new AbortController();
    const save = laptop.journals.store.save;
    laptop.journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === 'switch-database' && s.status === 'done')) stopper.abort();
    };
    const first = report(await laptop.run({ signal: stopper.signal }));
    expect(first.state).toBe('interrupted');
    const ci = machine(world, 'runner@ci-7');
    const resumed = report(await ci.run({ action: 'resume' }));
    expect(resumed).toMatchObject({ state: 'completed', drillId: first.drillId });
    expect(world.calls.filter((c) => c.startsWith('rds.Switchover'))).toHaveLength(1);
    expect(world.publicRegion()).toBe('eu-central-1');
    // Completed: the lock is released in both regions, a new drill may start.
    expect([...world.locks.keys()]).toEqual([]);
  });
});

describe('the write fence', () => {
  it('waits, after the pause is visible, for the longest writer timeout before the database switches', async () => {
    const world = new FakeWorld();
    const laptop = machine(world, 'ana@laptop');
    // A request that read "not paused" right before the flag landed, and writes until its 10 s timeout.
    const inFlight = { started: 0, lastWriteAt: 0 };
    const result = report(await laptop.run());
    const journal = (await laptop.journals.store.load('production'))!;
    inFlight.started = journal.writesPausedAt! - 1;
    inFlight.lastWriteAt = inFlight.started + 10_000;
    const switchAt = journal.switchRequestedAt!;
    expect(result.state).toBe('completed');
    expect(switchAt).toBeGreaterThanOrEqual(inFlight.lastWriteAt);
    expect(result.timeline.find((t) => t.step === 'pause-writes')!.detail).toMatch(/drained 10\.0 s/);
  });

  it('takes the drain from the app stack (WriteDrainSeconds), and says so in the plan', async () => {
    const world = new FakeWorld();
    world.stacks.get('eu-west-1/cafe-production-app')!.outputs.WriteDrainSeconds = '25';
    const dry = await machine(world, 'ana@laptop').run({ action: 'dry-run' });
    if (dry.action !== 'dry-run') throw new Error('not a dry run');
    expect(dry.plan.find((p) => p.step === 'pause-writes')!.does).toMatch(/then wait 25\.0 s \(the longest writer timeout\) so that no request started before the pause can still write/);
  });
});

describe('probes go where they are told', () => {
  it('behind --endpoint-url without --probe-url, a dry run probes nothing and says so; --probe-url is used for every probe', async () => {
    const world = new FakeWorld();
    const laptop = machine(world, 'ana@laptop');
    const dry = await laptop.run({ action: 'dry-run', endpointOverride: true });
    if (dry.action !== 'dry-run') throw new Error('not a dry run');
    expect(dry.probes).toEqual({ from: 'none' });
    expect(world.calls.filter((c) => c.startsWith('http.'))).toEqual([]);
    expect(laptop.out.text()).toMatch(/Probes: none \(AWS calls go to --endpoint-url; pass --probe-url to probe the API\)/);
    const named = await laptop.run({ action: 'dry-run', endpointOverride: true, probeUrl: 'http://127.0.0.1:9/' });
    if (named.action !== 'dry-run') throw new Error('not a dry run');
    expect(named.probes).toEqual({ publicUrl: 'http://127.0.0.1:9', from: 'flag' });
    expect(world.calls.filter((c) => c.startsWith('http.')).every((c) => c.endsWith(' 127.0.0.1'))).toBe(true);
  });

  it('looks up no host the user did not name (dns.lookup intercepted), with the real HTTP port', async () => {
    const world = new FakeWorld();
    const looked: string[] = [];
    const lookup = jest.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) => {
      looked.push(host);
      const callback = rest.pop() as (error: Error | null, address?: string, family?: number) => void;
      callback(Object.assign(new Error(`lookup refused in tests: ${host}`), { code: 'ENOTFOUND' }));
    }) as unknown as typeof dns.lookup);
    try {
      const ports = { ...world.ports(), http: fetchHttpPort() };
      const out = createMemoryOutput({ interactive: false });
      const dry = await runDrill(
        { env: ENV, action: 'dry-run', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, endpointOverride: true, settings: DEFAULT_SETTINGS },
        { ports, store: memoryJournalStore().store, out: out.output, holder: 'ana@laptop' },
      );
      expect(dry.action).toBe('dry-run');
      // Without the fix, the preflight fetched https://api-eu-central-1.cafe.example.com/health.
      expect(looked.filter((h) => h.includes(ENV.domain))).toEqual([]);
    } finally {
      lookup.mockRestore();
    }
  });
});
