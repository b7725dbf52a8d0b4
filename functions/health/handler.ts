/**
 * GET /health, for the Route 53 health checks: this region's database writer answers and the
 * control table is readable, each within a short deadline. 200 when both hold, else 503.
 * Reports the region, its role and whether writes are paused.
 */
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv } from '../shared/env/dynamo';
import { json, type ApiHandler } from '../shared/http';

export const CHECK_TIMEOUT_MS = 1500;

export type HealthDeps = Pick<Deps, 'db' | 'control' | 'region' | 'role' | 'log'>;

interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed<T>(probe: () => Promise<T>): Promise<Check & { value?: T }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return { ok: true, ms: Date.now() - started, value };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: (error as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

export function createHandler(deps: HealthDeps): ApiHandler {
  return async () => {
    const [database, control] = await Promise.all([
      timed(async () => (await deps.db.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery')).rows[0]?.recovery === false),
      timed(() => deps.control.maintenance()),
    ]);
    const healthy = database.ok && control.ok;
    const body = {
      status: healthy ? 'ok' : 'unhealthy',
      region: deps.region,
      role: deps.role,
      writesPaused: control.value?.writesPaused ?? null,
      checks: {
        database: { ok: database.ok, ms: database.ms, writable: database.value ?? null, ...(database.error ? { error: database.error } : {}) },
        dynamodb: { ok: control.ok, ms: control.ms, ...(control.error ? { error: control.error } : {}) },
      },
    };
    if (!healthy) deps.log.warn('unhealthy', body);
    return json(healthy ? 200 : 503, body);
  };
}

export const handler = lazyHandler(() => {
  const env = process.env;
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), control: controlFromEnv(env, dynamoFromEnv(env)) });
});
