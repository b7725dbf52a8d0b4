/**
 * A failover drill from start to report, over ports: topology → preflight → plan → confirmation →
 * steps (journal after each) → report. Also --resume (continue from the journal) and --abort (undo
 * what can be undone).
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { runSteps, type DrillSettings } from './engine';
import { seconds } from './format';
import { isFinished, sharedJournalStore, type Journal, type JournalStore, type SharedJournalStore, type TrafficSwitch } from './journal';
import type { FailoverPorts } from './ports';
import { runPreflight, type Mode, type PreflightCheck } from './preflight';
import { buildReport, renderMarkdown, renderSvg, renderTimelineChart, type DrillReport } from './report';
import { STEPS, type PlanContext, type StepId } from './steps';
import { hostOf, planned, regionsOf } from './steps/kit';
import type { PlannedCall } from './steps/step';
import { healthFunctionName, readTopology, topologyReads, type Probes, type Side, type TopologyEnvironment } from './topology';

export interface DrillRequest {
  env: TopologyEnvironment;
  action: 'failover' | 'dry-run' | 'resume' | 'abort';
  to?: Side;
  mode: Mode;
  yes: boolean;
  /** Confirms an unplanned failover (data loss) without a prompt. */
  allowDataLoss: boolean;
  settings: DrillSettings;
  signal?: AbortSignal;
  /** --probe-url: the base URL every HTTP probe goes to. */
  probeUrl?: string;
  /** --endpoint-url is set: AWS calls go to an emulator, and no host is probed unless --probe-url names it. */
  endpointOverride?: boolean;
}

export interface PlanStep {
  step: StepId | 'preflight' | 'journal';
  title: string;
  does: string;
  /** Every call it may make, with its region (or host) and plane. */
  calls: PlannedCall[];
}

export type DrillResult =
  | { action: 'dry-run'; ok: boolean; environment: string; mode: Mode; trafficSwitch: TrafficSwitch; from: string; to: string; probes: Probes; preflight: PreflightCheck[]; plan: PlanStep[] }
  | ({ action: 'failover' | 'resume'; reportFiles: string[] } & DrillReport)
  | { action: 'abort'; ok: boolean; environment: string; drillId: string; actions: string[]; advice?: string; reportFiles: string[] };

export interface DrillDeps {
  ports: FailoverPorts;
  /** The journal on this machine; the drill adds the environment's copy and the lock (sharedJournalStore). */
  store: JournalStore;
  out: Output;
  /** Who runs the drill, as the lock names them; default user@host, pid. */
  holder?: string;
}

/** The control table of an environment (templates/data.yaml names it `${Project}-${Environment}-control`). */
export const controlTableName = (env: Pick<TopologyEnvironment, 'project' | 'name'>) => `${env.project}-${env.name}-control`;

const defaultHolder = () => `${safeUser()}@${hostname()}, pid ${process.pid}`;
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function runDrill(request: DrillRequest, deps: DrillDeps): Promise<DrillResult> {
  const { env } = request;
  const regionOf = (side: Side) => (side === 'primary' ? env.primaryRegion : env.secondaryRegion);
  // A new drill knows its regions; --resume and --abort look in both for the journal, then keep to the drill's own.
  const regions = request.to && request.mode === 'unplanned' ? [regionOf(request.to)] : request.to ? [regionOf(request.to), regionOf(request.to === 'primary' ? 'secondary' : 'primary')] : [env.secondaryRegion, env.primaryRegion];
  const shared = sharedJournalStore({ local: deps.store, drills: deps.ports.drills, table: controlTableName(env), regions, clock: deps.ports.clock });
  const withShared = { ...deps, store: shared, holder: deps.holder ?? defaultHolder() };
  if (request.action === 'resume') return resumeDrill(request, withShared);
  if (request.action === 'abort') return abortDrill(request, withShared);
  return startDrill(request, withShared);
}

type SharedDeps = Omit<DrillDeps, 'store'> & { store: SharedJournalStore; holder: string };

