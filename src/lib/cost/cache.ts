/**
 * A small response cache on disk (.cafe-ops/cache/ by default, git-ignored): one JSON file per
 * request, kept for a time-to-live. Cost Explorer data changes a few times a day and every request
 * costs money, so repeated reports within the TTL make no request at all.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './ports';

export const DEFAULT_CACHE_DIR = '.cafe-ops/cache';
/** Cost Explorer refreshes its data at least once a day, typically three times. */
export const DEFAULT_CACHE_TTL_MS = 6 * 60 * 60 * 1000;

export interface ResponseCache {
  get<T>(key: unknown): Promise<T | undefined>;
  set(key: unknown, value: unknown): Promise<void>;
}

interface Entry {
  savedAt: string;
  value: unknown;
}

export function cacheKey(key: unknown): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

export class DiskCache implements ResponseCache {
  constructor(
    private readonly dir: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get<T>(key: unknown): Promise<T | undefined> {
    let entry: Entry;
    try {
      entry = JSON.parse(await readFile(this.file(key), 'utf8')) as Entry;
    } catch {
      return undefined; // missing or unreadable: a miss, never an error
    }
    const age = this.clock.now().getTime() - Date.parse(entry.savedAt);
    return age >= 0 && age < this.ttlMs ? (entry.value as T) : undefined;
  }

  async set(key: unknown, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(key);
    const temp = `${file}.${process.pid}.tmp`;
    const entry: Entry = { savedAt: this.clock.now().toISOString(), value };
    await writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
    await rename(temp, file);
  }

  private file(key: unknown): string {
    return join(this.dir, `${cacheKey(key)}.json`);
  }
}

/** No caching (--no-cache still writes fresh answers for the next run). */
export class WriteOnlyCache implements ResponseCache {
  constructor(private readonly inner: ResponseCache) {}
  async get<T>(_key: unknown): Promise<T | undefined> {
    return undefined;
  }
  set(key: unknown, value: unknown): Promise<void> {
    return this.inner.set(key, value);
  }
}
