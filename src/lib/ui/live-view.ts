/**
 * The deploy's live view in a terminal: one line per stack instance, redrawn in place (status,
 * elapsed time, resource in progress) under a header "N of M done". It is fed the engine's
 * structured progress (DeployDeps.onStackEvent); the plain line log stays for pipes and CI.
 * Redraws are throttled; a prompt pauses them (liveOutput) so the question is never overwritten.
 */
import type { StackProgress } from '../deploy/types';
import type { Output } from './output';

/** The part of a terminal stream the view uses. */
export interface LiveStream {
  write(text: string): unknown;
  columns?: number;
}

export interface LiveViewOptions {
  stream: LiveStream;
  now: () => number;
  /** Minimum time between redraws, in ms. */
  intervalMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

interface Row {
  id: string;
  label: string;
  phase: StackProgress['phase'] | 'waiting';
  status: string;
  resource?: string;
  startedAt?: number;
  endedAt?: number;
}

const ESC = '\u001b[';
const FAILED = new Set(['failed', 'declined']);

/** Whether to draw the live view: a terminal, not --json, not CI, not a dumb terminal. */
export function liveViewWanted(stream: { isTTY?: boolean } | undefined, json: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return Boolean(stream?.isTTY) && !json && !ci && env.TERM !== 'dumb';
}

export class LiveView {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;
  private dirty = true;
  /** Open prompts and lines being written above the view; it draws only at 0. */
  private paused = 0;
  private timer: unknown;
  private lastSecond = -1;

  constructor(instances: { id: string; label: string }[], private readonly options: LiveViewOptions) {
    for (const { id, label } of instances) this.rows.set(id, { id, label, phase: 'waiting', status: 'waiting' });
  }

  /** Starts redrawing every `intervalMs` (only when something changed, or once a second for the clocks). */
  start(): void {
    this.draw();
    const every = this.options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
    this.timer = every(() => this.tick(), this.options.intervalMs ?? 200);
  }

  /** Draws the last frame and leaves it on screen. */
  stop(): void {
    if (this.timer !== undefined) (this.options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(this.timer);
    this.timer = undefined;
    this.paused = 0;
    this.dirty = true;
    this.draw();
    this.drawn = 0;
  }

  update(id: string, event: StackProgress): void {
    const row = this.rows.get(id);
    if (!row) return;
    const now = this.options.now();
    if (event.phase === 'started') row.startedAt = now;
    if (event.phase === 'done') row.endedAt = now;
    row.phase = event.phase;
    row.status = event.status;
    // The resource of the last execution stays on the row when the stack is done.
    if (event.resource !== undefined) row.resource = event.resource;
    else if (event.phase !== 'execute' && event.phase !== 'done') delete row.resource;
    this.dirty = true;
  }

  /** Sets the final result of rows that never reported (e.g. not started). */
  settle(results: { id: string; result: string }[]): void {
    for (const { id, result } of results) {
      const row = this.rows.get(id);
      if (row && row.phase !== 'done') this.update(id, { phase: 'done', status: result });
    }
  }

  /** Erases the frame and stops drawing until resume() (a prompt, or a line written above the view). */
  pause(): void {
    if (this.paused++ === 0) this.erase();
  }

  /** Ends a pause; the frame comes back at the next redraw (throttled), or now with `{ now: true }`. */
  resume(options: { now?: boolean } = {}): void {
    this.paused = Math.max(0, this.paused - 1);
    this.dirty = true;
    if (options.now) this.draw();
  }

  /** The frame as plain text lines, each at most the stream's width. */
  frame(): string[] {
    const now = this.options.now();
    const rows = [...this.rows.values()];
    const done = rows.filter((r) => r.phase === 'done').length;
    const failed = rows.filter((r) => r.phase === 'done' && FAILED.has(r.status)).length;
    const width = Math.max(...rows.map((r) => r.label.length), 0);
    const statusWidth = Math.max(...rows.map((r) => r.status.length), 0);
    const lines = [
      `${done} of ${rows.length} done${failed ? `, ${failed} failed` : ''}`,
      ...rows.map((r) => {
        const elapsed = r.startedAt === undefined ? '' : formatElapsed((r.endedAt ?? now) - r.startedAt);
        return `${mark(r)} ${r.label.padEnd(width)}  ${r.status.padEnd(statusWidth)}  ${elapsed.padStart(6)}${r.resource ? `  ${r.resource}` : ''}`.trimEnd();
      }),
    ];
    // One column short of the width: a line that fills it wraps on some terminals.
    const columns = this.options.stream.columns;
    return columns ? lines.map((l) => truncate(l, columns - 1)) : lines;
  }

  private tick(): void {
    const second = Math.floor(this.options.now() / 1000);
    if (second !== this.lastSecond) this.dirty = true;
    this.draw();
  }

  private draw(): void {
    if (this.paused || !this.dirty) return;
    this.dirty = false;
    this.lastSecond = Math.floor(this.options.now() / 1000);
    const lines = this.frame();
    const up = this.drawn ? `${ESC}${this.drawn}F` : '';
    this.options.stream.write(`${up}${lines.map((l) => `${ESC}2K${l}\n`).join('')}${ESC}0J`);
    this.drawn = lines.length;
  }

  private erase(): void {
    if (this.drawn) this.options.stream.write(`${ESC}${this.drawn}F${ESC}0J`);
    this.drawn = 0;
  }
}

/**
 * The deploy's output while the view is drawn: the per-stack line log is left to the view; other
 * lines are written above it; a confirmation or a typed question pauses the view until answered.
 */
export function liveOutput(out: Output, view: LiveView): Output {
  const above = (write: () => void) => {
    view.pause();
    write();
    view.resume();
  };
  const prompting = async <T>(ask: () => Promise<T>): Promise<T> => {
    view.pause();
    try {
      return await ask();
    } finally {
      view.resume({ now: true });
    }
  };
  return {
    json: out.json,
    info: (message) => above(() => out.info(message)),
    warn: (message) => above(() => out.warn(message)),
    progress: () => undefined,
    table: (headers, rows) => above(() => out.table(headers, rows)),
    confirm: (question, options) => prompting(() => out.confirm(question, options)),
    ask: (question) => prompting(() => out.ask(question)),
  };
}

function mark(row: Row): string {
  if (row.phase === 'waiting') return '·';
  if (row.phase !== 'done') return '…';
  return FAILED.has(row.status) ? '✗' : row.status === 'skipped' ? '-' : '✓';
}

function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function truncate(line: string, width: number): string {
  if (width <= 0) return '';
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}
