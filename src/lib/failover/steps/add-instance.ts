/**
 * Step 2: the target cluster gets a DB instance when it has none, before writes pause. A headless
 * secondary (cafe-ops.yml `secondaryAurora: headless`) keeps the global database's storage in sync
 * with no instance, so it costs storage only; Aurora cannot make it the writer until it has an
 * instance. This step adds an Aurora Serverless v2 instance and waits until it is available, then the
 * drill goes on as for a warm standby. The time it takes is part of the recovery: in a planned drill
 * it is spent before writes pause (the customers notice nothing); when the primary region is lost
 * it adds to the RTO, and the report's timeline shows it as this step.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attach.console.headless.html
 *
 * A target with an instance (a warm standby) is left as it is. The instance is made outside
 * CloudFormation and named after the cluster (`<cluster>-failover`): a later deploy with
 * `secondaryAurora: warm` adds the template's own instances; docs/failover.md says when to delete it.
 */
import { seconds } from '../format';
import { waitFor } from '../wait';
import type { FailoverStep } from './step';
import { adviceBeforeSwitch, planned, sides } from './kit';

/** How long Aurora may take to make the instance available. */
export const INSTANCE_TIMEOUT_MS = 45 * 60_000;

export const instanceIdOf = (clusterId: string) => `${clusterId}-failover`.slice(0, 63);

// No undo: an instance added is capacity, not a change of what the café serves; --abort leaves it (docs/failover.md).
const addInstance: FailoverStep<'add-instance'> = {
  id: 'add-instance',
  title: 'give the target database an instance',
  describe: ({ target }) =>
    `if ${target.clusterId ?? '<target cluster>'} (${target.region}) has no DB instance (a headless secondary), CreateDBInstance ${instanceIdOf(target.clusterId ?? '<target cluster>')} (db.serverless) ` +
    `and poll until it is available (timeout ${seconds(INSTANCE_TIMEOUT_MS)}); this time counts in the RTO of an unplanned failover. A target with an instance: nothing to do`,
  // Control-plane calls in the target region: adding capacity is a recovery action, not the traffic switch.
  calls: ({ target }) => [...planned('rds.DescribeDBInstances', target.region), ...planned('rds.CreateDBInstance', target.region)],
  run: async (engine, ctx) => {
    const { journal, ports } = engine;
    const { target } = sides(journal);
    const clusterId = target.clusterId;
    const database = ports.database;
    if (!clusterId) throw new Error(`the journal does not name the ${target.region} cluster`);
    if (!database.clusterInstances || !database.addInstance) throw new Error('this database port cannot list or add DB instances');
    const listed = ctx.call(await database.clusterInstances(target.region, clusterId));
    const ready = listed.instances.filter((i) => i.status === 'available');
    if (ready.length) return `${clusterId} has ${ready.length} available instance${ready.length > 1 ? 's' : ''} (${ready.map((i) => i.id).join(', ')}): nothing to add`;
    const instanceId = instanceIdOf(clusterId);
    let action = `${instanceId} already being created`;
    if (!listed.instances.some((i) => i.id === instanceId)) {
      if (listed.instances.length) ctx.deviate(`${clusterId} has instances that are not available (${listed.instances.map((i) => `${i.id} ${i.status}`).join(', ')}): adding ${instanceId}`);
      ctx.call(await database.addInstance(target.region, clusterId, instanceId));
      await engine.store.save(journal);
      action = `CreateDBInstance ${instanceId}`;
    }
    ctx.call(
      await waitFor(engine, `${instanceId} to be available`, INSTANCE_TIMEOUT_MS, async () => {
        const now = await database.clusterInstances!(target.region, clusterId);
        return now.instances.some((i) => i.id === instanceId && i.status === 'available') ? now : undefined;
      }),
    );
    return `${action} in ${target.region}; it is available`;
  },
  advice: (journal) =>
    adviceBeforeSwitch(
      journal,
      `The instance may still be on its way: check \`aws rds describe-db-instances --filters Name=db-cluster-id,Values=${sides(journal).target.clusterId} --region ${sides(journal).target.region}\`. `,
    ),
};

export default addInstance;
