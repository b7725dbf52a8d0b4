/** What several steps share: the two sides, the canary writes, the source that may be gone, the writer check, the way back. */
import { errorMessage } from '../../errors';
import type { Engine } from '../engine';
import type { AuroraCanaryRecord, Journal } from '../journal';
import { CanaryError, type Canary, type GlobalClusterState } from '../ports';
import type { RegionTopology } from '../topology';
import { StepTimeout, waitFor } from '../wait';
import type { StepContext } from './step';

export const sides = (j: Journal) => ({ source: j.topology[j.from], target: j.topology[j.to] });

export const canaryId = (journal: Journal, seq: number) => `canary#${journal.drillId}#${seq}`;

export function healthFunction(journal: Journal): string {
  if (!journal.topology.healthFunction) throw new Error('the journal does not name the health function that writes the Aurora canaries');
  return journal.topology.healthFunction;
}

/** Canary `seq` as an item of the control table in `region`. */
export async function writeCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<Canary> {
  const { journal, ports } = engine;
  const canary: Canary = { id: canaryId(journal, seq), drillId: journal.drillId, seq, region: region.region, writtenAt: ports.clock.now() };
  const call = ctx.call(await ports.tables.putCanary(region.region, journal.topology.controlTable!, canary));
  journal.canaries = [...journal.canaries.filter((c) => c.seq !== seq), { ...canary, ...(call.requestId ? { requestId: call.requestId } : {}) }];
  return canary;
}

/** A row in Aurora's drill_canary table, written through the health function of `region` (global writer endpoint). */
export async function writeAuroraCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<AuroraCanaryRecord> {
  const { journal, ports } = engine;
  const id = canaryId(journal, seq);
  const writtenAt = ports.clock.now();
  const row = ctx.call(await ports.canary.write(region.region, healthFunction(journal), id));
  const record: AuroraCanaryRecord = { id, seq, region: region.region, writtenAt, dbWrittenAt: row.writtenAt, ...(row.requestId ? { requestId: row.requestId } : {}) };
  journal.auroraCanaries = [...(journal.auroraCanaries ?? []).filter((c) => c.seq !== seq), record];
  return record;
}

/** Polls `check` like waitFor, also through retryable canary errors (a writer still settling after the switch). */
export async function pollCanary<T>(engine: Engine, what: string, check: () => Promise<T | undefined>): Promise<T> {
  let last: CanaryError | undefined;
  return waitFor(engine, what, engine.settings.canaryTimeoutMs, async () => {
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
export function sourceAuroraCanary(engine: Engine, ctx: StepContext, source: RegionTopology, seq: number): Promise<AuroraCanaryRecord | undefined> {
  const write = () => writeAuroraCanary(engine, ctx, source, seq);
  return inSource(engine, ctx, 'Aurora canary write', () =>
    engine.journal.mode === 'planned' ? pollCanary(engine, `Aurora canary ${seq} written through ${healthFunction(engine.journal)} in ${source.region}`, write) : write(),
  );
}

/** In unplanned mode the source region may be gone: what fails there is a deviation, not a stop. */
export async function inSource<T>(engine: Engine, ctx: StepContext, what: string, action: () => Promise<T>): Promise<T | undefined> {
  if (engine.journal.mode === 'planned') return action();
  try {
    return await action();
  } catch (error) {
    ctx.deviate(`${what} in ${sides(engine.journal).source.region} failed (${errorMessage(error)}); continuing, the region may be down`);
    return undefined;
  }
}

export function isWriter(gc: GlobalClusterState | undefined, clusterArn: string | undefined): boolean {
  return Boolean(gc?.members.some((m) => m.isWriter && m.clusterArn === clusterArn));
}

/** The way back from a stop before the database switched: nothing moved that --abort cannot put back. */
export function adviceBeforeSwitch(journal: Journal, note = ''): string {
  const env = `--env ${journal.environment}`;
  return `${note}DNS was not moved. Run \`cafe-ops failover ${env} --resume\` to continue, or \`cafe-ops failover ${env} --abort\` to resume writes in ${sides(journal).source.region} and restore DNS.`;
}

/** The way back from a stop after the database switched: the writer stays where it is now. */
export function adviceAfterSwitch(journal: Journal): string {
  const env = `--env ${journal.environment}`;
  return (
    `The database writer is now in ${sides(journal).target.region}. Fix the cause and run \`cafe-ops failover ${env} --resume\` to finish; ` +
    `or run \`cafe-ops failover ${env} --abort\` (resumes writes, keeps traffic with the writer) and then \`cafe-ops failover ${env} --to ${journal.from}\` to switch back.`
  );
}
