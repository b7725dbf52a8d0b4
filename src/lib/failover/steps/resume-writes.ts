/** Step 7: the maintenance flag cleared in the target, waited for until it reads back cleared (in both regions when planned). */
import { waitFor } from '../wait';
import type { FailoverStep } from './step';
import { adviceAfterSwitch, planned, regionsOf, sides } from './kit';

// No undo: writes resumed is where --abort would leave the café anyway.
const resumeWrites: FailoverStep<'resume-writes'> = {
  id: 'resume-writes',
  title: 'resume writes',
  describe: () => `clear the maintenance flag, wait until it is seen cleared`,
  calls: (plan) => [...planned('dynamodb.PutItem', plan.target.region), ...planned('dynamodb.GetItem', ...regionsOf(plan))],
  run: async (engine, ctx) => {
    const { journal, ports, settings } = engine;
    const { source, target } = sides(journal);
    const table = journal.topology.controlTable!;
    ctx.call(await ports.tables.setWritesPaused(target.region, table, { paused: false, drillId: journal.drillId, at: ports.clock.now() }));
    const regions = journal.mode === 'planned' ? [target.region, source.region] : [target.region];
    await waitFor(engine, 'maintenance flag cleared in every region', settings.flagTimeoutMs, async () => {
      const seen = await Promise.all(regions.map((r) => ports.tables.writesPaused(r, table)));
      return seen.some(Boolean) ? undefined : true;
    });
    journal.writesResumedAt = ports.clock.now();
    return `writes resumed in ${regions.join(' and ')}`;
  },
  advice: (journal) => adviceAfterSwitch(journal),
};

export default resumeWrites;
