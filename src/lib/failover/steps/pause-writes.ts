/**
 * Step 2: the maintenance item in the control table (the API answers writes 503 while it is set,
 * the order workflow refuses to write), waited for until every region reads it; then the drain: a
 * request that read "not paused" just before the flag arrived may still write until its function
 * times out, so the step waits that long (the app stack's WriteDrainSeconds, the longest timeout of
 * a function that writes) before the database may switch. Undone by --abort, which clears it again.
 */
import { errorMessage } from '../../errors';
import type { DrillSettings } from '../engine';
import { seconds } from '../format';
import type { Topology } from '../topology';
import { waitFor, waitUntil } from '../wait';
import type { FailoverStep, UndoContext } from './step';
import { adviceBeforeSwitch, planned, regionsOf, sides } from './kit';

/** How long after the pause is visible everywhere no request that passed the check before can still write. */
export const drainMs = (topology: Topology, settings: DrillSettings) => settings.drainMs ?? topology.writeDrainMs ?? DEFAULT_DRAIN_MS;
/** The functions' Timeout in templates/app.yaml (10 s) when the stack does not say. */
export const DEFAULT_DRAIN_MS = 10_000;

const pauseWrites: FailoverStep<'pause-writes'> = {
  id: 'pause-writes',
  title: 'pause writes (maintenance flag)',
  describe: ({ topology, mode, source, target, settings }) => {
    const control = topology.controlTable ?? '<control table>';
    const drain = `then wait ${seconds(drainMs(topology, settings))} (the longest writer timeout) so that no request started before the pause can still write`;
    return mode === 'planned' ? `set the maintenance flag in ${control} (${source.region}), wait until both regions see it; ${drain}` : `set the maintenance flag in ${control} (${target.region}), wait until it reads back; ${drain}`;
  },
  calls: (plan) => [...planned('dynamodb.PutItem', plan.mode === 'planned' ? plan.source.region : plan.target.region), ...planned('dynamodb.GetItem', ...regionsOf(plan))],
  run: async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { source, target } = sides(journal);
    const table = journal.topology.controlTable!;
    const pause = { paused: true, drillId: journal.drillId, at: ports.clock.now() };
    const regions: string[] = [];
    if (journal.mode === 'planned') {
      ctx.call(await ports.tables.setWritesPaused(source.region, table, pause));
      regions.push(source.region, target.region);
    } else {
      // The lost region is asked nothing; the pause written in the target replicates to it if it
      // still runs. The target must not take writes while it is promoted.
      ctx.call(await ports.tables.setWritesPaused(target.region, table, pause));
      regions.push(target.region);
    }
    await waitFor(engine, 'maintenance flag visible in every region', settings.flagTimeoutMs, async () => {
      const seen = await Promise.all(regions.map((r) => ports.tables.writesPaused(r, table)));
      return seen.every(Boolean) ? true : undefined;
    });
    journal.writesPausedAt ??= ports.clock.now();
    await engine.store.save(journal);
    const drain = drainMs(journal.topology, settings);
    await waitUntil(engine, journal.writesPausedAt + drain);
    return `writes paused, flag seen in ${regions.join(' and ')}; drained ${seconds(drain)} (no request from before the pause can still write)`;
  },
  undo: async (ctx) => {
    const { source, target } = sides(ctx.journal);
    // Switched: writes belong to the new writer's region. Not switched: the café goes back to the source.
    if (ctx.switched) return clearFlag(ctx, target.region, true);
    if (ctx.journal.mode === 'planned') return clearFlag(ctx, source.region, true);
    await clearFlag(ctx, target.region, true);
  },
  advice: (journal) => adviceBeforeSwitch(journal),
};

/** Clears the maintenance flag in `region`; a region that may be lost (not `required`) is reported, not fatal. */
async function clearFlag({ journal, ports, done }: UndoContext, region: string, required: boolean): Promise<void> {
  try {
    const call = await ports.tables.setWritesPaused(region, journal.topology.controlTable!, { paused: false, drillId: journal.drillId, at: ports.clock.now() });
    done(`writes resumed in ${region}${call.requestId ? ` (request ${call.requestId})` : ''}`);
  } catch (error) {
    if (required) throw error;
    done(`could not clear the maintenance flag in ${region}: ${errorMessage(error)}`);
  }
}

export default pauseWrites;
