/**
 * One poll loop for the engines: probe, and until the answer is final, sleep with exponential
 * backoff on the injected Clock. Stops early on an AbortSignal (Ctrl-C) or a timeout.
 */
import type { Clock } from './clock';

export interface PollOptions {
  clock: Clock;
  /** First delay between probes, in ms. */
  firstMs: number;
  /** Cap of the delay, in ms. */
  maxMs: number;
  /** Growth of the delay after each probe (default 2). */
  factor?: number;
  /** Give up after this long (measured on the clock); no limit when absent. */
  timeoutMs?: number;
  /**
   * At the timeout: by default the poll gives up before a sleep that would pass it; with
   * `probeAtTimeout` the last sleep is cut short to end at the timeout, and the poll probes once
   * more there, so an answer that turns final just before the deadline is still seen.
   */
  probeAtTimeout?: boolean;
  signal?: AbortSignal;
  /** What is being waited for, for the timeout's message. */
  what?: string;
}

/** The signal fired while polling. */
export class PollAborted extends Error {
  override readonly name = 'PollAborted';
  constructor(what = 'polling') {
    super(`${what}: interrupted`);
  }
}

/** The answer was not final before the timeout. */
export class PollTimedOut extends Error {
  override readonly name = 'PollTimedOut';
  constructor(what: string, timeoutMs: number) {
    super(`${what}: still not done after ${Math.round(timeoutMs / 1000)} s`);
  }
}

/**
 * Calls `probe` until `done(answer)` holds, and returns that answer. The signal is checked before
 * every probe and ends a sleep early; the timeout is checked before every sleep.
 */
export async function pollUntil<T>(probe: (attempt: number) => Promise<T>, done: (answer: T) => boolean, options: PollOptions): Promise<T> {
  const { clock, signal } = options;
  const what = options.what ?? 'polling';
  const started = clock.now();
  let delay = options.firstMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new PollAborted(what);
    const answer = await probe(attempt);
    if (done(answer)) return answer;
    let wait = delay;
    if (options.timeoutMs !== undefined) {
      const left = options.timeoutMs - (clock.now() - started);
      if (options.probeAtTimeout ? left <= 0 : delay > left) throw new PollTimedOut(what, options.timeoutMs);
      if (options.probeAtTimeout) wait = Math.min(delay, left);
    }
    await sleep(clock, wait, signal);
    delay = Math.min(options.maxMs, delay * (options.factor ?? 2));
  }
}

/** A sleep that an abort ends early (the loop then throws PollAborted). */
function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.sleep(ms);
  return new Promise<void>((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void clock.sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
