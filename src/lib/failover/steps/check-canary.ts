/**
 * Step 8: the first real writes in the new primary (canary 3, in Aurora through the target's health
 * function and in the control table), read back: they end the RTO. Then the source's canaries 1
 * and 2 looked for in both stores of the new primary: what arrived measures the RPO.
 */
import type { FailoverStep } from './step';
import { adviceAfterSwitch, healthFunction, planned, pollCanary, sides, writeAuroraCanary, writeCanary } from './kit';

// No undo: canary 3 is the drill's own row, kept as its evidence.
const checkCanary: FailoverStep<'check-canary'> = {
  id: 'check-canary',
  title: 'write in the new primary, read the canaries',
  describe: ({ topology, source, target }) =>
    `write canary 3 in ${target.region} (Aurora through ${topology.healthFunction ?? '<health function>'}, and ${topology.controlTable ?? '<control table>'}) and read it back; look for the ${source.region} canaries in both (RPO)`,
  calls: ({ target }) => [...planned('dynamodb.PutItem', target.region), ...planned('dynamodb.GetItem', target.region), ...planned('lambda.Invoke', target.region)],
  run: async (engine, ctx) => {
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
  advice: (journal) => adviceAfterSwitch(journal),
};

export default checkCanary;
