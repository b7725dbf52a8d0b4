import { runReadyQueue } from '../../../src/lib/deploy/queue';
import { FakeClock } from '../../support/fake-clock';

const graph = [
  { id: 'a', dependsOn: [] },
  { id: 'b', dependsOn: [] },
  { id: 'c', dependsOn: ['a'] },
  { id: 'd', dependsOn: ['b'] },
];

describe('ready queue', () => {
  it('starts a node as soon as its own dependencies are done, within the concurrency bound', async () => {
    const clock = new FakeClock();
    const durations: Record<string, number> = { a: 10, b: 100, c: 10, d: 10 };
    const started: Record<string, number> = {};
    let running = 0;
    let most = 0;
    const { results } = await runReadyQueue(graph, {
      concurrency: 2,
      run: async (n) => {
        started[n.id] = clock.now();
        most = Math.max(most, ++running);
        await clock.sleep(durations[n.id]!);
        running--;
        return 'ok';
      },
      unlocks: (_, r) => r === 'ok',
      isFailure: (r) => r !== 'ok',
    });
    expect(results.size).toBe(4);
    expect(started.c).toBe(10); // not waiting for b, the rest of its "wave"
    expect(most).toBe(2);
  });

  it('after the first failure starts nothing new, lets running nodes finish, and says why each node did not start', async () => {
    const clock = new FakeClock();
    const { results, notStarted, firstFailure } = await runReadyQueue(graph, {
      concurrency: 4,
      run: async (n) => {
        await clock.sleep(n.id === 'a' ? 10 : 50);
        return n.id === 'a' ? 'failed' : 'ok';
      },
      unlocks: (_, r) => r === 'ok',
      isFailure: (r) => r === 'failed',
    });
    expect(firstFailure).toBe('a');
    expect(results.get('b')).toBe('ok');
    expect(notStarted.get('c')).toEqual({ kind: 'waiting', waitingFor: ['a'] });
    expect(notStarted.get('d')).toEqual({ kind: 'stopped', failed: 'a' });
  });

  it('starts nothing once the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const { results, notStarted } = await runReadyQueue(graph, { concurrency: 4, run: async () => 'ok', unlocks: () => true, isFailure: () => false, signal: controller.signal });
    expect(results.size).toBe(0);
    expect(notStarted.get('a')).toEqual({ kind: 'interrupted' });
  });
});
