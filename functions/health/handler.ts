/**
 * GET /health, for the Route 53 health checks: 200 when this region can serve in its current role
 * (its local reader answers, its replica of the control table is readable, and it is the active
 * region or the standby behind the SECONDARY record), else 503, each check within a short deadline.
 * The deployed primary answers 503 `standby` once the control table's traffic item names another
 * region: that is how a failover drill moves traffic with one DynamoDB write (see serving()).
 *
 * POST /health/canary { id } (AWS_IAM, signed by the failover drill) makes the same canary write
 * through the API: 201 { id, region, writtenAt }, 400 naming the bad field, 503 while the writer is
 * read-only or out of reach. It is exempt from the maintenance pause (see apiCanary).
 *
 * Invoked directly (not through API Gateway), it serves the failover drill's Aurora canaries:
 *   { action: 'canary-write', id }   inserts the row through the writer (global writer endpoint) → { id, region, writtenAt }
 *   { action: 'canary-read', ids }   reads them from this region's reader → { region, found: [{ id, region, writtenAt }], missing }
 * A direct invocation never throws: a bad payload or a failure answers { error: { code, message, retryable } }.
 */
import * as z from 'zod/mini';
import '../shared/schema';
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv } from '../shared/env/dynamo';
import { HttpError } from '../shared/errors';
import { isTransientError } from '../shared/transient';
import type { Traffic } from '../shared/ports';
import { json, parseBody, zodIssues, type ApiEvent, type ApiResult, type LambdaContext } from '../shared/http';

export const CHECK_TIMEOUT_MS = 1500;
/** A canary call answers within this (the function's timeout is 10 s). */
export const CANARY_TIMEOUT_MS = 5000;

export type HealthDeps = Pick<Deps, 'db' | 'reader' | 'control' | 'region' | 'role' | 'log'>;

interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

