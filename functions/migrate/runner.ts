/**
 * Applies pending migrations: one transaction holding an advisory lock, so two runs at once
 * (a retried deploy) apply each migration exactly once; a failure leaves the schema as it was.
 */
import type { Database } from '../shared/sql';
import type { Migration } from './migrations';

export interface MigrationResult {
  applied: { id: number; name: string }[];
  current: number;
}

export async function applyMigrations(db: Database, migrations: Migration[]): Promise<MigrationResult> {
  const ordered = [...migrations].sort((a, b) => a.id - b.id);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7301001)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: MigrationResult['applied'] = [];
    for (const migration of ordered) {
      if (done.has(migration.id)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      applied.push({ id: migration.id, name: migration.name });
    }
    const current = Math.max(0, ...done, ...applied.map((a) => a.id));
    return { applied, current };
  });
}
