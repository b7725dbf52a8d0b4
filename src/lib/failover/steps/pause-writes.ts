/**
 * Step 2: the maintenance item in the control table (the API answers writes 503 while it is set),
 * waited for until every region reads it. Undone by --abort, which clears it again.
 */
import { errorMessage } from '../../errors';
import { waitFor } from '../wait';
import type { FailoverStep, UndoContext } from './step';
import { adviceBeforeSwitch, inSource, sides } from './kit';

const pauseWrites: FailoverStep<'pause-writes'> = {
  id: 'pause-writes',
  title: 'pause writes (maintenance flag)',
  describe: ({ topology, mode, source, target }) => {
    const control = topology.controlTable ?? '<control table>';
    return mode === 'planned' ? `set the maintenance flag in ${control} (${source.region}), wait until both regions see it` : `set the maintenance flag in ${target.region} (and ${source.region} if it answers)`;
  },
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
      // The lost region may still take writes: pause it if it answers, and pause the target so
      // nothing writes there while it is promoted.
      if (await inSource(engine, ctx, 'pausing writes', async () => ctx.call(await ports.tables.setWritesPaused(source.region, table, pause)))) regions.push(source.region);
      ctx.call(await ports.tables.setWritesPaused(target.region, table, pause));
      regions.push(target.region);
    }
    await waitFor(engine, 'maintenance flag visible in every region', settings.flagTimeoutMs, async () => {
      const seen = await Promise.all(regions.map((r) => ports.tables.writesPaused(r, table)));
      return seen.every(Boolean) ? true : undefined;
    });
    journal.writesPausedAt ??= ports.clock.now();
    return `writes paused, flag seen in ${regions.join(' and ')}`;
  },
  undo: async (ctx) => {
    const { source, target } = sides(ctx.journal);
    // Switched: writes belong to the new writer's region. Not switched: the café goes back to the source.
    if (ctx.switched) return clearFlag(ctx, target.region, true);
    await clearFlag(ctx, source.region, ctx.journal.mode === 'planned');
    await clearFlag(ctx, target.region, false);
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
