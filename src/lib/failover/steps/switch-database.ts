/**
 * Step 3: the Aurora global database's writer moves to the target (SwitchoverGlobalCluster planned,
 * FailoverGlobalCluster with data loss unplanned), after canary 2, the source's last writes. The step
 * ends only when the global cluster reports the target as the writer.
 */
import { errorMessage } from '../../errors';
import { seconds } from '../format';
import { waitFor } from '../wait';
import type { FailoverStep } from './step';
import { adviceBeforeSwitch, inSource, isWriter, planned, sides, sourceAuroraCanary, writeCanary } from './kit';

// No undo: --abort does not switch the database back; a drill --to the other side does, measured as a drill.
const switchDatabase: FailoverStep<'switch-database'> = {
  id: 'switch-database',
  title: 'switch the database writer',
  describe: ({ topology, mode, source, target, settings }) =>
    `put canary 2 in ${topology.controlTable ?? '<control table>'} and Aurora (${source.region}); ` +
    (mode === 'planned' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster --allow-data-loss') +
    ` ${topology.globalClusterId ?? '<global cluster>'} → ${target.clusterArn ?? '<target cluster>'}; poll until ${target.region} is the only writer (timeout ${seconds(settings.switchTimeoutMs)})`,
  calls: ({ mode, source, target }) => [
    ...planned('rds.DescribeGlobalClusters', target.region),
    ...planned('cloudwatch.GetMetricData', target.region),
    ...(mode === 'planned' ? [...planned('dynamodb.PutItem', source.region), ...planned('lambda.Invoke', source.region)] : []),
    ...planned(mode === 'planned' ? 'rds.SwitchoverGlobalCluster' : 'rds.FailoverGlobalCluster', target.region),
  ],
  run: async (engine, ctx) => {
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
    const after = await waitFor(engine, `${target.region} to become the writer`, settings.switchTimeoutMs, async () => {
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
  // Stopped here, the switch may still be under way in AWS: say how to look before choosing.
  advice: (journal) =>
    adviceBeforeSwitch(
      journal,
      `The database switch may still finish in AWS: check \`aws rds describe-global-clusters --global-cluster-identifier ${journal.topology.globalClusterId} --region ${sides(journal).target.region}\`. `,
    ),
};

export default switchDatabase;