async function startDrill(request: DrillRequest, { ports, store, out, holder }: SharedDeps): Promise<DrillResult> {
  const { env, mode } = request;
  if (!request.to) throw new UserError('say where to fail over: --to primary or --to secondary');
  const trafficSwitch = request.settings.trafficSwitch ?? 'data-plane';
  if (mode === 'unplanned' && trafficSwitch === 'health-check') {
    throw new UserError('an unplanned failover moves traffic on data planes only: --traffic-switch health-check calls Route 53 in us-east-1', 'drop --traffic-switch (data-plane is the default), or use --mode planned');
  }
  const existing = await store.load(env.name);
  if (existing && !isFinished(existing) && request.action !== 'dry-run') {
    throw new UserError(
      `a failover drill of ${env.name} (${existing.drillId}) is ${existing.state}${existing.stop ? ` at ${existing.stop.step}` : ''}`,
      `run \`cafe-ops failover --env ${env.name} --resume\` to continue it or \`--abort\` to roll it back`,
    );
  }
  const to = request.to;
  const from: Side = to === 'primary' ? 'secondary' : 'primary';
  const startedAt = ports.clock.now();
  const topologyOptions = { ...(mode === 'unplanned' ? { only: to } : {}), ...(request.probeUrl ? { probeUrl: request.probeUrl.replace(/\/+$/, '') } : {}), ...(request.endpointOverride ? { endpointOverride: true } : {}) };
  const reads = topologyReads(env, topologyOptions);
  out.progress(`Reading the ${env.name} stacks in ${[...new Set(reads.map((r) => r.region))].join(', ')}...`);
  const topology = await readTopology(env, ports.stacks, topologyOptions);
  const source = topology[from];
  const target = topology[to];
  const preflight = await runPreflight(topology, { mode, trafficSwitch, source, target }, ports, { lagThresholdMs: request.settings.lagThresholdMs, httpTimeoutMs: request.settings.httpTimeoutMs });
  const preflightEndedAt = ports.clock.now();
  renderPreflight(preflight.checks, out);
  const context: PlanContext = { topology, mode, trafficSwitch, source, target, settings: request.settings };
  const plan = [preflightStep(context, reads.map((r) => r.region)), ...planSteps(context), journalStep(context)];
  const probes = topology.probes ?? { from: 'none' as const };
  out.info('');
  out.info(`Plan: ${mode} failover of ${env.name} from ${source.region} (${from}) to ${target.region} (${to}), traffic by ${trafficSwitch === 'data-plane' ? 'the traffic item (data plane)' : 'Route 53 UpdateHealthCheck (control plane, us-east-1)'}`);
  out.info(`Probes: ${probes.from === 'none' ? 'none (AWS calls go to --endpoint-url; pass --probe-url to probe the API)' : `${probes.publicUrl} and ${[target.healthUrl, source.healthUrl].filter(Boolean).join(', ')} (from ${probes.from === 'flag' ? '--probe-url' : 'the stacks'})`}`);
  plan.forEach((p, i) => {
    out.info(`  ${i}. ${p.title}: ${p.does}`);
    if (p.calls.length) out.info(`     calls: ${p.calls.map((c) => `${c.call} ${c.where} (${c.plane})`).join(', ')}`);
  });
  if (request.action === 'dry-run') {
    return { action: 'dry-run', ok: preflight.ok, environment: env.name, mode, trafficSwitch, from: source.region, to: target.region, probes, preflight: preflight.checks, plan };
  }
  if (!preflight.ok) {
    const failed = preflight.checks.filter((c) => c.status === 'fail');
    throw new UserError(`preflight failed, nothing changed: ${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')}`, 'fix the cause, then run the drill again (--dry-run runs the preflight alone)', 1);
  }
  if (probes.from === 'none') throw new UserError('the drill verifies the new region over HTTP, and no probe URL is known', 'pass --probe-url (the AWS calls go to --endpoint-url)');
  if (mode === 'unplanned') {
    const lag = Math.max(preflight.lag?.rpoLagMs ?? 0, preflight.lag?.replicationLagMs ?? 0);
    const warning = `an unplanned failover promotes ${target.region} without waiting for replication: writes not yet replicated (lag ${seconds(lag)}) are lost`;
    if (request.yes && !request.allowDataLoss) throw new UserError(`${warning}`, 'add --allow-data-loss to confirm it without a prompt, or use --mode planned');
    out.warn(warning);
    if (!(await out.confirm(`Accept data loss and fail over ${env.name} to ${target.region}?`, { assumeYes: request.allowDataLoss }))) throw new UserError('failover cancelled: nothing changed', undefined, 1);
  }
  if (!(await out.confirm(`Run the ${mode} failover of ${env.name} to ${target.region} now?`, { assumeYes: request.yes }))) throw new UserError('failover cancelled: nothing changed', undefined, 1);

  const journal: Journal = {
    version: 1,
    drillId: `${new Date(startedAt).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`,
    environment: env.name,
    mode,
    from,
    to,
    sourceRegion: source.region,
    targetRegion: target.region,
    state: 'running',
    startedAt,
    preflightEndedAt,
    confirmedAt: ports.clock.now(),
    topology,
    preflight: preflight.checks,
    settings: { lagThresholdMs: request.settings.lagThresholdMs, ttlMs: request.settings.ttlMs },
    steps: [],
    canaries: [],
    deviations: preflight.checks.filter((c) => c.status === 'warn').map((c) => `preflight ${c.id}: ${c.detail}`),
    resumedAt: [],
    trafficSwitch,
  };
  // The lock first: a second drill, from here or elsewhere, is refused before anything changes.
  await store.lock(journal, holder);
  await store.save(journal);
  out.info('');
  return finish('failover', await runSteps({ journal, ports, store, out, settings: request.settings, ...(request.signal ? { signal: request.signal } : {}) }), store, out);
}

