/**
 * Step 4: api.<domain> follows the database writer. The PRIMARY failover record carries the primary
 * health check: forcing it unhealthy (Disabled + Inverted) sends traffic to the SECONDARY record,
 * restoring it sends traffic back. Runs only once the target is the writer. --abort puts back the
 * checks as they were, unless the database has switched (traffic then stays with the writer).
 */
import { waitFor } from '../wait';
import type { FailoverStep } from './step';
import { adviceAfterSwitch, isWriter, sides } from './kit';

const moveTraffic: FailoverStep<'move-traffic'> = {
  id: 'move-traffic',
  title: 'move traffic (Route 53)',
  describe: ({ topology, target }) => {
    const primaryCheck = topology.primary.healthCheckId ?? '<primary health check>';
    return target.role === 'secondary'
      ? `UpdateHealthCheck ${primaryCheck} Disabled+Inverted: ${topology.apiDomain} fails over to the SECONDARY record`
      : `UpdateHealthCheck ${primaryCheck} back to normal; wait until Route 53 sees ${target.region} healthy`;
  },
  run: async (engine, ctx) => {
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
      await waitFor(engine, `Route 53 checkers to see ${primary.region} healthy`, settings.trafficTimeoutMs, async () => {
        const status = await ports.dns.healthCheckStatus(primaryCheck);
        return status.total > 0 && status.healthy * 2 > status.total ? ctx.call(status) : undefined;
      });
      return `primary health check ${primaryCheck} restored and healthy: ${journal.topology.apiDomain} returns to ${primary.region}`;
    }
    return `primary health check ${primaryCheck} forced unhealthy: ${journal.topology.apiDomain} fails over to ${secondary.region}`;
  },
  undo: async ({ journal, ports, switched, done }) => {
    if (switched || !journal.healthChecksBefore) return;
    for (const before of journal.healthChecksBefore) {
      const call = await ports.dns.setHealthCheck(before.id, { inverted: before.inverted, disabled: before.disabled });
      done(`health check ${before.id} restored (inverted ${before.inverted}, disabled ${before.disabled})${call.requestId ? ` (request ${call.requestId})` : ''}`);
    }
  },
  advice: (journal) => adviceAfterSwitch(journal),
};

export default moveTraffic;
