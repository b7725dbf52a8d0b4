/**
 * The drill's steps, run in order from the first one not yet done in the journal. Each step is
 * idempotent (it looks before it acts), timed, and records the AWS request ids of its calls; the
 * journal is saved when a step starts and when it ends.
 *
 * Safety: traffic moves only after the database reports the target as the only writer; a step that
 * times out stops the drill with the way back; writes stay paused until the new region is verified.
 */
import { requestIdOf } from '../aws/errors';
import { errorMessage } from '../errors';
import type { Output } from '../ui/output';
import { STEP_IDS, type AuroraCanaryRecord, type Journal, type JournalStore, type StepId, type StepRecord } from './journal';
import { CanaryError, type AwsCall, type Canary, type FailoverPorts, type GlobalClusterState } from './ports';
import type { RegionTopology } from './topology';

export interface DrillSettings {
  lagThresholdMs: number;
  /** Time resolvers may keep the old answer after Route 53 flips (the record TTL). */
  ttlMs: number;
  switchTimeoutMs: number;
  trafficTimeoutMs: number;
  verifyTimeoutMs: number;
  flagTimeoutMs: number;
  /** How long the write in the new primary may keep failing with a retryable error (a writer still settling), and its read-back lag. */
  canaryTimeoutMs: number;
  httpTimeoutMs: number;
  /** Polling starts fast and backs off to maxMs. */
  poll: { initialMs: number; maxMs: number };
}

export const DEFAULT_SETTINGS: DrillSettings = {
  lagThresholdMs: 1_000,
  ttlMs: 60_000,
  switchTimeoutMs: 15 * 60_000,
  trafficTimeoutMs: 5 * 60_000,
  verifyTimeoutMs: 5 * 60_000,
  flagTimeoutMs: 60_000,
  canaryTimeoutMs: 60_000,
  httpTimeoutMs: 5_000,
  poll: { initialMs: 250, maxMs: 2_000 },
};

/** A step waited longer than its timeout. */
export class StepTimeout extends Error {
  override readonly name = 'StepTimeout';
}

/** Ctrl-C: the drill stops between two calls and can be resumed. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

export const STEP_TITLES: Record<StepId, string> = {
  canary: 'write canaries in the current primary',
  'pause-writes': 'pause writes (maintenance flag)',
  'switch-database': 'switch the database writer',
  'move-traffic': 'move traffic (Route 53)',
  'wait-ttl': 'wait out the DNS TTL',
  verify: 'verify end to end',
  'resume-writes': 'resume writes',
  'check-canary': 'write in the new primary, read the canaries',
};

interface StepContext {
  record: StepRecord;
  call<T extends AwsCall | undefined>(call: T): T;
  /** Something that did not go as planned but does not stop the drill. */
  deviate(text: string): void;
}

export interface Engine {
  journal: Journal;
  ports: FailoverPorts;
  store: JournalStore;
  out: Output;
  settings: DrillSettings;
  signal?: AbortSignal;
}

/** Polls `check` until it returns a value, backing off from poll.initialMs to poll.maxMs. */
export async function pollUntil<T>(engine: Pick<Engine, 'ports' | 'settings' | 'signal'>, what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const { clock } = engine.ports;
  const deadline = clock.now() + timeoutMs;
  let delay = engine.settings.poll.initialMs;
  for (;;) {
    if (engine.signal?.aborted) throw new Interrupted('interrupted');
    const value = await check();
    if (value !== undefined) return value;
    const left = deadline - clock.now();
    if (left <= 0) throw new StepTimeout(`${what}: not done after ${Math.round(timeoutMs / 1000)} s`);
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, engine.settings.poll.maxMs);
  }
}

const sides = (j: Journal) => ({ source: j.topology[j.from], target: j.topology[j.to] });
const elapsed = (j: Journal, at: number) => `+${((at - j.startedAt) / 1000).toFixed(1)} s`;