/** The preflight's calls, for the plan: the stacks read, then each check. */
function preflightStep(plan: PlanContext, stackRegions: string[]): PlanStep {
  const { target, trafficSwitch, mode } = plan;
  const regions = regionsOf(plan);
  return {
    step: 'preflight',
    title: 'preflight (read only)',
    does: `read the stacks in ${[...new Set(stackRegions)].join(', ')}; check the global cluster, lag, tables, secrets, writes, the lock${mode === 'unplanned' ? `; nothing asked of ${plan.source.region}` : ''}`,
    calls: [
      ...planned('cloudformation.DescribeStacks', ...new Set(stackRegions)),
      ...planned('rds.DescribeGlobalClusters', target.region),
      ...planned('cloudwatch.GetMetricData', target.region),
      ...planned('http.GET', hostOf(target.healthUrl)),
      ...planned('dynamodb.DescribeTable', target.region),
      ...(trafficSwitch === 'health-check' ? [...planned('route53.GetHealthCheck', 'us-east-1'), ...planned('route53.GetHealthCheckStatus', 'us-east-1')] : []),
      ...planned('dynamodb.GetItem', ...regions),
      ...planned('secretsmanager.DescribeSecret', target.region),
      ...planned('kms.DescribeKey', target.region),
      ...planned('lambda.Invoke', ...regions),
    ],
  };
}

/** The journal's own calls: the lock and the shared copy in the control table. */
function journalStep(plan: PlanContext): PlanStep {
  const regions = regionsOf(plan);
  return {
    step: 'journal',
    title: 'journal and lock (every step)',
    does: `saved on this machine (fsynced) and in ${plan.topology.controlTable ?? '<control table>'} (${regions.join(', ')}); the lock taken there with a conditional write, released at the end`,
    calls: [...planned('dynamodb.GetItem', ...regions), ...planned('dynamodb.PutItem', ...regions), ...planned('dynamodb.DeleteItem', ...regions)],
  };
}

async function loadUnfinished(request: DrillRequest, store: SharedJournalStore, verb: string, holder: string): Promise<Journal> {
  const journal = await store.load(request.env.name);
  if (!journal) throw new UserError(`no failover drill of ${request.env.name} to ${verb}, here or in the environment`, 'start one with --to primary|secondary');
  if (isFinished(journal)) throw new UserError(`the last failover drill of ${request.env.name} (${journal.drillId}) is ${journal.state}: nothing to ${verb}`);
  // From now on, only the drill's own regions; the lock is the same drill's, so taking it again passes.
  store.only(journal.mode === 'unplanned' ? [journal.targetRegion] : [journal.targetRegion, journal.sourceRegion]);
  await store.lock(journal, holder);
  return journal;
}

async function resumeDrill(request: DrillRequest, { ports, store, out, holder }: SharedDeps): Promise<DrillResult> {
  const journal = await loadUnfinished(request, store, 'resume', holder);
  const next = STEPS.find((step) => !journal.steps.some((s) => s.id === step.id && s.status === 'done'))!;
  out.info(`Resuming drill ${journal.drillId} (${journal.mode}, ${journal.sourceRegion} → ${journal.targetRegion}) at ${next.id}: ${next.title}`);
  if (!(await out.confirm(`Resume the failover of ${journal.environment} at ${next.id}?`, { assumeYes: request.yes }))) throw new UserError('resume cancelled: nothing changed', undefined, 1);
  journal.resumedAt.push(ports.clock.now());
  // A journal from before the drill wrote Aurora canaries does not name the health function.
  journal.topology.healthFunction ??= healthFunctionName(request.env.project, request.env.name);
  return finish('resume', await runSteps({ journal, ports, store, out, settings: request.settings, ...(request.signal ? { signal: request.signal } : {}) }), store, out);
}

