import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budgetStatus, cents, findSpikes, usd, type DailyCost } from '../../../src/lib/cost/analysis';
import { DiskCache, WriteOnlyCache } from '../../../src/lib/cost/cache';
import { svgChart, terminalChart } from '../../../src/lib/cost/chart';
import { addDays, daysBetween, monthStart } from '../../../src/lib/cost/dates';

const days = (amounts: number[]): DailyCost[] => amounts.map((amount, i) => ({ date: addDays('2026-11-01', i), amount, services: { 'AWS Lambda': amount } }));

describe('cost arithmetic', () => {
  it('rounds to the cent and formats dollars', () => {
    expect(cents(0.125)).toBe(0.13);
    expect(cents(1.005)).toBe(1.01);
    expect(usd(1234.5)).toBe('$1,234.50');
    expect(usd(-3.456)).toBe('-$3.46');
  });

  it('grades budgets: over above the limit, warn on a forecast over it or at the warning threshold, else ok', () => {
    expect(budgetStatus(100, 50, 100)).toBe('ok'); // a forecast exactly at the limit is not over it
    expect(budgetStatus(100, 100.01, 90)).toBe('over');
    expect(budgetStatus(100, 50, 100.01)).toBe('warn');
    expect(budgetStatus(100, 79.99, 99)).toBe('ok');
    expect(budgetStatus(100, 80, null)).toBe('warn');
    expect(budgetStatus(100, 60, null, 50)).toBe('warn');
  });

  it('calls out a day far above the median, and nothing in flat, noisy or short series', () => {
    expect(findSpikes(days([10, 11, 9, 10, 12, 10, 31, 10, 11]))).toEqual([{ date: '2026-11-07', amount: 31, baseline: 10, service: 'AWS Lambda', serviceIncrease: 21 }]);
    expect(findSpikes(days([10, 10, 10, 10, 10, 10, 10, 10]))).toEqual([]);
    // A café's week: busy weekdays, quiet weekends — a pattern, not a spike.
    expect(findSpikes(days([20, 21, 19, 20, 22, 8, 7, 20, 21, 19, 20, 22, 8, 7]))).toEqual([]);
    expect(findSpikes(days([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9]))).toEqual([]); // 9× but under a dollar
    expect(findSpikes(days([10, 10, 40]))).toEqual([]); // too few days to judge
  });

  it('counts calendar days in UTC', () => {
    expect(monthStart('2026-03-31', -1)).toBe('2026-02-01');
    expect(monthStart('2026-12-15', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-02-01', '2026-03-01')).toBe(28);
    expect(addDays('2026-03-29', 3)).toBe('2026-04-01');
  });
});

describe('charts', () => {
  it('draws one column per day, the tallest bar full height, spikes marked', () => {
    const rows = terminalChart([{ date: '2026-11-01', amount: 2 }, { date: '2026-11-02', amount: 8 }, { date: '2026-11-03', amount: 4 }], new Set(['2026-11-02']), 4);
    expect(rows[0]).toBe('$8.00 │ █');
    expect(rows[3]).toBe('   $0 │███');
    expect(rows[5]).toBe('        ^');
    const svg = svgChart([{ date: '2026-11-01', amount: 2 }, { date: '2026-11-02', amount: 8 }], new Set(), 'Daily <cost>');
    expect(svg).toContain('Daily &lt;cost&gt;');
    expect(svg.match(/<rect /g)).toHaveLength(2);
  });
});

describe('response cache on disk', () => {
  it('answers within its time-to-live only, from private files, and treats a broken file as a miss', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const dir = join(mkdtempSync(join(tmpdir(), 'cost-cache-')), 'cache');
    const cache = new DiskCache(dir, 60_000, { now: () => now });
    await cache.set({ q: 1 }, { answer: 42 });
    expect(await cache.get({ q: 1 })).toEqual({ answer: 42 });
    expect(await cache.get({ q: 2 })).toBeUndefined();
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    now = new Date('2026-11-25T10:00:59Z');
    expect(await cache.get({ q: 1 })).toEqual({ answer: 42 });
    now = new Date('2026-11-25T10:01:00Z');
    expect(await cache.get({ q: 1 })).toBeUndefined();

    await cache.set({ q: 3 }, 'x');
    for (const f of readdirSync(dir)) {
      chmodSync(join(dir, f), 0o600);
      writeFileSync(join(dir, f), '{not json');
    }
    expect(await cache.get({ q: 3 })).toBeUndefined();

    const refresh = new WriteOnlyCache(cache);
    await refresh.set({ q: 4 }, 'fresh');
    expect(await refresh.get({ q: 4 })).toBeUndefined();
    expect(await cache.get({ q: 4 })).toBe('fresh');
  });
});