/** Runs every step not yet done; returns the journal as it ends (completed, stopped or interrupted). */
export async function runSteps(engine: Engine): Promise<Journal> {
  const { journal, ports, store, out } = engine;
  journal.state = 'running';
  for (const id of STEP_IDS) {
    const previous = journal.steps.find((s) => s.id === id);
    if (previous?.status === 'done') continue;
    if (engine.signal?.aborted) return interrupt(engine, id);
    const record: StepRecord = { id, status: 'running', startedAt: ports.clock.now(), requestIds: [] };
    journal.steps = [...journal.steps.filter((s) => s.id !== id), record];
    await store.save(journal);
    out.progress(`${elapsed(journal, record.startedAt)}  ${id}: ${STEP_TITLES[id]}${previous ? ' (again, after a stop)' : ''}`);
    const ctx: StepContext = {
      record,
      call: (call) => {
        if (call?.requestId) record.requestIds.push(call.requestId);
        return call;
      },
      deviate: (text) => {
        journal.deviations.push(`${id}: ${text}`);
        out.warn(text);
      },
    };
    try {
      record.detail = await STEPS[id](engine, ctx);
    } catch (error) {
      if (error instanceof Interrupted) return interrupt(engine, id);
      const failedRequest = requestIdOf(error);
      if (failedRequest) record.requestIds.push(failedRequest);
      record.status = 'failed';
      record.endedAt = ports.clock.now();
      record.error = errorMessage(error);
      journal.state = 'stopped';
      journal.stop = { step: id, reason: record.error, rollback: rollbackAdvice(journal, id) };
      await store.save(journal);
      out.warn(`${id} failed: ${record.error}`);
      return journal;
    }
    record.status = 'done';
    record.endedAt = ports.clock.now();
    await store.save(journal);
    const requests = record.requestIds.length ? ` [requests ${record.requestIds.join(' ')}]` : '';
    out.progress(`${elapsed(journal, record.endedAt)}  ${id}: ${record.detail} (${((record.endedAt - record.startedAt) / 1000).toFixed(1)} s)${requests}`);
  }
  journal.state = 'completed';
  delete journal.stop;
  await store.save(journal);
  return journal;
}

async function interrupt(engine: Engine, step: StepId): Promise<Journal> {
  engine.journal.state = 'interrupted';
  engine.journal.stop = { step, reason: 'interrupted', rollback: rollbackAdvice(engine.journal, step) };
  await engine.store.save(engine.journal);
  return engine.journal;
}

/** What a person can do when the drill stops at `step`. */
export function rollbackAdvice(journal: Journal, step: StepId): string {
  const { source, target } = sides(journal);
  const env = `--env ${journal.environment}`;
  const done = (id: StepId) => journal.steps.some((s) => s.id === id && s.status === 'done');
  if (!done('switch-database')) {
    const dbNote =
      step === 'switch-database'
        ? `The database switch may still finish in AWS: check \`aws rds describe-global-clusters --global-cluster-identifier ${journal.topology.globalClusterId} --region ${target.region}\`. `
        : '';
    return `${dbNote}DNS was not moved. Run \`cafe-ops failover ${env} --resume\` to continue, or \`cafe-ops failover ${env} --abort\` to resume writes in ${source.region} and restore DNS.`;
  }
  return (
    `The database writer is now in ${target.region}. Fix the cause and run \`cafe-ops failover ${env} --resume\` to finish; ` +
    `or run \`cafe-ops failover ${env} --abort\` (resumes writes, keeps traffic with the writer) and then \`cafe-ops failover ${env} --to ${journal.from}\` to switch back.`
  );
}

type Step = (engine: Engine, ctx: StepContext) => Promise<string>;

async function writeCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<Canary> {
  const { journal, ports } = engine;
  const canary: Canary = { id: `canary#${journal.drillId}#${seq}`, drillId: journal.drillId, seq, region: region.region, writtenAt: ports.clock.now() };
  const call = ctx.call(await ports.tables.putCanary(region.region, journal.topology.controlTable!, canary));
  journal.canaries = [...journal.canaries.filter((c) => c.seq !== seq), { ...canary, ...(call.requestId ? { requestId: call.requestId } : {}) }];
  return canary;
}

