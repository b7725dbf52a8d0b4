/** Step 5: resolvers may keep the old answer for the record's TTL after Route 53 flips; the drill waits it out from the end of step 4. */
import { seconds } from '../format';
import { waitUntil } from '../wait';
import type { FailoverStep } from './step';
import { adviceAfterSwitch } from './kit';

// No undo: a wait changes nothing.
const waitTtl: FailoverStep<'wait-ttl'> = {
  id: 'wait-ttl',
  title: 'wait out the DNS TTL',
  describe: ({ settings }) => `wait ${seconds(settings.ttlMs)} for resolvers to drop the old answer`,
  calls: () => [],
  run: async (engine) => {
    const { journal, ports } = engine;
    const until = (journal.steps.find((s) => s.id === 'move-traffic')?.endedAt ?? ports.clock.now()) + journal.settings.ttlMs;
    await waitUntil(engine, until);
    return `waited ${Math.round(journal.settings.ttlMs / 1000)} s TTL`;
  },
  advice: (journal) => adviceAfterSwitch(journal),
};

export default waitTtl;
