/** What several steps share: the two sides, the canary writes, the source that may be gone, the writer check, the way back. */
import type { Engine } from '../engine';
import type { AuroraCanaryRecord, Journal } from '../journal';
import { CanaryError, type Canary, type GlobalClusterState } from '../ports';
import type { RegionTopology } from '../topology';
import { StepTimeout, waitFor } from '../wait';
import type { PlanContext, PlannedCall, StepContext } from './step';

/**
 * The plane of each call the drill makes. Control planes: CloudFormation, RDS (Aurora's switch is a
 * regional control-plane operation in the target region), DescribeTable, Secrets Manager and KMS
 * metadata, and Route 53's API, hosted in us-east-1. Data planes: DynamoDB items, Lambda Invoke,
 * CloudWatch metric reads, HTTP to the API, and Route 53's health checkers and DNS answers
 * (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/control-planes-and-data-planes.html).
 */
export const PLANES: Record<string, PlannedCall['plane']> = {
  'cloudformation.DescribeStacks': 'control',
  'rds.DescribeGlobalClusters': 'control',
  'rds.SwitchoverGlobalCluster': 'control',
  'rds.FailoverGlobalCluster': 'control',
  'route53.GetHealthCheck': 'control',
  'route53.GetHealthCheckStatus': 'control',
  'route53.UpdateHealthCheck': 'control',
  'dynamodb.DescribeTable': 'control',
  'secretsmanager.DescribeSecret': 'control',
  'kms.DescribeKey': 'control',
  'dynamodb.GetItem': 'data',
  'dynamodb.PutItem': 'data',
  'dynamodb.DeleteItem': 'data',
  'lambda.Invoke': 'data',
  'cloudwatch.GetMetricData': 'data',
  'http.GET': 'data',
  'http.POST': 'data',
};

/** A planned call to `where` (a region, or a host for HTTP). */
export const planned = (call: string, ...where: (string | undefined)[]): PlannedCall[] =>
  where.filter((w): w is string => Boolean(w)).map((w) => ({ call, where: w, plane: PLANES[call] ?? 'control' }));

/** The regions a step works in: an unplanned drill works in the target alone. */
export const regionsOf = (plan: Pick<PlanContext, 'mode' | 'source' | 'target'>) => (plan.mode === 'planned' ? [plan.target.region, plan.source.region] : [plan.target.region]);

export const hostOf = (url: string | undefined) => (url ? new URL(url).host : undefined);

export const sides = (j: Journal) => ({ source: j.topology[j.from], target: j.topology[j.to] });

export const canaryId = (journal: Journal, seq: number) => `canary#${journal.drillId}#${seq}`;

export function healthFunction(journal: Journal): string {
  if (!journal.topology.healthFunction) throw new Error('the journal does not name the health function that writes the Aurora canaries');
  return journal.topology.healthFunction;
}

/** Canary `seq` as an item of the control table in `region`. */
export async function writeCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<Canary> {
  const { journal, ports } = engine;
  const canary: Canary = { id: canaryId(journal, seq), drillId: journal.drillId, seq, region: region.region, writtenAt: ports.clock.now() };
  const call = ctx.call(await ports.tables.putCanary(region.region, journal.topology.controlTable!, canary));
  journal.canaries = [...journal.canaries.filter((c) => c.seq !== seq), { ...canary, ...(call.requestId ? { requestId: call.requestId } : {}) }];
  return canary;
}

/** A row in Aurora's drill_canary table, written through the health function of `region` (global writer endpoint). */
export async function writeAuroraCanary(engine: Engine, ctx: StepContext, region: RegionTopology, seq: number): Promise<AuroraCanaryRecord> {
  const { journal, ports } = engine;
  const id = canaryId(journal, seq);
  const writtenAt = ports.clock.now();
  const row = ctx.call(await ports.canary.write(region.region, healthFunction(journal), id));
  const record: AuroraCanaryRecord = { id, seq, region: region.region, writtenAt, dbWrittenAt: row.writtenAt, ...(row.requestId ? { requestId: row.requestId } : {}) };
  journal.auroraCanaries = [...(journal.auroraCanaries ?? []).filter((c) => c.seq !== seq), record];
  return record;
}

/** Polls `check` like waitFor, also through retryable canary errors (a writer still settling after the switch). */
export async function pollCanary<T>(engine: Engine, what: string, check: () => Promise<T | undefined>): Promise<T> {
  let last: CanaryError | undefined;
  return waitFor(engine, what, engine.settings.canaryTimeoutMs, async () => {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof CanaryError) || !error.retryable) throw error;
      last = error;
      return undefined;
    }
  }).catch((error: unknown) => {
    if (error instanceof StepTimeout && last) throw new StepTimeout(`${error.message} (last: ${last.message})`);
    throw error;
  });
}

/**
 * An Aurora canary in the source, through its health function. A planned drill waits out a retryable
 * answer; an unplanned one does not wait for a region that may be gone, and carries on without it.
 */
export function sourceAuroraCanary(engine: Engine, ctx: StepContext, source: RegionTopology, seq: number): Promise<AuroraCanaryRecord | undefined> {
  const write = () => writeAuroraCanary(engine, ctx, source, seq);
  return inSource(engine, ctx, 'Aurora canary write', () =>
    engine.journal.mode === 'planned' ? pollCanary(engine, `Aurora canary ${seq} written through ${healthFunction(engine.journal)} in ${source.region}`, write) : write(),
  );
}

/**
 * What only the source can do. An unplanned drill treats the source region as lost and asks nothing
 * of it (AWS's advice for regional recovery: rely on nothing in the impaired region); a journal
 * written by an earlier version, which still tried the source, is honoured the same way.
 */
export async function inSource<T>(engine: Engine, _ctx: StepContext, _what: string, action: () => Promise<T>): Promise<T | undefined> {
  if (engine.journal.mode === 'planned') return action();
  return undefined;
}

export function isWriter(gc: GlobalClusterState | undefined, clusterArn: string | undefined): boolean {
  return Boolean(gc?.members.some((m) => m.isWriter && m.clusterArn === clusterArn));
}

/** The way back from a stop before the database switched: nothing moved that --abort cannot put back. */
export function adviceBeforeSwitch(journal: Journal, note = ''): string {
  const env = `--env ${journal.environment}`;
  return `${note}DNS was not moved. Run \`cafe-ops failover ${env} --resume\` to continue, or \`cafe-ops failover ${env} --abort\` to resume writes in ${sides(journal).source.region} and restore DNS.`;
}

/** The way back from a stop after the database switched: the writer stays where it is now. */
export function adviceAfterSwitch(journal: Journal): string {
  const env = `--env ${journal.environment}`;
  return (
    `The database writer is now in ${sides(journal).target.region}. Fix the cause and run \`cafe-ops failover ${env} --resume\` to finish; ` +
    `or run \`cafe-ops failover ${env} --abort\` (resumes writes, keeps traffic with the writer) and then \`cafe-ops failover ${env} --to ${journal.from}\` to switch back.`
  );
}