const canaryId = (journal: Journal, seq: number) => `canary#${journal.drillId}#${seq}`;

function healthFunction(journal: Journal): string {
  if (!journal.topology.healthFunction) throw new Error('the journal does not name the health function that writes the Aurora canaries');
  return journal.topology.healthFunction;
}

/** A row in Aurora's drill_canary table, written through the health function of `region` (global writer endpoint). */
async function writeAuroraCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<AuroraCanaryRecord> {
  const { journal, ports } = engine;
  const id = canaryId(journal, seq);
  const writtenAt = ports.clock.now();
  const row = ctx.call(await ports.canary.write(region.region, healthFunction(journal), id));
  const record: AuroraCanaryRecord = { id, seq, region: region.region, writtenAt, dbWrittenAt: row.writtenAt, ...(row.requestId ? { requestId: row.requestId } : {}) };
  journal.auroraCanaries = [...(journal.auroraCanaries ?? []).filter((c) => c.seq !== seq), record];
  return record;
}

/** Polls `check` like pollUntil, also through retryable canary errors (a writer still settling after the switch). */
async function pollCanary<T>(engine: Engine, what: string, check: () => Promise<T | undefined>): Promise<T> {
  let last: CanaryError | undefined;
  return pollUntil(engine, what, engine.settings.canaryTimeoutMs, async () => {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof CanaryError) || !error.retryable) throw error;
      last = error;
      return undefined;
    }
  }).catch((error: unknown) => {
    if (error instanceof StepTimeout && last) throw new StepTimeout(`${error.message} (last: ${last.message})`);
    throw error;
  });
}

/**
 * An Aurora canary in the source, through its health function. A planned drill waits out a retryable
 * answer; an unplanned one does not wait for a region that may be gone, and carries on without it.
 */
function sourceAuroraCanary(engine: Engine, ctx: StepContext, source: RegionTopology, seq: number): Promise<AuroraCanaryRecord | undefined> {
  const write = () => writeAuroraCanary(engine, ctx, source, seq);
  return inSource(engine, ctx, 'Aurora canary write', () =>
    engine.journal.mode === 'planned' ? pollCanary(engine, `Aurora canary ${seq} written through ${healthFunction(engine.journal)} in ${source.region}`, write) : write(),
  );
}

/** In unplanned mode the source region may be gone: what fails there is a deviation, not a stop. */
async function inSource<T>(engine: Engine, ctx: StepContext, what: string, action: () => Promise<T>): Promise<T | undefined> {
  if (engine.journal.mode === 'planned') return action();
  try {
    return await action();
  } catch (error) {
    ctx.deviate(`${what} in ${sides(engine.journal).source.region} failed (${errorMessage(error)}); continuing, the region may be down`);
    return undefined;
  }
}

function isWriter(gc: GlobalClusterState | undefined, clusterArn: string | undefined): boolean {
  return Boolean(gc?.members.some((m) => m.isWriter && m.clusterArn === clusterArn));
}

