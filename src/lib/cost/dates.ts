/** Calendar arithmetic in UTC on `YYYY-MM-DD` strings, the date format of Cost Explorer. */

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, days: number): string {
  const date = parseDay(day);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDay(date);
}

/** First day of the month `offset` months from the month of `day` (0 = that month). */
export function monthStart(day: string, offset = 0): string {
  const date = parseDay(day);
  return isoDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1)));
}

/** Whole days from `from` (inclusive) to `to` (exclusive). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / 86_400_000);
}

/** `2026-11` for any day of November 2026. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}
