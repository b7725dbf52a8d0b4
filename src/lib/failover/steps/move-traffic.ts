/**
 * Step 4: api.<domain> follows the database writer. Runs only once the target is the writer.
 *
 * data-plane (default): the traffic item of the control table names the target, written in the
 * target region (the surviving one). Each region's /health reads it from its own replica: the
 * region behind the PRIMARY record answers 503 while it is not the active one, so Route 53's health
 * checkers (a data plane) fail over to the SECONDARY record, and back when the item names the
 * primary again. No Route 53 API call (its control plane is in us-east-1), nothing asked of the lost
 * region. As AWS advises for recovery: https://docs.aws.amazon.com/r53recovery/latest/dg/route53-arc-best-practices.html
 *
 * health-check: the PRIMARY record's health check forced unhealthy (UpdateHealthCheck Disabled +
 * Inverted), or restored; a Route 53 control-plane call, kept for a planned drill that wants it.
 *
 * --abort puts traffic back as it was, unless the database has switched (traffic then stays with the writer).
 */
import { waitFor } from '../wait';
import type { Engine } from '../engine';
import type { FailoverStep, StepContext } from './step';
import { adviceAfterSwitch, hostOf, isWriter, planned, regionsOf, sides } from './kit';

const moveTraffic: FailoverStep<'move-traffic'> = {
  id: 'move-traffic',
  title: 'move traffic',
  describe: ({ topology, target, trafficSwitch, mode, source }) => {
    if (trafficSwitch === 'data-plane') {
      const seen = mode === 'planned' ? `${target.region} and ${source.region}` : target.region;
      return `PutItem traffic.activeRegion=${target.region} in ${topology.controlTable ?? '<control table>'} (${target.region}); wait until ${seen} read it and ${target.healthUrl ?? '<target /health>'} answers active: Route 53's checkers move ${topology.apiDomain}`;
    }
    const primaryCheck = topology.primary.healthCheckId ?? '<primary health check>';
    return target.role === 'secondary'
      ? `UpdateHealthCheck ${primaryCheck} Disabled+Inverted: ${topology.apiDomain} fails over to the SECONDARY record`
      : `UpdateHealthCheck ${primaryCheck} back to normal; wait until Route 53 sees ${target.region} healthy`;
  },
  calls: (plan) => {
    const { target, trafficSwitch } = plan;
    if (trafficSwitch === 'data-plane') {
      return [
        ...planned('rds.DescribeGlobalClusters', target.region),
        ...planned('dynamodb.GetItem', ...regionsOf(plan)),
        ...planned('dynamodb.PutItem', target.region),
        ...planned('http.GET', hostOf(target.healthUrl)),
      ];
    }
    return [
      ...planned('rds.DescribeGlobalClusters', target.region),
      ...planned('route53.GetHealthCheck', 'us-east-1'),
      ...planned('route53.UpdateHealthCheck', 'us-east-1'),
      ...(target.role === 'primary' ? planned('route53.GetHealthCheckStatus', 'us-east-1') : []),
    ];
  },
  run: async (engine, ctx) => {
    const { journal, ports } = engine;
    const { target } = sides(journal);
    // Never move traffic unless the database switch has succeeded.
    const gc = ctx.call(await ports.database.describeGlobalCluster(target.region, journal.topology.globalClusterId!));
    if (!isWriter(gc, target.clusterArn) || gc?.failover) throw new Error(`refusing to move traffic: ${target.region} is not the database writer`);
    return (journal.trafficSwitch ?? 'health-check') === 'data-plane' ? dataPlane(engine, ctx) : healthCheck(engine, ctx);
  },
  undo: async ({ journal, ports, switched, done }) => {
    if (switched) return;
    if ((journal.trafficSwitch ?? 'health-check') === 'data-plane') {
      if (!journal.steps.some((s) => s.id === 'move-traffic')) return;
      const { source, target } = sides(journal);
      const back = journal.activeRegionBefore ?? source.region;
      const region = journal.mode === 'planned' ? source.region : target.region;
      const call = await ports.tables.setActiveRegion(region, journal.topology.controlTable!, { activeRegion: back, drillId: journal.drillId, at: ports.clock.now() });
      done(`traffic item set back to ${back} in ${region}${call.requestId ? ` (request ${call.requestId})` : ''}`);
      return;
    }
    if (!journal.healthChecksBefore) return;
    for (const before of journal.healthChecksBefore) {
      const call = await ports.dns.setHealthCheck(before.id, { inverted: before.inverted, disabled: before.disabled });
      done(`health check ${before.id} restored (inverted ${before.inverted}, disabled ${before.disabled})${call.requestId ? ` (request ${call.requestId})` : ''}`);
    }
  },
  advice: (journal) => adviceAfterSwitch(journal),
};

async function dataPlane(engine: Engine, ctx: StepContext): Promise<string> {
  const { journal, ports, settings } = engine;
  const { source, target } = sides(journal);
  const table = journal.topology.controlTable!;
  const regions = journal.mode === 'planned' ? [target.region, source.region] : [target.region];
  if (!journal.steps.some((s) => s.id === 'move-traffic' && s.status === 'done') && journal.activeRegionBefore === undefined) {
    journal.activeRegionBefore = (await ports.tables.activeRegion(target.region, table)) ?? journal.topology.primary.region;
    await engine.store.save(journal);
  }
  ctx.call(await ports.tables.setActiveRegion(target.region, table, { activeRegion: target.region, drillId: journal.drillId, at: ports.clock.now() }));
  await waitFor(engine, `the traffic item naming ${target.region} in ${regions.join(' and ')}`, settings.flagTimeoutMs, async () => {
    const seen = await Promise.all(regions.map((r) => ports.tables.activeRegion(r, table)));
    return seen.every((r) => r === target.region) ? true : undefined;
  });
  // The target's own /health says it is the active region now: what Route 53's checkers will see.
  const url = journal.topology[journal.to].healthUrl;
  if (url) {
    await waitFor(engine, `${url} to answer as the active region`, settings.trafficTimeoutMs, async () => {
      try {
        const response = await ports.http.get(url, settings.httpTimeoutMs);
        const body = JSON.parse(response.body) as { serving?: unknown };
        return response.status === 200 && (body.serving === undefined || body.serving === 'active') ? true : undefined;
      } catch {
        return undefined;
      }
    });
  }
  return `traffic item names ${target.region} (read back in ${regions.join(' and ')}): Route 53's checkers move ${journal.topology.apiDomain} to ${target.region}`;
}

async function healthCheck(engine: Engine, ctx: StepContext): Promise<string> {
  const { journal, ports, settings } = engine;
  const { primary, secondary } = journal.topology;
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
}

export default moveTraffic;