const STEPS: Record<StepId, Step> = {
  canary: async (engine, ctx) => {
    const { source } = sides(engine.journal);
    const canary = await inSource(engine, ctx, 'canary write', () => writeCanary(engine, ctx, source, 1));
    const aurora = await sourceAuroraCanary(engine, ctx, source, 1);
    const where = [canary && 'control table', aurora && 'Aurora'].filter(Boolean).join(' and ');
    return where ? `canary 1 written in ${source.region} (${where})` : 'no canary written (source unreachable)';
  },

  'pause-writes': async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { source, target } = sides(journal);
    const table = journal.topology.controlTable!;
    const pause = { paused: true, drillId: journal.drillId, at: ports.clock.now() };
    const regions: string[] = [];
    if (journal.mode === 'planned') {
      ctx.call(await ports.tables.setWritesPaused(source.region, table, pause));
      regions.push(source.region, target.region);
    } else {
      // The lost region may still take writes: pause it if it answers, and pause the target so
      // nothing writes there while it is promoted.
      if (await inSource(engine, ctx, 'pausing writes', async () => ctx.call(await ports.tables.setWritesPaused(source.region, table, pause)))) regions.push(source.region);
      ctx.call(await ports.tables.setWritesPaused(target.region, table, pause));
      regions.push(target.region);
    }
    await pollUntil(engine, 'maintenance flag visible in every region', settings.flagTimeoutMs, async () => {
      const seen = await Promise.all(regions.map((r) => ports.tables.writesPaused(r, table)));
      return seen.every(Boolean) ? true : undefined;
    });
    journal.writesPausedAt ??= ports.clock.now();
    return `writes paused, flag seen in ${regions.join(' and ')}`;
  },

  'switch-database': async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { source, target } = sides(journal);
    const globalId = journal.topology.globalClusterId!;
    const targetArn = target.clusterArn!;
    const before = ctx.call(await ports.database.describeGlobalCluster(target.region, globalId));
    if (!before) throw new Error(`global cluster ${globalId} not found from ${target.region}`);
    let action = 'already switched';
    const alreadyWriter = isWriter(before, targetArn) && !before.failover;
    const underWay = before.failover && before.failover.toClusterArn === targetArn;
    if (!alreadyWriter && !underWay) {
      const end = ports.clock.now();
      try {
        journal.lagBeforeSwitch = ctx.call(await ports.metrics.replicationLag(target.region, target.clusterId!, end - 60_000, end));
      } catch (error) {
        ctx.deviate(`could not read the replication lag before the switch: ${errorMessage(error)}`);
      }
      // The last writes the source takes before the switch: whether they arrive measures the RPO.
      await inSource(engine, ctx, 'canary write', () => writeCanary(engine, ctx, source, 2));
      await sourceAuroraCanary(engine, ctx, source, 2);
      journal.switchRequestedAt = ports.clock.now();
      if (journal.mode === 'planned') {
        ctx.call(await ports.database.switchover(target.region, globalId, targetArn));
        action = `SwitchoverGlobalCluster to ${target.region}`;
      } else {
        ctx.call(await ports.database.failover(target.region, globalId, targetArn));
        action = `FailoverGlobalCluster (AllowDataLoss) to ${target.region}`;
      }
      await engine.store.save(journal);
    } else if (underWay) {
      action = 'switch already under way';
    }
    const after = await pollUntil(engine, `${target.region} to become the writer`, settings.switchTimeoutMs, async () => {
      const gc = await ports.database.describeGlobalCluster(target.region, globalId);
      if (!gc || gc.failover || gc.status !== 'available') return undefined;
      return isWriter(gc, targetArn) ? gc : undefined;
    });
    ctx.call(after);
    const others = after.members.filter((m) => m.isWriter && m.clusterArn !== targetArn);
    if (others.length) {
      // A lost region cannot be demoted until it comes back; Aurora demotes it then. A planned switch must never end like this.
      const listed = others.map((m) => m.clusterArn).join(', ');
      if (journal.mode === 'planned') throw new Error(`after the switch the global cluster still lists ${listed} as a writer`);
      ctx.deviate(`${listed} is still listed as a writer (its region does not answer); Aurora demotes it when the region recovers`);
    }
    return `${action}; ${target.region} is the writer${others.length ? '' : ' (the only one)'}`;
  },

  'move-traffic': async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { target } = sides(journal);
    const { primary, secondary } = journal.topology;
    // Never move traffic unless the database switch has succeeded.
    const gc = ctx.call(await ports.database.describeGlobalCluster(target.region, journal.topology.globalClusterId!));
    if (!isWriter(gc, target.clusterArn) || gc?.failover) throw new Error(`refusing to move traffic: ${target.region} is not the database writer`);
    const primaryCheck = primary.healthCheckId!;
    const secondaryCheck = secondary.healthCheckId!;
    if (!journal.healthChecksBefore) {
      const before = await Promise.all([primaryCheck, secondaryCheck].map(async (id) => ctx.call(await ports.dns.getHealthCheck(id))));
      journal.healthChecksBefore = before.filter((c) => c !== undefined).map((c) => ({ id: c.id, inverted: c.inverted, disabled: c.disabled }));
      await engine.store.save(journal);
    }
    // The API's PRIMARY failover record follows the primary health check: forcing it unhealthy
    // (Disabled + Inverted) sends api.<domain> to the SECONDARY record; restoring it sends it back.
    const forcePrimary = journal.to === 'secondary';
    ctx.call(await ports.dns.setHealthCheck(primaryCheck, { inverted: forcePrimary, disabled: forcePrimary }));
    const [secondaryNow, applied] = await Promise.all([ports.dns.getHealthCheck(secondaryCheck), ports.dns.getHealthCheck(primaryCheck)]);
    ctx.call(applied);
    if (secondaryNow && (secondaryNow.disabled || secondaryNow.inverted)) {
      // The SECONDARY record must stay able to take traffic.
      ctx.call(await ports.dns.setHealthCheck(secondaryCheck, { inverted: false, disabled: false }));
      const how = [secondaryNow.disabled && 'disabled', secondaryNow.inverted && 'inverted'].filter(Boolean).join(' and ');
      ctx.deviate(`the secondary health check ${secondaryCheck} was ${how}; restored`);
    }
    if (!applied || applied.inverted !== forcePrimary || applied.disabled !== forcePrimary) throw new Error(`health check ${primaryCheck} did not take the new settings`);
    if (!forcePrimary) {
      await pollUntil(engine, `Route 53 checkers to see ${primary.region} healthy`, settings.trafficTimeoutMs, async () => {
        const status = await ports.dns.healthCheckStatus(primaryCheck);
        return status.total > 0 && status.healthy * 2 > status.total ? ctx.call(status) : undefined;
      });
      return `primary health check ${primaryCheck} restored and healthy: ${journal.topology.apiDomain} returns to ${primary.region}`;
    }
    return `primary health check ${primaryCheck} forced unhealthy: ${journal.topology.apiDomain} fails over to ${secondary.region}`;
  },

  'wait-ttl': async (engine) => {
    const { journal, ports } = engine;
    const until = (journal.steps.find((s) => s.id === 'move-traffic')?.endedAt ?? ports.clock.now()) + journal.settings.ttlMs;
    // In slices, so Ctrl-C stops the wait promptly.
    for (let left = until - ports.clock.now(); left > 0; left = until - ports.clock.now()) {
      if (engine.signal?.aborted) throw new Interrupted('interrupted');
      await ports.clock.sleep(Math.min(left, 1_000));
    }
    return `waited ${Math.round(journal.settings.ttlMs / 1000)} s TTL`;
  },

  verify: async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { target } = sides(journal);
    const publicHealth = `https://${journal.topology.apiDomain}/health`;
    let lastSeen = 'no answer';
    const served = await pollUntil(engine, `${publicHealth} to answer from ${target.region}`, settings.verifyTimeoutMs, async () => {
      try {
        const response = await ports.http.get(publicHealth, settings.httpTimeoutMs);
        const region = regionOfHealth(response.body);
        lastSeen = `${response.status}${region ? ` from ${region}` : ''}`;
        if (response.status !== 200) return undefined;
        if (region === undefined) return 'unknown';
        return region === target.region ? region : undefined;
      } catch (error) {
        lastSeen = errorMessage(error);
        return undefined;
      }
    }).catch((error: unknown) => {
      if (error instanceof StepTimeout) throw new StepTimeout(`${publicHealth} did not answer from ${target.region} within ${Math.round(settings.verifyTimeoutMs / 1000)} s (last: ${lastSeen})`);
      throw error;
    });
    if (served === 'unknown') ctx.deviate(`${publicHealth} does not say which region answered; traffic movement is not proven`);
    const regional = await ports.http.get(target.healthUrl!, settings.httpTimeoutMs);
    if (regional.status !== 200) throw new Error(`${target.healthUrl} answered ${regional.status}`);
    const read = await ports.http.get(`https://${journal.topology.apiDomain}/menu`, settings.httpTimeoutMs);
    if (read.status !== 200) throw new Error(`read check GET https://${journal.topology.apiDomain}/menu answered ${read.status}`);
    // A real write through the API, public name first, then the target's own name. The café's writes
    // are still paused: POST /health/canary is the drill's probe and does not honour the pause.
    const publicWrite = await apiCanaryWrite(engine, 'public', `https://${journal.topology.apiDomain}/health/canary`);
    const regionalWrite = await apiCanaryWrite(engine, 'regional', canaryUrlOf(target.healthUrl!));
    return `${publicHealth} and ${target.healthUrl} answer from ${target.region}; GET /menu 200; signed POST /health/canary 201 from ${target.region} through ${new URL(publicWrite.url).host} and ${new URL(regionalWrite.url).host}`;
  },

  'resume-writes': async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { source, target } = sides(journal);
    const table = journal.topology.controlTable!;
    ctx.call(await ports.tables.setWritesPaused(target.region, table, { paused: false, drillId: journal.drillId, at: ports.clock.now() }));
    const regions = journal.mode === 'planned' ? [target.region, source.region] : [target.region];
    await pollUntil(engine, 'maintenance flag cleared in every region', settings.flagTimeoutMs, async () => {
      const seen = await Promise.all(regions.map((r) => ports.tables.writesPaused(r, table)));
      return seen.some(Boolean) ? undefined : true;
    });
    journal.writesResumedAt = ports.clock.now();
    return `writes resumed in ${regions.join(' and ')}`;
  },

  'check-canary': async (engine, ctx) => {
    const { journal, ports } = engine;
    const { source, target } = sides(journal);
    const table = journal.topology.controlTable!;
    const fn = healthFunction(journal);
    // The real writes in the new primary, now that writes have resumed: a row in Aurora through the
    // region's health function (the global writer endpoint, as the API writes) and canary 3 in the control table.
    const aurora = await pollCanary(engine, `Aurora canary 3 written through ${fn} in ${target.region}`, () => writeAuroraCanary(engine, ctx, target, 3));
    const written = await writeCanary(engine, ctx, target, 3);
    // The writes succeeded when the calls returned; they count once they also read back.
    const succeededAt = ports.clock.now();
    const readBack = await ports.tables.getCanary(target.region, table, written.id);
    if (!readBack) throw new Error(`canary 3 written in ${target.region} cannot be read back`);
    // The region's reader may trail its writer by a few milliseconds.
    await pollCanary(engine, `Aurora canary 3 readable from the ${target.region} reader`, async () => {
      const read = await ports.canary.read(target.region, fn, [aurora.id]);
      return read.found.some((f) => f.id === aurora.id) ? ctx.call(read) : undefined;
    });
    journal.firstWriteAt ??= succeededAt;
    const fromSource = journal.canaries.filter((c) => c.region === source.region).sort((a, b) => a.seq - b.seq);
    const found = await Promise.all(fromSource.map(async (c) => ({ seq: c.seq, present: Boolean(await ports.tables.getCanary(target.region, table, c.id)) })));
    journal.canaryCheck = { present: found.filter((f) => f.present).map((f) => f.seq), missing: found.filter((f) => !f.present).map((f) => f.seq) };
    const auroraFromSource = (journal.auroraCanaries ?? []).filter((c) => c.region === source.region).sort((a, b) => a.seq - b.seq);
    const auroraFound = auroraFromSource.length
      ? ctx.call(await pollCanary(engine, `Aurora canaries read from the ${target.region} reader`, () => ports.canary.read(target.region, fn, auroraFromSource.map((c) => c.id)))).found
      : [];
    const arrived = (c: { id: string }) => auroraFound.some((f) => f.id === c.id);
    journal.auroraCanaryCheck = { present: auroraFromSource.filter(arrived).map((c) => c.seq), missing: auroraFromSource.filter((c) => !arrived(c)).map((c) => c.seq) };
    const wrote = `canary 3 written in ${target.region} (Aurora through ${fn}, and the control table)`;
    if (fromSource.length === 0 && auroraFromSource.length === 0) return `${wrote}; no canary from ${source.region} to look for`;
    return `${wrote}; from ${source.region}: ${journal.canaryCheck.present.length} of ${fromSource.length} control-table canaries and ${journal.auroraCanaryCheck.present.length} of ${auroraFromSource.length} Aurora canaries arrived`;
  },
};

