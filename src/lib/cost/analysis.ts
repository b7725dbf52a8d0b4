/** Pure arithmetic of the cost report: cents, budget status, spikes. */

/** Rounds to the cent, the precision every figure of the report is shown and compared at. */
export function cents(amount: number): number {
  return Math.round((amount + Number.EPSILON) * 100) / 100;
}

export function usd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(cents(amount)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

export type BudgetStatus = 'ok' | 'warn' | 'over';

/**
 * over: actual spend above the limit; warn: the forecast is above the limit or actual spend has
 * reached the warning threshold (the budget's lowest ACTUAL notification, 80 % by default); else ok.
 */
export function budgetStatus(limit: number, actual: number, forecast: number | null, warnAtPercent = 80): BudgetStatus {
  if (cents(actual) > cents(limit)) return 'over';
  if (forecast !== null && cents(forecast) > cents(limit)) return 'warn';
  if (limit > 0 && (actual / limit) * 100 >= warnAtPercent) return 'warn';
  return 'ok';
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface DailyCost {
  date: string;
  amount: number;
  /** Cost per service that day. */
  services: Record<string, number>;
}

export interface Spike {
  date: string;
  amount: number;
  /** The window's median day. */
  baseline: number;
  /** The service that moved most against its own median day, and by how much. */
  service?: string;
  serviceIncrease?: number;
}

/**
 * Unusual days: at least 1.5 × the median day, more than $1 above it, and beyond three robust
 * standard deviations (1.4826 × the median absolute deviation) — so one quiet week does not make
 * every normal day a spike, and cents never do.
 */
export function findSpikes(days: DailyCost[]): Spike[] {
  if (days.length < 7) return [];
  const amounts = days.map((d) => d.amount);
  const base = median(amounts);
  const spread = 1.4826 * median(amounts.map((a) => Math.abs(a - base)));
  const serviceNames = [...new Set(days.flatMap((d) => Object.keys(d.services)))];
  const serviceMedian = new Map(serviceNames.map((s) => [s, median(days.map((d) => d.services[s] ?? 0))]));
  return days
    .filter((d) => d.amount >= base * 1.5 && d.amount - base > 1 && d.amount - base > 3 * spread)
    .map((d) => {
      let service: string | undefined;
      let increase = 0;
      for (const [name, amount] of Object.entries(d.services)) {
        const delta = amount - (serviceMedian.get(name) ?? 0);
        if (delta > increase) [service, increase] = [name, delta];
      }
      return { date: d.date, amount: cents(d.amount), baseline: cents(base), ...(service ? { service, serviceIncrease: cents(increase) } : {}) };
    });
}
