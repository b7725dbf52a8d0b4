/** `--for` durations: a whole number of minutes, hours or days (`90m`, `24h`, `7d`). */
import { UserError } from '../errors';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest block with an end time; longer ones are meant to be permanent (no --for). */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;

export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (!match) throw new UserError(`--for ${text}: expected a number and a unit m, h or d (e.g. 30m, 24h, 7d)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw new UserError(`--for ${text}: the duration must be longer than zero`);
  if (ms > MAX_DURATION_MS) throw new UserError(`--for ${text}: at most 365d; leave out --for for a block without an end`);
  return ms;
}
