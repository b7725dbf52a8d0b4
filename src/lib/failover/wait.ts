/**
 * How the drill waits: every wait is the shared pollUntil (src/lib/poll.ts) on the drill's Clock,
 * polling from settings.poll.initialMs and doubling up to poll.maxMs. A wait ends with StepTimeout
 * at its step's timeout (after one last probe there) or with Interrupted when Ctrl-C fires.
 */
import type { Clock } from '../clock';
import { PollAborted, PollTimedOut, pollUntil } from '../poll';
import type { DrillSettings } from './engine';

/** A step waited longer than its timeout. */
export class StepTimeout extends Error {
  override readonly name = 'StepTimeout';
}

/** Ctrl-C: the drill stops between two calls and can be resumed. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/** What a wait needs of the running drill. */
export interface Waiting {
  ports: { clock: Clock };
  settings: Pick<DrillSettings, 'poll'>;
  signal?: AbortSignal;
}

/** Polls `check` until it returns a value, backing off from poll.initialMs to poll.maxMs; StepTimeout after `timeoutMs`. */
export async function waitFor<T>(engine: Waiting, what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  try {
    const value = await pollUntil(check, (answer) => answer !== undefined, {
      clock: engine.ports.clock,
      firstMs: engine.settings.poll.initialMs,
      maxMs: engine.settings.poll.maxMs,
      timeoutMs,
      probeAtTimeout: true,
      what,
      ...(engine.signal ? { signal: engine.signal } : {}),
    });
    return value as T;
  } catch (error) {
    throw stopOf(error, `${what}: not done after ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** Waits until the clock reads `until`, looking at the signal at least every `sliceMs`, so Ctrl-C stops the wait promptly. */
export async function waitUntil(engine: Omit<Waiting, 'settings'>, until: number, sliceMs = 1_000): Promise<void> {
  const { clock } = engine.ports;
  const left = until - clock.now();
  if (left <= 0) return;
  try {
    await pollUntil(async () => clock.now(), (now) => now >= until, {
      clock,
      firstMs: sliceMs,
      maxMs: sliceMs,
      timeoutMs: left,
      probeAtTimeout: true,
      what: 'waiting',
      ...(engine.signal ? { signal: engine.signal } : {}),
    });
  } catch (error) {
    throw stopOf(error, `waiting: not done after ${Math.round(left / 1000)} s`);
  }
}

/** The shared poll's two endings as the drill names them. */
function stopOf(error: unknown, timeoutMessage: string): unknown {
  if (error instanceof PollTimedOut) return new StepTimeout(timeoutMessage);
  if (error instanceof PollAborted) return new Interrupted('interrupted');
  return error;
}
