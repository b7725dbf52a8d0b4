/** Step 1: canary 1 in the source, in both stores, so the new primary can later show what arrived (the RPO). */
import type { FailoverStep } from './step';
import { adviceBeforeSwitch, inSource, planned, sides, sourceAuroraCanary, writeCanary } from './kit';

// No undo: the canaries are the drill's own rows, kept as its evidence.
const canary: FailoverStep<'canary'> = {
  id: 'canary',
  title: 'write canaries in the current primary',
  describe: ({ topology, source }) => `put canary 1 in ${topology.controlTable ?? '<control table>'} and in Aurora through ${topology.healthFunction ?? '<health function>'} (${source.region})`,
  calls: ({ mode, source }) => (mode === 'planned' ? [...planned('dynamodb.PutItem', source.region), ...planned('lambda.Invoke', source.region)] : []),
  run: async (engine, ctx) => {
    const { source } = sides(engine.journal);
    const written = await inSource(engine, ctx, 'canary write', () => writeCanary(engine, ctx, source, 1));
    const aurora = await sourceAuroraCanary(engine, ctx, source, 1);
    const where = [written && 'control table', aurora && 'Aurora'].filter(Boolean).join(' and ');
    return where ? `canary 1 written in ${source.region} (${where})` : `no canary written: an unplanned drill asks nothing of ${source.region}`;
  },
  advice: (journal) => adviceBeforeSwitch(journal),
};

export default canary;