/** The API's canary route next to a region's /health (https://api-<region>.<domain>/health → …/health/canary). */
export function canaryUrlOf(healthUrl: string): string {
  const url = new URL(healthUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/canary`;
  return url.toString();
}

/** The id of the API canary written through the public name or the regional name: fixed per drill, so a repeated verify writes nothing new. */
export const apiCanaryId = (journal: Journal, via: 'public' | 'regional') => `canary#${journal.drillId}#api-${via}`;

/**
 * POST /health/canary signed with the drill's AWS credentials (the route is AWS_IAM): a write into
 * Aurora through API Gateway and the health function, answered 201 by the target region. A 503 (the
 * writer still settling), a network error or an answer from another region (resolvers not caught up)
 * is retried until verify's timeout; any other status stops the drill.
 */
async function apiCanaryWrite(engine: Engine, via: 'public' | 'regional', url: string): Promise<{ url: string; writtenAt: string }> {
  const { journal, ports, settings } = engine;
  const { target } = sides(journal);
  const id = apiCanaryId(journal, via);
  let lastSeen = 'no answer';
  return pollUntil(engine, `signed POST ${url} to write from ${target.region}`, settings.verifyTimeoutMs, async () => {
    let response;
    try {
      response = await ports.http.postSigned(url, { id }, target.region, settings.httpTimeoutMs);
    } catch (error) {
      lastSeen = errorMessage(error);
      return undefined;
    }
    const answer = parseJson(response.body) as { id?: unknown; region?: unknown; writtenAt?: unknown; message?: unknown; error?: { message?: unknown } } | undefined;
    const said = typeof answer?.error?.message === 'string' ? answer.error.message : typeof answer?.message === 'string' ? answer.message : '';
    if (response.status === 503) {
      lastSeen = `503${said ? ` ${said}` : ''}`;
      return undefined;
    }
    if (response.status !== 201) {
      const hint = response.status === 403 ? ' (the drill\'s credentials need execute-api:Invoke on POST /health/canary, as the ci stack\'s FailoverRole has)' : '';
      throw new Error(`signed write POST ${url} answered ${response.status}${said ? `: ${said.replace(/\s+/g, ' ').slice(0, 200)}` : ''}${hint}`);
    }
    if (answer?.id !== id || typeof answer.writtenAt !== 'string') throw new Error(`signed write POST ${url} answered 201 without the canary ${id}`);
    if (answer.region !== target.region) {
      lastSeen = `201 from ${String(answer.region)}`;
      return undefined;
    }
    return { url, writtenAt: answer.writtenAt };
  }).catch((error: unknown) => {
    if (error instanceof StepTimeout) throw new StepTimeout(`${error.message} (last: ${lastSeen})`);
    throw error;
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The region a /health answer reports (JSON `region`), if any. */
export function regionOfHealth(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { region?: unknown; awsRegion?: unknown };
    const region = parsed.region ?? parsed.awsRegion;
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}
