import type { Clock } from '../../src/lib/clock';

/** Virtual time: sleeps resolve in time order once every runnable task is blocked. */
export class FakeClock implements Clock {
  private time: number;
  private timers: { at: number; resolve: () => void; seq: number }[] = [];
  private seq = 0;
  private scheduled = false;
  readonly start: number;

  constructor(start = 0) {
    this.time = start;
    this.start = start;
  }

  now = () => this.time;

  sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      this.timers.push({ at: this.time + Math.max(0, ms), resolve, seq: this.seq++ });
      this.schedule();
    });

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.time = Math.max(this.time, next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}
