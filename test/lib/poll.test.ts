import { PollAborted, PollTimedOut, pollUntil } from '../../src/lib/poll';
import { FakeClock } from '../support/fake-clock';

describe('pollUntil', () => {
  it('backs off exponentially up to the cap and returns the final answer', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const answer = await pollUntil(async (attempt) => (at.push(clock.now()), attempt), (n) => n === 5, { clock, firstMs: 100, maxMs: 300 });
    expect(answer).toBe(5);
    expect(at).toEqual([0, 100, 300, 600, 900]);
  });

  it('gives up at the timeout', async () => {
    const clock = new FakeClock();
    await expect(pollUntil(async () => false, Boolean, { clock, firstMs: 1000, maxMs: 1000, timeoutMs: 5000, what: 'the stack' })).rejects.toBeInstanceOf(PollTimedOut);
    expect(clock.now()).toBeLessThanOrEqual(5000);
  });

  it('with probeAtTimeout, cuts the last sleep short and probes once more at the timeout', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const options = { clock, firstMs: 1000, maxMs: 2000, timeoutMs: 4500, probeAtTimeout: true, what: 'the switch' };
    await expect(pollUntil(async () => at.push(clock.now()), () => false, options)).rejects.toThrow('the switch: still not done after 5 s');
    expect(at).toEqual([0, 1000, 3000, 4500]);
    const late = new FakeClock();
    expect(await pollUntil(async () => late.now(), (t) => t >= 4500, { ...options, clock: late })).toBe(4500);
  });

  it('stops at once when the signal fires, even mid-sleep', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let probes = 0;
    const pending = pollUntil(async () => ++probes, () => false, { clock, firstMs: 60_000, maxMs: 60_000, signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(PollAborted);
    expect(probes).toBe(1);
  });
});
