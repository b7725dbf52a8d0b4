import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../src/lib/failover/engine';
import type { Journal } from '../../../src/lib/failover/journal';
import { runDrill, planSteps, type DrillResult } from '../../../src/lib/failover/drill';
import { memoryJournalStore } from '../../support/memory-journal';
import { buildReport } from '../../../src/lib/failover/report';
import { STEP_IDS, STEPS, stepOf, type FailoverStep, type StepId } from '../../../src/lib/failover/steps';
import { readTopology } from '../../../src/lib/failover/topology';
import { createMemoryOutput } from '../../support/memory-output';
import { ENV, FakeWorld } from './fakes';

const STEPS_DIR = join(__dirname, '../../../src/lib/failover/steps');
/** The folder's files that are not steps: the registry, the step type and the helpers the steps share. */
const NOT_STEPS = ['index', 'step', 'kit'];

describe('the failover steps', () => {
  const files = readdirSync(STEPS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((f) => !NOT_STEPS.includes(f));

  it('are one file each, named after the id, and the registry lists every file once', () => {
    expect([...STEP_IDS].sort()).toEqual([...files].sort());
    expect(new Set(STEP_IDS).size).toBe(STEP_IDS.length);
  });

  it.each(files)('%s.ts exports the step with its id, title, describe, run and advice (undo where it leaves something behind)', (file) => {
    const step = (require(join(STEPS_DIR, file)) as { default: FailoverStep }).default;
    expect(step.id).toBe(file);
    expect(typeof step.title).toBe('string');
    expect(step.title.length).toBeGreaterThan(0);
    expect(typeof step.describe).toBe('function');
    expect(typeof step.run).toBe('function');
    expect(typeof step.advice).toBe('function');
    expect(['function', 'undefined']).toContain(typeof step.undo);
    expect(STEPS).toContain(step);
  });

  it('only the steps that change what the café serves have an undo: the write pause and the health check', () => {
    expect(STEPS.filter((s) => s.undo).map((s) => s.id)).toEqual(['pause-writes', 'move-traffic']);
  });

  it('step ids are a closed set', () => {
    // @ts-expect-error: not a step id
    const unknown: StepId = 'reboot-everything';
    expect(STEP_IDS).not.toContain(unknown);
  });
});

describe('the plan, the report and the advice come from the steps', () => {
  /** Each step, marked so that what the drill shows can be traced back to it. */
  function marked(): () => void {
    const saved = STEPS.map((s) => ({ step: s as FailoverStep, title: s.title, describe: s.describe, advice: s.advice }));
    for (const { step } of saved) {
      step.title = `title of ${step.id}`;
      step.describe = (plan) => `${step.id} with ${plan.topology.globalClusterId}`;
      step.advice = (journal) => `advice of ${step.id} for ${journal.environment}`;
    }
    return () => saved.forEach(({ step, title, describe, advice }) => Object.assign(step, { title, describe, advice }));
  }
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('the plan is each step’s title and describe, in the registry’s order', async () => {
    restore = marked();
    const world = new FakeWorld();
    const topology = await readTopology(ENV, world.ports().stacks);
    const plan = planSteps({ topology, mode: 'planned', trafficSwitch: 'data-plane', source: topology.primary, target: topology.secondary, settings: DEFAULT_SETTINGS });
    expect(plan).toEqual(STEP_IDS.map((id) => ({ step: id, title: `title of ${id}`, does: `${id} with cafe-production-global`, calls: expect.any(Array) })));
  });

  it('the report’s timeline carries each step’s title', async () => {
    restore = marked();
    const journal = { startedAt: 0, preflightEndedAt: 0, confirmedAt: 0, steps: [], canaries: [], deviations: [], resumedAt: [], preflight: [], topology: {}, mode: 'planned' } as unknown as Journal;
    expect(buildReport(journal).timeline.map((t) => [t.step, t.title, t.status])).toEqual(STEP_IDS.map((id) => [id, `title of ${id}`, 'not started']));
  });

  it.each([
    ['pause-writes', 'the maintenance item cannot be written'] as const,
    ['verify', 'the new region never answers'] as const,
  ])('a drill stopped at %s (%s) gives that step’s advice', async (at, _why) => {
    restore = marked();
    const world = new FakeWorld();
    let puts = 0;
    // The maintenance item's PutItem.
    if (at === 'pause-writes') world.failOn = (op) => (op === 'dynamodb.PutItem:maintenance' && ++puts === 1 ? new Error('Throttled') : undefined);
    if (at === 'verify') world.failOn = (op, host) => (op === 'http.GET' && host === 'api.cafe.example.com' && world.writer === 'secondary' ? new Error('connect ECONNREFUSED') : undefined);
    const journals = memoryJournalStore();
    const out = createMemoryOutput();
    const result = (await runDrill(
      { env: ENV, action: 'failover', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, settings: { ...DEFAULT_SETTINGS, verifyTimeoutMs: 10_000 } },
      { ports: world.ports(), store: journals.store, out: out.output },
    )) as DrillResult & { stop?: { step: string; rollback: string } };
    expect(result.stop).toMatchObject({ step: at, rollback: `advice of ${at} for production` });
  });

  it('--abort runs the undo of each started step, the last one first', async () => {
    const world = new FakeWorld({ switchMs: Infinity });
    const journals = memoryJournalStore();
    const out = createMemoryOutput();
    const request = { env: ENV, to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, settings: { ...DEFAULT_SETTINGS, switchTimeoutMs: 60_000 } } as const;
    await runDrill({ ...request, action: 'failover' }, { ports: world.ports(), store: journals.store, out: out.output });
    world.failoverState = undefined;
    world.globalStatus = 'available';
    const undone: string[] = [];
    const saved = STEPS.map((s) => [s as FailoverStep, s.undo] as const);
    for (const [step] of saved) step.undo = async ({ switched, done }) => (undone.push(step.id), done(`undid ${step.id}${switched ? ' (switched)' : ''}`));
    try {
      const aborted = await runDrill({ ...request, action: 'abort' }, { ports: world.ports(), store: journals.store, out: out.output });
      expect(undone).toEqual(['switch-database', 'pause-writes', 'add-instance', 'canary']);
      expect(aborted).toMatchObject({ action: 'abort', actions: ['undid switch-database', 'undid pause-writes', 'undid add-instance', 'undid canary'] });
    } finally {
      for (const [step, undo] of saved) step.undo = undo;
    }
  });

  it('stepOf finds the registered step of an id', () => {
    for (const id of STEP_IDS) expect(stepOf(id).id).toBe(id);
  });
});
