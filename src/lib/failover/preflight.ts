/**
 * Preflight: the checks a failover must pass before anything changes. Each check is timed and names
 * the AWS requests it made; they run in parallel. In unplanned mode the source region may be down,
 * so what only concerns the source region warns instead of failing.
 */
import { errorMessage } from '../errors';
import type { AwsCall, FailoverPorts, GlobalClusterState, LagReading } from './ports';
import type { TrafficSwitch } from './journal';
import type { RegionTopology, Topology } from './topology';

export type Mode = 'planned' | 'unplanned';

export interface Direction {
  mode: Mode;
  trafficSwitch?: TrafficSwitch;
  source: RegionTopology;
  target: RegionTopology;
}

export interface PreflightCheck {
  id: 'stacks' | 'global-cluster' | 'replication-lag' | 'target-health' | 'dynamodb-replicas' | 'route53' | 'traffic' | 'secrets-keys' | 'aurora-canary' | 'writes-paused' | 'secret-rotation' | 'drill-lock';
  title: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  ms: number;
  requestIds: string[];
}

export interface PreflightResult {
  ok: boolean;
  checks: PreflightCheck[];
  globalCluster?: GlobalClusterState;
  lag?: LagReading;
}

export interface PreflightOptions {
  lagThresholdMs: number;
  /** How far back replication lag is read. */
  lagWindowMs?: number;
  httpTimeoutMs?: number;
}

/** A complete state a drill can start from (a failed create, ROLLBACK_COMPLETE, is not). */
export function isCompleteStatus(status: string): boolean {
  return ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'].includes(status);
}

type Outcome = Pick<PreflightCheck, 'status' | 'detail'> & { requestIds?: (string | undefined)[] };

