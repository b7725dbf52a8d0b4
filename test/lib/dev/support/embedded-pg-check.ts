/**
 * Run in a plain Node process by local-data.test.ts (PGlite's WebAssembly loader needs real dynamic
 * import): opens embedded databases in new data folders through openEmbeddedPostgres and prints
 * what it found as one JSON line.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedPostgres } from '../../../../src/lib/dev/embedded-postgres';

async function open(dir: string, cache: string) {
  mkdirSync(join(dir, '..'), { recursive: true });
  return openEmbeddedPostgres({ dir, cacheDir: cache });
}

async function main(): Promise<Record<string, unknown>> {
  const base = mkdtempSync(join(tmpdir(), 'cafe-pg-'));
  try {
    if (process.argv[2] === 'unwritable-cache') {
      writeFileSync(join(base, 'not-a-folder'), '');
      const cache = join(base, 'not-a-folder', 'pglite-initdb');
      const db = await open(join(base, 'data', 'pg'), cache);
      const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
      await db.close();
      return { rows, cacheMade: existsSync(join(cache, 'PG_VERSION')) };
    }
    const cache = join(base, 'cache', 'pglite-initdb');
    if (process.argv[2] === 'damaged') {
      const dir = join(base, 'data', 'pg');
      await (await open(dir, cache)).close();
      // A cluster whose control file is gone, as a half-copied or truncated folder leaves it.
      rmSync(join(dir, 'global', 'pg_control'));
      const error = await open(dir, cache).then(
        () => undefined,
        (e: Error & { hint?: string }) => e,
      );
      return { name: error?.name, message: error?.message, hint: error?.hint };
    }
    const first = await open(join(base, 'one', 'pg'), cache);
    const cacheMade = existsSync(join(cache, 'PG_VERSION'));
    await first.query('CREATE TABLE kept (n int)');
    await first.query('INSERT INTO kept VALUES (1)');
    await first.close();
    // A second new folder starts from the cache, not from the first folder's data.
    const second = await open(join(base, 'two', 'pg'), cache);
    const seen = (await second.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).rows[0]!.n;
    await second.close();
    const reopened = await open(join(base, 'one', 'pg'), cache);
    const { rows } = await reopened.query<{ n: number }>('SELECT n FROM kept');
    await reopened.close();
    return { cacheMade, otherFolderSeesTable: seen > 0, reopenedRows: rows };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
