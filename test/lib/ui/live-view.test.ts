import { deployPlan } from '../../../src/lib/deploy/engine';
import { buildPlan } from '../../../src/lib/deploy/plan';
import { LiveView, liveOutput, liveViewWanted } from '../../../src/lib/ui/live-view';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock, FakeCloudFormation } from '../deploy/fake-cloudformation';
import { catalog, env, outputs, readTemplate } from '../deploy/fixtures';

// eslint-disable-next-line no-control-regex
const strip = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** A terminal of `columns`, and the timer the view redraws on, both driven by the test. */
function terminal(columns = 120) {
  const writes: string[] = [];
  let tick: (() => void) | undefined;
  let now = 0;
  const stream = { columns, write: (text: string) => writes.push(text) };
  const timers = { setInterval: (fn: () => void) => (tick = fn), clearInterval: () => (tick = undefined) };
  return {
    stream, writes, timers,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
      tick?.();
    },
    /** The last frame drawn, as plain lines. */
    lastFrame: () => strip(writes.filter((w) => w.includes('done')).at(-1) ?? '').split('\n').filter(Boolean),
  };
}

const instances = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}@primary`, label: `cafe-staging-stack-${i} (eu-west-1)` }));

describe('LiveView', () => {
  it('draws a header "N of M done" over one line per stack instance: status, elapsed time, resource in progress', () => {
    const t = terminal();
    const view = new LiveView(instances(18), { stream: t.stream, now: t.now, ...t.timers });
    view.start();
    for (const i of [0, 1, 2, 3]) view.update(`s${i}@primary`, { phase: 'started', status: 'starting' });
    t.advance(12_000);
    for (const i of [0, 1, 2]) view.update(`s${i}@primary`, { phase: 'done', status: i === 1 ? 'failed' : 'created' });
    view.update('s3@primary', { phase: 'execute', status: 'CREATE_IN_PROGRESS', resource: 'Queue CREATE_IN_PROGRESS' });
    t.advance(3_000);

    const frame = t.lastFrame();
    expect(frame[0]).toBe('3 of 18 done, 1 failed');
    expect(frame).toHaveLength(19);
    expect(frame[1]).toMatch(/^✓ cafe-staging-stack-0 \(eu-west-1\)\s+created\s+12s$/);
    expect(frame[2]).toMatch(/^✗ cafe-staging-stack-1 \(eu-west-1\)\s+failed\s+12s$/);
    expect(frame[4]).toMatch(/^… cafe-staging-stack-3 \(eu-west-1\)\s+CREATE_IN_PROGRESS\s+15s {2}Queue CREATE_IN_PROGRESS$/);
    expect(frame[5]).toMatch(/^· cafe-staging-stack-4 \(eu-west-1\)\s+waiting$/);
  });

  it('truncates every line to the terminal width, and redraws in place (cursor up over the last frame)', () => {
    const t = terminal(40);
    const view = new LiveView(instances(3), { stream: t.stream, now: t.now, ...t.timers });
    view.start();
    view.update('s0@primary', { phase: 'execute', status: 'UPDATE_IN_PROGRESS', resource: 'SomeVeryLongLogicalId UPDATE_IN_PROGRESS' });
    t.advance(200);
    const frame = t.lastFrame();
    expect(frame).toHaveLength(4);
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(39);
    expect(frame[1]).toMatch(/^… cafe-staging-stack-0 .*…$/);
    expect(t.writes.at(-1)!.startsWith('\u001b[4F')).toBe(true);
  });

  it('redraws at most once per interval, and only when something changed or a second passed', () => {
    const t = terminal();
    const view = new LiveView(instances(2), { stream: t.stream, now: t.now, ...t.timers });
    view.start();
    expect(t.writes).toHaveLength(1);
    view.update('s0@primary', { phase: 'started', status: 'starting' });
    view.update('s0@primary', { phase: 'change set', status: 'creating change set' });
    expect(t.writes).toHaveLength(1);
    t.advance(200);
    expect(t.writes).toHaveLength(2);
    t.advance(200);
    t.advance(200);
    expect(t.writes).toHaveLength(2);
    t.advance(600);
    expect(t.writes).toHaveLength(3);
    expect(t.lastFrame()[1]).toMatch(/creating change set\s+1s$/);
  });

  it('erases itself while a confirmation is open, draws nothing until it is answered, then comes back', async () => {
    const t = terminal();
    const view = new LiveView(instances(2), { stream: t.stream, now: t.now, ...t.timers });
    let answer!: (ok: boolean) => void;
    const memory = createMemoryOutput({ interactive: true });
    const out = liveOutput({ ...memory.output, confirm: () => new Promise<boolean>((r) => (answer = r)) }, view);
    view.start();
    const asked = out.confirm('Execute the change set for cafe-staging-stack-0 (eu-west-1)?');
    expect(strip(t.writes.at(-1)!)).toBe('');
    expect(t.writes.at(-1)).toBe('\u001b[3F\u001b[0J');
    const before = t.writes.length;
    view.update('s1@primary', { phase: 'execute', status: 'CREATE_IN_PROGRESS' });
    out.info('a line written while the question is open');
    t.advance(2_000);
    expect(t.writes).toHaveLength(before);
    answer(true);
    await expect(asked).resolves.toBe(true);
    expect(t.lastFrame()[2]).toMatch(/CREATE_IN_PROGRESS/);
    expect(memory.lines.map((l) => l.text)).toEqual(['a line written while the question is open']);
  });

  it('writes other lines above the frame and leaves the per-stack line log to the view', () => {
    const t = terminal();
    const view = new LiveView(instances(1), { stream: t.stream, now: t.now, ...t.timers });
    const memory = createMemoryOutput();
    const out = liveOutput(memory.output, view);
    view.start();
    out.progress('cafe-staging-stack-0 (eu-west-1): Queue CREATE_IN_PROGRESS');
    out.warn('the stack policy is still allow-all');
    expect(memory.lines).toEqual([{ kind: 'warn', text: 'the stack policy is still allow-all' }]);
    t.advance(200);
    expect(t.lastFrame()[0]).toBe('0 of 1 done');
  });

  it('is drawn only in a terminal, not under --json, not with CI set', () => {
    expect(liveViewWanted({ isTTY: true }, false, {})).toBe(true);
    expect(liveViewWanted({ isTTY: false }, false, {})).toBe(false);
    expect(liveViewWanted(undefined, false, {})).toBe(false);
    expect(liveViewWanted({ isTTY: true }, true, {})).toBe(false);
    expect(liveViewWanted({ isTTY: true }, false, { CI: 'true' })).toBe(false);
    expect(liveViewWanted({ isTTY: true }, false, { CI: 'false' })).toBe(true);
    expect(liveViewWanted({ isTTY: true }, false, { TERM: 'dumb' })).toBe(false);
  });

  it('is fed by the engine: every instance ends done, with the stack status and last resource, and the line log is the same as without it', async () => {
    const deploy = async (withView: boolean) => {
      const clock = new FakeClock();
      const cfn = new FakeCloudFormation({ clock, outputs });
      const plan = buildPlan(catalog(), env);
      const memory = createMemoryOutput();
      const t = terminal();
      const view = new LiveView(plan.waves.flat().map((n) => ({ id: n.id, label: `${n.stackName} (${n.region})` })), { stream: t.stream, now: () => clock.now(), ...t.timers });
      const events: string[] = [];
      await deployPlan(plan, { tags: {}, yes: true, readTemplate }, {
        cloudFormation: (r) => cfn.port(r), clock, out: memory.output,
        ...(withView ? { onStackEvent: (id: string, e: { phase: string; status: string }) => (events.push(`${id} ${e.phase} ${e.status}`), view.update(id, e as never)) } : {}),
      });
      view.stop();
      return { lines: memory.lines, events, frame: t.lastFrame() };
    };
    const plain = await deploy(false);
    const live = await deploy(true);
    expect(live.lines).toEqual(plain.lines);
    expect(live.frame[0]).toBe('7 of 7 done');
    expect(live.frame.slice(1).every((l) => /^✓ cafe-staging-\S+ \(\S+\)\s+created\s+(\d+m)?\d+s/.test(l))).toBe(true);
    expect(live.events.filter((e) => e.startsWith('base@primary'))).toEqual(expect.arrayContaining([
      'base@primary started starting', 'base@primary change set creating change set', 'base@primary review waiting for confirmation', 'base@primary done created',
    ]));
    expect(live.events.some((e) => / execute (CREATE_IN_PROGRESS|CREATE_COMPLETE)$/.test(e))).toBe(true);
  });
});
