import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SavedExecution } from '../../src/lib/dev/execution-journal';

/**
 * Counts the orders whose execution is parked on the barista's task token, following the executions
 * journal as it grows: each call reads only the lines appended since the last one, so it can be
 * asked every few milliseconds without taking CPU from the process measured. A compaction renames a
 * new file over the journal; the new file is then read from its start. A line still being written
 * is left for the next call.
 */
export class WaitingOrders {
  private readonly waiting = new Set<string>();
  private inode = -1;
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  count(): number {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return this.waiting.size;
    }
    // Read through one descriptor: a compaction renamed over the path meanwhile is read next time.
    let chunk: Buffer;
    try {
      const stat = fstatSync(fd);
      if (stat.ino !== this.inode || stat.size < this.offset) {
        this.inode = stat.ino;
        this.offset = 0;
        this.partial = '';
        this.waiting.clear();
      }
      if (stat.size === this.offset) return this.waiting.size;
      const buffer = Buffer.alloc(stat.size - this.offset);
      chunk = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, this.offset));
      this.offset += chunk.length;
    } finally {
      closeSync(fd);
    }
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop()!;
    for (const raw of lines) {
      if (!raw) continue;
      const line = JSON.parse(raw) as { ended?: string; execution?: SavedExecution };
      const name = line.ended ?? line.execution!.name;
      if (line.execution?.waiting && !line.execution.answer) this.waiting.add(name);
      else this.waiting.delete(name);
    }
    return this.waiting.size;
  }
}
