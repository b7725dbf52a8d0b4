import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionJournal, readJournal, type SavedExecution } from '../../src/lib/dev/execution-journal';
import { median } from './stats';
import { WaitingOrders } from './waiting-orders';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([14.5, 29.2, 18.0, 21.6])).toBeCloseTo(19.8);
    expect(median([5])).toBe(5);
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('WaitingOrders (the dev-load benchmark following the executions journal)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cafe-waiting-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const execution = (name: string, extra: Partial<SavedExecution> = {}): SavedExecution => ({
    executionArn: `arn:aws:states:eu-west-1:000000000000:execution:cafe-orders:${name}`,
    name,
    startDate: new Date().toISOString(),
    input: { orderId: name },
    taskToken: `t-${name}`,
    states: ['Validate'],
    state: { name: 'Validate', input: { orderId: name } },
    ...extra,
  });
  const parked = (name: string) => execution(name, { state: { name: 'WaitForBarista', input: {} }, waiting: { state: 'WaitForBarista', deadline: new Date(Date.now() + 3_600_000).toISOString() } });

  it('counts what a replay counts, reading only what was appended, across a compaction and a line still being written', () => {
    const file = join(dir, 'executions.jsonl');
    const follower = new WaitingOrders(file);
    expect(follower.count()).toBe(0); // no journal yet
    const journal = new ExecutionJournal(file);
    journal.open();
    for (let i = 0; i < 5; i++) journal.put(execution(`o-${i}`));
    journal.commit();
    expect(follower.count()).toBe(0);
    for (let i = 0; i < 5; i++) journal.put(parked(`o-${i}`));
    journal.commit();
    expect(follower.count()).toBe(5);
    journal.put({ ...parked('o-1'), answer: { output: {} } }); // answered: no longer waiting
    journal.end('o-2');
    journal.commit();
    expect(follower.count()).toBe(3);

    // A compaction renames a new file over the journal: counted again from its start.
    journal.close();
    const reopened = new ExecutionJournal(file);
    reopened.open();
    reopened.put(parked('o-9'));
    reopened.commit();
    expect(follower.count()).toBe(4);

    // Half a line: left for the next look.
    const line = `${JSON.stringify({ execution: parked('o-10') })}\n`;
    appendFileSync(file, line.slice(0, 30));
    expect(follower.count()).toBe(4);
    appendFileSync(file, line.slice(30));
    expect(follower.count()).toBe(5);
    const replayed = [...readJournal(file).values()].filter((e) => e.waiting && !e.answer).length;
    expect(replayed).toBe(5);
    reopened.close();
  });
});