export async function runPreflight(topology: Topology, direction: Direction, ports: FailoverPorts, options: PreflightOptions): Promise<PreflightResult> {
  const { mode, source, target } = direction;
  const unplanned = mode === 'unplanned';
  const dataPlane = (direction.trafficSwitch ?? 'data-plane') === 'data-plane';
  // An unplanned drill asks nothing of the lost region: only the target is read.
  const regions = unplanned ? [target.region] : [target.region, source.region];
  const table = topology.controlTable;
  const found: { globalCluster?: GlobalClusterState; lag?: LagReading } = {};
  const ids = (...calls: (AwsCall | undefined)[]) => calls.map((c) => c?.requestId);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  const checks: [PreflightCheck['id'], string, () => Promise<Outcome>][] = [
    [
      'stacks',
      'stacks complete in both regions',
      async () => {
        const bad = topology.stacks.filter((s) => !isCompleteStatus(s.status));
        const blocking = bad.filter((s) => !(unplanned && s.region === source.region));
        const describe = (s: (typeof bad)[number]) => `${s.stackName} (${s.region}) is ${s.status}${s.error ? `: ${s.error}` : ''}`;
        if (topology.missingOutputs.length) return { status: 'fail', detail: `stack outputs missing: ${topology.missingOutputs.join(', ')}` };
        if (blocking.length) return { status: 'fail', detail: blocking.map(describe).join('; ') };
        if (bad.length) return { status: 'warn', detail: `source region: ${bad.map(describe).join('; ')}` };
        return { status: 'pass', detail: `${topology.stacks.length} stacks complete` };
      },
    ],
    [
      'global-cluster',
      `${target.region} is a healthy secondary of the global cluster`,
      async () => {
        if (!topology.globalClusterId || !target.clusterArn) return { status: 'fail', detail: 'global cluster or target cluster unknown (stack outputs missing)' };
        const gc = await ports.database.describeGlobalCluster(target.region, topology.globalClusterId);
        if (!gc) return { status: 'fail', detail: `global cluster ${topology.globalClusterId} not found from ${target.region}` };
        found.globalCluster = gc;
        const member = gc.members.find((m) => m.clusterArn === target.clusterArn);
        const writer = gc.members.find((m) => m.isWriter);
        const requestIds = ids(gc);
        if (gc.failover) return { status: 'fail', detail: `a ${gc.failover.status} switchover/failover is already under way`, requestIds };
        if (!member) return { status: 'fail', detail: `${target.clusterArn} is not a member of ${gc.id}`, requestIds };
        if (member.isWriter) return { status: 'fail', detail: `${target.region} is already the writer: nothing to fail over`, requestIds };
        if (gc.status !== 'available') return { status: 'fail', detail: `global cluster is ${gc.status}, not available`, requestIds };
        if (member.synchronizationStatus && member.synchronizationStatus !== 'connected') {
          return { status: unplanned ? 'warn' : 'fail', detail: `target cluster replication is ${member.synchronizationStatus}`, requestIds };
        }
        if (writer && source.clusterArn && writer.clusterArn !== source.clusterArn) {
          return { status: 'fail', detail: `the writer is ${writer.clusterArn}, not the source cluster ${source.clusterArn}`, requestIds };
        }
        return { status: 'pass', detail: `writer ${source.region}, ${target.region} ${member.synchronizationStatus ?? 'attached'}`, requestIds };
      },
    ],
    [
      'replication-lag',
      `replication lag below ${seconds(options.lagThresholdMs)}`,
      async () => {
        if (!target.clusterId) return { status: 'fail', detail: 'target cluster unknown (stack outputs missing)' };
        const end = ports.clock.now();
        const lag = await ports.metrics.replicationLag(target.region, target.clusterId, end - (options.lagWindowMs ?? 5 * 60_000), end);
        found.lag = lag;
        const worst = Math.max(lag.replicationLagMs ?? -1, lag.rpoLagMs ?? -1);
        const requestIds = ids(lag);
        if (worst < 0) return { status: unplanned ? 'warn' : 'fail', detail: `no recent AuroraGlobalDBReplicationLag datapoints for ${target.clusterId}`, requestIds };
        const detail = `replication lag ${seconds(lag.replicationLagMs ?? 0)}, RPO lag ${seconds(lag.rpoLagMs ?? 0)}`;
        if (worst > options.lagThresholdMs) {
          return unplanned
            ? { status: 'warn', detail: `${detail}: writes from the last ${seconds(worst)} may be lost`, requestIds }
            : { status: 'fail', detail: `${detail}, above the ${seconds(options.lagThresholdMs)} threshold`, requestIds };
        }
        return { status: 'pass', detail, requestIds };
      },
    ],
    [
      'target-health',
      `${target.region} /health answers`,
      async () => {
        const url = target.healthUrl;
        if (!url) return { status: 'warn', detail: `not probed: AWS calls go to --endpoint-url and no --probe-url was given` };
        const response = await ports.http.get(url, options.httpTimeoutMs ?? 5_000);
        // The region behind the PRIMARY record answers 503 `standby` while traffic is elsewhere: it can serve, it is not active yet.
        if (response.status === 503 && /"status":\s*"standby"/.test(response.body)) return { status: 'pass', detail: `${url} answered standby (ready, traffic is elsewhere)` };
        if (response.status !== 200) return { status: 'fail', detail: `${url} answered ${response.status}` };
        return { status: 'pass', detail: `${url} answered 200` };
      },
    ],
    [
      'dynamodb-replicas',
      `DynamoDB replicas ACTIVE in ${target.region}`,
      async () => {
        if (topology.tables.length === 0) return { status: 'fail', detail: 'no table names in the data stack outputs' };
        const results = await Promise.all(topology.tables.map(async (table) => ({ table, info: await ports.tables.describeReplicas(target.region, table) })));
        const problems = results.flatMap(({ table, info }) => {
          if (!info) return [`${table} does not exist in ${target.region}`];
          if (info.status !== 'ACTIVE') return [`${table} is ${info.status}`];
          if (info.replicas.length === 0) return [`${table} is not a global table`];
          const own = info.replicas.find((r) => r.region === target.region);
          if (own && own.status !== 'ACTIVE') return [`${table} replica in ${target.region} is ${own.status}`];
          return [];
        });
        const requestIds = results.map((r) => r.info?.requestId);
        if (problems.length) return { status: 'fail', detail: problems.join('; '), requestIds };
        return { status: 'pass', detail: `${results.length} tables ACTIVE`, requestIds };
      },
    ],
    ...(dataPlane
      ? []
      : ([
    [
      'route53',
      'Route 53 health checks exist, target healthy',
      async () => {
        if (!source.healthCheckId || !target.healthCheckId) return { status: 'fail', detail: 'health check ids missing from the edge stack outputs' };
        const [sourceCheck, targetCheck] = await Promise.all([ports.dns.getHealthCheck(source.healthCheckId), ports.dns.getHealthCheck(target.healthCheckId)]);
        if (!sourceCheck || !targetCheck) return { status: 'fail', detail: `health check ${!sourceCheck ? source.healthCheckId : target.healthCheckId} does not exist` };
        if (targetCheck.disabled && targetCheck.inverted) {
          // Forced out of service by an earlier drill: failing back restores it.
          return { status: 'pass', detail: `${target.region} check is forced unhealthy by an earlier failover; this drill restores it`, requestIds: ids(sourceCheck, targetCheck) };
        }
        const status = await ports.dns.healthCheckStatus(target.healthCheckId);
        const requestIds = ids(sourceCheck, targetCheck, status);
        if (status.total === 0 || status.healthy * 2 <= status.total) {
          return { status: 'fail', detail: `${target.region} check ${target.healthCheckId}: ${status.healthy} of ${status.total} checkers healthy`, requestIds };
        }
        return { status: 'pass', detail: `${target.region} check healthy (${status.healthy}/${status.total} checkers)`, requestIds };
      },
    ],
        ] as [PreflightCheck['id'], string, () => Promise<Outcome>][])),
    ...(dataPlane
      ? ([
          [
            'traffic',
            `the traffic item is readable in ${regions.join(' and ')}`,
            async () => {
              if (!table) return { status: 'fail', detail: 'control table unknown (stack outputs missing)' };
              const seen = await Promise.all(regions.map(async (r) => [r, await ports.tables.activeRegion(r, table)] as const));
              return { status: 'pass', detail: seen.map(([r, active]) => `${r} sees ${active ?? `no traffic item (the deployed primary ${topology.primary.region} serves)`}`).join('; ') };
            },
          ],
        ] as [PreflightCheck['id'], string, () => Promise<Outcome>][])
      : []),
    [
      'writes-paused',
      'writes are not already paused',
      async () => {
        if (!table) return { status: 'fail', detail: 'control table unknown (stack outputs missing)' };
        const seen = await Promise.all(regions.map(async (r) => ({ region: r, state: await ports.tables.maintenance(r, table) })));
        const paused = seen.filter((s) => s.state.paused);
        const requestIds = ids(...seen.map((s) => s.state));
        if (paused.length) {
          const why = paused.map((p) => `${p.region}: ${p.state.reason ?? 'no reason given'}${p.state.updatedAt ? ` since ${p.state.updatedAt}` : ''}`).join('; ');
          return { status: 'fail', detail: `writes are already paused (${why}): an earlier drill may be unfinished; --resume or --abort it, or clear the maintenance item`, requestIds };
        }
        return { status: 'pass', detail: `writes open in ${regions.join(' and ')}`, requestIds };
      },
    ],
    [
      'drill-lock',
      'no other drill holds the environment',
      async () => {
        if (!table) return { status: 'fail', detail: 'control table unknown (stack outputs missing)' };
        const held = (await Promise.all(regions.map(async (r) => ({ region: r, holder: await ports.drills.lockHolder(r, table, topology.environment) })))).filter((h) => h.holder);
        if (held.length) {
          const h = held[0]!;
          return { status: 'fail', detail: `drill ${h.holder!.drillId} holds the lock (${h.region}), started by ${h.holder!.holder} at ${new Date(h.holder!.since).toISOString()}` };
        }
        return { status: 'pass', detail: `lock free in ${regions.join(' and ')}` };
      },
    ],
    [
      'secret-rotation',
      `no rotation of the database secrets in progress (${regions.join(' and ')})`,
      // A rotation changes a password in the database through the global writer endpoint, which a switchover moves:
      // the administrator's single-user rotation could set the password on the old writer and make it current after
      // the switch. The secrets rotate in their primary region and replicate; an unplanned drill asks only the target.
      // https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html
      async () => {
        // Each region's own ARNs, from its security stack (a replica's ARN is the primary's with its region).
        const sides = unplanned ? [target] : [target, source];
        const secrets = sides.flatMap((side) => [
          { name: 'administrator', region: side.region, arn: side.dbSecretArn },
          { name: 'app user', region: side.region, arn: side.appDbSecretArn },
        ]);
        const missing = [...new Set(secrets.filter((x) => !x.arn).map((x) => `${x.name} (${x.region})`))];
        if (missing.length) return { status: 'fail', detail: `secret ARNs missing from the security stack outputs: ${missing.join(', ')}` };
        const checked = await Promise.all(secrets.map(async (x) => ({ ...x, rotation: await ports.secrets.rotation(x.region, x.arn!) })));
        const running = checked.filter((c) => c.rotation.inProgress);
        if (running.length) {
          const r = running[0]!;
          return {
            status: 'fail',
            detail:
              `a rotation of the ${r.name} secret is in progress in ${r.region} (${r.arn} has an AWSPENDING version that is not AWSCURRENT): ` +
              'wait for it to finish (minutes; `aws secretsmanager describe-secret --secret-id ARN` shows AWSPENDING moving to AWSCURRENT), ' +
              'or, if it failed, read the rotation function\'s log group and rotate again (docs/failover.md, "Secret rotation and failovers")',
          };
        }
        // Rotation is configured on the primary secret; a replica follows it (https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html).
        const disabled = [...new Set(checked.filter((c) => !c.rotation.enabled && (c.rotation.primaryRegion ?? c.region) === c.region).map((c) => c.name))];
        const last = checked.map((c) => c.rotation.lastRotatedAt).filter(Boolean).sort().pop();
        return disabled.length
          ? { status: 'warn', detail: `none in progress; rotation not enabled on the ${disabled.join(' and ')} secret (the rotation stack configures it)` }
          : { status: 'pass', detail: `rotation enabled on both, none in progress${last ? `, last ${last}` : ''}` };
      },
    ],
    [
      'secrets-keys',
      `secrets and key present in ${target.region}`,
      async () => {
        const { dbSecretArn, appDbSecretArn, paymentSecretArn, kmsKeyArn } = target;
        if (!dbSecretArn || !appDbSecretArn || !paymentSecretArn || !kmsKeyArn) return { status: 'fail', detail: 'secret or key ARNs missing from the security stack outputs' };
        const [db, app, payment, key] = await Promise.all([
          ports.secrets.secretExists(target.region, dbSecretArn),
          ports.secrets.secretExists(target.region, appDbSecretArn),
          ports.secrets.secretExists(target.region, paymentSecretArn),
          ports.secrets.keyEnabled(target.region, kmsKeyArn),
        ]);
        const problems = [!db && `${dbSecretArn} missing`, !app && `${appDbSecretArn} missing`, !payment && `${paymentSecretArn} missing`, !key && `key ${kmsKeyArn} missing or disabled`].filter(Boolean);
        if (problems.length) return { status: 'fail', detail: problems.join('; ') };
        return { status: 'pass', detail: '3 secrets replicated, key enabled' };
      },
    ],
    [
      'aurora-canary',
      'the health function reads Aurora canaries in both regions',
      async () => {
        // A read changes nothing: it proves the function is deployed with the canary actions, may be
        // invoked, and reaches its region's reader and the drill_canary table.
        const fn = topology.healthFunction;
        if (!fn) return { status: 'fail', detail: 'health function name unknown' };
        const probe = ['canary#preflight'];
        if (unplanned) {
          const inTarget = await ports.canary.read(target.region, fn, probe);
          return { status: 'pass', detail: `${fn} answers in ${target.region} (${source.region} not asked: unplanned)`, requestIds: ids(inTarget) };
        }
        const [inTarget, inSource] = await Promise.allSettled([ports.canary.read(target.region, fn, probe), ports.canary.read(source.region, fn, probe)]);
        if (inTarget.status === 'rejected') return { status: 'fail', detail: `${target.region}: ${errorMessage(inTarget.reason)}` };
        if (inSource.status === 'rejected') return { status: unplanned ? 'warn' : 'fail', detail: `${source.region}: ${errorMessage(inSource.reason)}`, requestIds: ids(inTarget.value) };
        return { status: 'pass', detail: `${fn} answers in ${source.region} and ${target.region}`, requestIds: ids(inTarget.value, inSource.value) };
      },
    ],
  ];

  const results = await Promise.all(
    checks.map(async ([id, title, run]): Promise<PreflightCheck> => {
      const started = ports.clock.now();
      let outcome: Outcome;
      try {
        outcome = await run();
      } catch (error) {
        outcome = { status: 'fail', detail: errorMessage(error) };
      }
      const requestIds = (outcome.requestIds ?? []).filter((r): r is string => Boolean(r));
      return { id, title, status: outcome.status, detail: outcome.detail, ms: ports.clock.now() - started, requestIds };
    }),
  );
  return { ok: results.every((c) => c.status !== 'fail'), checks: results, ...found };
}