function withDeadline<T>(probe: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([probe(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function timed<T>(probe: () => Promise<T>): Promise<Check & { value?: T }> {
  const started = Date.now();
  try {
    const value = await withDeadline(probe, CHECK_TIMEOUT_MS);
    return { ok: true, ms: Date.now() - started, value };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: (error as Error).message.slice(0, 200) };
  }
}

const canaryId = z.string().check(z.regex(/^[A-Za-z0-9#:._-]{1,128}$/, 'must be 1-128 letters, digits or # : . _ -'));
export const canaryRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('canary-write'), id: canaryId }),
  z.strictObject({ action: z.literal('canary-read'), ids: z.array(canaryId).check(z.minLength(1), z.maxLength(20)) }),
]);
export type CanaryRequest = z.infer<typeof canaryRequestSchema>;

export interface CanaryRow {
  id: string;
  region: string;
  /** ISO 8601, the database's clock (written_at). */
  writtenAt: string;
}
export interface CanaryFailure {
  error: { code: 'invalid_request' | 'unavailable' | 'failed'; message: string; retryable: boolean };
}
export type CanaryWriteResult = CanaryRow | CanaryFailure;
export type CanaryReadResult = { region: string; found: CanaryRow[]; missing: string[] } | CanaryFailure;

/** The function's handler: API Gateway events get /health or POST /health/canary; direct invocations the canary actions. */
export interface HealthHandler {
  (event: ApiEvent, context?: LambdaContext): Promise<ApiResult>;
  (event: unknown, context?: LambdaContext): Promise<ApiResult | CanaryWriteResult | CanaryReadResult>;
}

const isApiEvent = (event: unknown): event is ApiEvent => typeof event === 'object' && event !== null && typeof (event as { httpMethod?: unknown }).httpMethod === 'string';

const toRow = (row: { id: string; region: string; written_at: Date | string }): CanaryRow => ({ id: row.id, region: row.region, writtenAt: new Date(row.written_at).toISOString() });

/**
 * Whether this region can serve its current role, from this region alone: its own reader, its
 * replica of the control table, and its role in it. Nothing here reaches another region (the
 * global writer endpoint resolves to the writer's region), so a standby stays healthy when the
 * primary region is lost, and the answer flips when the surviving region writes the traffic item.
 */
export function serving(deps: Pick<HealthDeps, 'region' | 'role'>, traffic: Traffic): { state: 'active' | 'standby'; activeRegion?: string; takesTraffic: boolean } {
  const active = traffic.activeRegion ? traffic.activeRegion === deps.region : deps.role === 'primary';
  // Route 53 sends traffic to the PRIMARY record while its check passes: the region behind it passes
  // only while it is the active one. The region behind the SECONDARY record passes whenever it can
  // serve, so it is there to fail over to.
  return { state: active ? 'active' : 'standby', ...(traffic.activeRegion ? { activeRegion: traffic.activeRegion } : {}), takesTraffic: active || deps.role !== 'primary' };
}

function healthCheck(deps: HealthDeps): () => Promise<ApiResult> {
  return async () => {
    const [reader, control] = await Promise.all([
      timed(async () => (await deps.reader.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery')).rows[0]?.recovery === false),
      timed(async () => {
        const [maintenance, traffic] = await Promise.all([deps.control.maintenance(), deps.control.traffic()]);
        return { maintenance, traffic };
      }),
    ]);
    const role = control.value ? serving(deps, control.value.traffic) : undefined;
    const canServe = reader.ok && control.ok;
    const healthy = canServe && role?.takesTraffic === true;
    const body = {
      status: healthy ? 'ok' : canServe ? 'standby' : 'unhealthy',
      region: deps.region,
      role: deps.role,
      serving: role?.state ?? null,
      activeRegion: role?.activeRegion ?? null,
      writesPaused: control.value?.maintenance.writesPaused ?? null,
      checks: {
        reader: { ok: reader.ok, ms: reader.ms, writer: reader.value ?? null, ...(reader.error ? { error: reader.error } : {}) },
        dynamodb: { ok: control.ok, ms: control.ms, ...(control.error ? { error: control.error } : {}) },
      },
    };
    if (!canServe) deps.log.warn('unhealthy', body);
    return json(healthy ? 200 : 503, body);
  };
}

/** Why a canary call failed, as the drill reads it: retryable for a lost connection, a read-only writer or a deadline. */
function canaryFailure(deps: HealthDeps, action: CanaryRequest['action'], error: unknown, requestId: string | undefined): CanaryFailure {
  const transient = isTransientError(error);
  const e = error as { name?: string; code?: string; message?: string };
  deps.log.error('canary failed', { action, error: { name: e?.name, code: e?.code, message: e?.message }, requestId });
  return {
    error: {
      code: transient ? 'unavailable' : 'failed',
      message: `${action} in ${deps.region} failed: ${String(e?.message ?? error).slice(0, 300)}`,
      retryable: transient,
    },
  };
}

/** The canary write, for both the direct invocation and POST /health/canary: once per id, through the writer. */
async function writeCanaryRow(deps: HealthDeps, id: string, requestId: string | undefined): Promise<CanaryWriteResult> {
  const started = Date.now();
  try {
    // A retried write keeps the first row: the canary is written once, whatever the retries.
    const { rows } = await withDeadline(
      () =>
        deps.db.query<{ id: string; region: string; written_at: Date }>(
          `INSERT INTO drill_canary (id, region) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING id, region, written_at`,
          [id, deps.region],
        ),
      CANARY_TIMEOUT_MS,
    );
    const row = toRow(rows[0]!);
    deps.log.info('canary written', { id: row.id, region: row.region, ms: Date.now() - started, requestId });
    return row;
  } catch (error) {
    return canaryFailure(deps, 'canary-write', error, requestId);
  }
}

function canaries(deps: HealthDeps) {
  return async (event: unknown, context?: LambdaContext): Promise<CanaryWriteResult | CanaryReadResult> => {
    const parsed = canaryRequestSchema.safeParse(event);
    if (!parsed.success) {
      const first = zodIssues(parsed.error)[0]!;
      const issue = { field: first.field === 'body' ? 'payload' : first.field, reason: first.reason };
      const message = issue.field === 'action' || issue.field === 'payload' ? `expected an API Gateway event or { action: 'canary-write', id } / { action: 'canary-read', ids }: ${issue.field}: ${issue.reason}` : `${issue.field}: ${issue.reason}`;
      deps.log.warn('canary request refused', { field: issue.field, reason: issue.reason, requestId: context?.awsRequestId });
      return { error: { code: 'invalid_request', message, retryable: false } };
    }
    const request = parsed.data;
    if (request.action === 'canary-write') return writeCanaryRow(deps, request.id, context?.awsRequestId);
    const started = Date.now();
    try {
      const { rows } = await withDeadline(
        () => deps.reader.query<{ id: string; region: string; written_at: Date }>(`SELECT id, region, written_at FROM drill_canary WHERE id = ANY($1::text[]) ORDER BY written_at`, [request.ids]),
        CANARY_TIMEOUT_MS,
      );
      const found = rows.map(toRow);
      const missing = request.ids.filter((id) => !found.some((f) => f.id === id));
      deps.log.info('canaries read', { found: found.length, missing: missing.length, ms: Date.now() - started, requestId: context?.awsRequestId });
      return { region: deps.region, found, missing };
    } catch (error) {
      return canaryFailure(deps, request.action, error, context?.awsRequestId);
    }
  };
}

export const apiCanarySchema = z.strictObject({ id: canaryId });

/**
 * POST /health/canary (AWS_IAM): the failover drill's write through the API, signed with the drill's
 * credentials. The same write as the direct canary-write; 201 { id, region, writtenAt } where region
 * is the region that answered (a repeated id keeps its first row and time). It does not honour the
 * maintenance pause: it is the drill's own probe, made while the café's writes are paused, and it
 * writes only drill_canary.
 */
function apiCanary(deps: HealthDeps) {
  return async (event: ApiEvent, context?: LambdaContext): Promise<ApiResult> => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId;
    let id: string;
    try {
      id = parseBody(event, apiCanarySchema).id;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      deps.log.warn('canary request refused', { field: error.issues[0]?.field, reason: error.issues[0]?.reason, requestId });
      return json(error.status, { error: { code: error.code, message: error.message, issues: error.issues } });
    }
    const result = await writeCanaryRow(deps, id, requestId);
    if ('error' in result) {
      if (result.error.retryable) return json(503, { error: { code: 'unavailable', message: result.error.message } }, { 'Retry-After': '5' });
      return json(500, { error: { code: 'internal', message: 'the canary write failed', requestId } });
    }
    return json(201, { id: result.id, region: deps.region, writtenAt: result.writtenAt });
  };
}

const isCanaryRoute = (event: ApiEvent) => event.httpMethod.toUpperCase() === 'POST' && (event.resource ?? event.path) === '/health/canary';

export function createHandler(deps: HealthDeps): HealthHandler {
  const health = healthCheck(deps);
  const canary = canaries(deps);
  const viaApi = apiCanary(deps);
  return (async (event: unknown, context?: LambdaContext) => (isApiEvent(event) ? (isCanaryRoute(event) ? viaApi(event, context) : health()) : canary(event, context))) as HealthHandler;
}

export const handler = lazyHandler(() => {
  const env = process.env;
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), control: controlFromEnv(env, dynamoFromEnv(env)) });
}) as HealthHandler;