async function abortDrill(request: DrillRequest, { ports, store, out, holder }: SharedDeps): Promise<DrillResult> {
  const journal = await loadUnfinished(request, store, 'abort', holder);
  const source = journal.topology[journal.from];
  const target = journal.topology[journal.to];
  if (!(await out.confirm(`Roll back the failover drill ${journal.drillId} of ${journal.environment}?`, { assumeYes: request.yes }))) throw new UserError('abort cancelled: nothing changed', undefined, 1);
  const gc = await ports.database.describeGlobalCluster(target.region, journal.topology.globalClusterId!);
  if (gc?.failover) {
    throw new UserError(`the database switch is still under way in AWS (${gc.failover.status})`, 'wait until it finishes, then run --abort again (or --resume to complete the drill)');
  }
  const switched = Boolean(gc?.members.some((m) => m.isWriter && m.clusterArn === target.clusterArn));
  const actions: string[] = [];
  // Each started step undoes itself, the last one first; a step that leaves nothing behind has no undo.
  const started = STEPS.filter((step) => journal.steps.some((s) => s.id === step.id));
  for (const step of [...started].reverse()) await step.undo?.({ journal, ports, switched, done: (action) => actions.push(action) });
  const advice = switched
    ? // The database already switched: traffic stays with the writer, the write pause is over.
      `The database writer stays in ${target.region}; traffic ${journal.steps.some((s) => s.id === 'move-traffic' && s.status === 'done') ? 'follows it' : 'may still reach ' + source.region + ', whose functions write through the global writer endpoint'}. To switch back, run \`cafe-ops failover --env ${journal.environment} --to ${journal.from}\`.`
    : `The database writer is still in ${source.region}; the café is back as it was before the drill.`;
  if (actions.length === 0) actions.push('nothing had changed: no step had started');
  journal.state = 'aborted';
  journal.abort = { at: ports.clock.now(), actions, advice };
  await store.save(journal);
  await store.unlock(journal);
  const report = buildReport(journal);
  const reportFiles = await store.writeReport(journal, renderMarkdown(report), report, renderSvg(report));
  for (const a of actions) out.info(`  ${a}`);
  out.info(advice);
  return { action: 'abort', ok: true, environment: journal.environment, drillId: journal.drillId, actions, advice, reportFiles };
}

async function finish(action: 'failover' | 'resume', journal: Journal, store: SharedJournalStore, out: Output): Promise<DrillResult> {
  // A stopped or interrupted drill keeps the lock: only its --resume or --abort may go on.
  if (journal.state === 'completed') await store.unlock(journal);
  const report = buildReport(journal);
  const reportFiles = await store.writeReport(journal, renderMarkdown(report), report, renderSvg(report));
  renderSummary(report, reportFiles, out);
  return { action, reportFiles, ...report };
}

function renderPreflight(checks: PreflightCheck[], out: Output): void {
  out.info('');
  out.table(['preflight', 'result', 'detail'], checks.map((c) => [c.title, c.status, c.detail]));
}

function renderSummary(report: DrillReport, files: string[], out: Output): void {
  out.info('');
  for (const line of renderTimelineChart(report)) out.info(line);
  out.info('');
  if (report.state === 'completed') {
    out.info(`Failover of ${report.environment} to ${report.to.region} completed.`);
    out.info(`RTO ${seconds(report.rto.ms)} (detection ${seconds(report.rto.detectionMs)}, recovery ${seconds(report.rto.recoveryMs)}); RPO ${seconds(report.rpo.ms)}${report.rpo.lowerBound ? ' at least' : ''}`);
  } else if (report.stop) {
    out.warn(`drill ${report.state} at ${report.stop.step}: ${report.stop.reason}`);
    out.info(report.stop.rollback);
  }
  for (const d of report.deviations) out.warn(`deviation: ${d}`);
  out.info(`Report: ${files.join(', ')}`);
}

/** What each step will do, with the real names, for the plan shown before confirmation: each step describes itself. */
export function planSteps(plan: PlanContext): PlanStep[] {
  return STEPS.map((step) => ({ step: step.id, title: step.title, does: step.describe(plan), calls: step.calls(plan) }));
}
