/**
 * A failover drill from start to report, over ports: topology → preflight → plan → confirmation →
 * steps (journal after each) → report. Also --resume (continue from the journal) and --abort (undo
 * what can be undone).
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { runSteps, type DrillSettings } from './engine';
import { seconds } from './format';
import { isFinished, type Journal, type JournalStore } from './journal';
import type { FailoverPorts } from './ports';
import { runPreflight, type Mode, type PreflightCheck } from './preflight';
import { buildReport, renderMarkdown, renderSvg, renderTimelineChart, type DrillReport } from './report';
import { STEPS, type PlanContext, type StepId } from './steps';
import { healthFunctionName, readTopology, type Side, type TopologyEnvironment } from './topology';

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
}

export interface PlanStep {
  step: StepId;
  title: string;
  does: string;
}

export type DrillResult =
  | { action: 'dry-run'; ok: boolean; environment: string; mode: Mode; from: string; to: string; preflight: PreflightCheck[]; plan: PlanStep[] }
  | ({ action: 'failover' | 'resume'; reportFiles: string[] } & DrillReport)
  | { action: 'abort'; ok: boolean; environment: string; drillId: string; actions: string[]; advice?: string; reportFiles: string[] };

export interface DrillDeps {
  ports: FailoverPorts;
  store: JournalStore;
  out: Output;
}

export async function runDrill(request: DrillRequest, deps: DrillDeps): Promise<DrillResult> {
  if (request.action === 'resume') return resumeDrill(request, deps);
  if (request.action === 'abort') return abortDrill(request, deps);
  return startDrill(request, deps);
}

async function startDrill(request: DrillRequest, { ports, store, out }: DrillDeps): Promise<DrillResult> {
  const { env, mode } = request;
  if (!request.to) throw new UserError('say where to fail over: --to primary or --to secondary');
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
  out.progress(`Reading the ${env.name} stacks in ${env.primaryRegion}, ${env.secondaryRegion} and us-east-1...`);
  const topology = await readTopology(env, ports.stacks);
  const source = topology[from];
  const target = topology[to];
  const preflight = await runPreflight(topology, { mode, source, target }, ports, { lagThresholdMs: request.settings.lagThresholdMs, httpTimeoutMs: request.settings.httpTimeoutMs });
  const preflightEndedAt = ports.clock.now();
  renderPreflight(preflight.checks, out);
  const plan = planSteps({ topology, mode, source, target, settings: request.settings });
  out.info('');
  out.info(`Plan: ${mode} failover of ${env.name} from ${source.region} (${from}) to ${target.region} (${to})`);
  plan.forEach((p, i) => out.info(`  ${i + 1}. ${p.title}: ${p.does}`));
  if (request.action === 'dry-run') {
    return { action: 'dry-run', ok: preflight.ok, environment: env.name, mode, from: source.region, to: target.region, preflight: preflight.checks, plan };
  }
  if (!preflight.ok) {
    const failed = preflight.checks.filter((c) => c.status === 'fail');
    throw new UserError(`preflight failed, nothing changed: ${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')}`, 'fix the cause, then run the drill again (--dry-run runs the preflight alone)', 1);
  }
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
  };
  await store.save(journal);
  out.info('');
  return finish('failover', await runSteps({ journal, ports, store, out, settings: request.settings, ...(request.signal ? { signal: request.signal } : {}) }), store, out);
}

async function loadUnfinished(request: DrillRequest, store: JournalStore, verb: string): Promise<Journal> {
  const journal = await store.load(request.env.name);
  if (!journal) throw new UserError(`no failover drill of ${request.env.name} to ${verb}`, 'start one with --to primary|secondary');
  if (isFinished(journal)) throw new UserError(`the last failover drill of ${request.env.name} (${journal.drillId}) is ${journal.state}: nothing to ${verb}`);
  return journal;
}

async function resumeDrill(request: DrillRequest, { ports, store, out }: DrillDeps): Promise<DrillResult> {
  const journal = await loadUnfinished(request, store, 'resume');
  const next = STEPS.find((step) => !journal.steps.some((s) => s.id === step.id && s.status === 'done'))!;
  out.info(`Resuming drill ${journal.drillId} (${journal.mode}, ${journal.sourceRegion} → ${journal.targetRegion}) at ${next.id}: ${next.title}`);
  if (!(await out.confirm(`Resume the failover of ${journal.environment} at ${next.id}?`, { assumeYes: request.yes }))) throw new UserError('resume cancelled: nothing changed', undefined, 1);
  journal.resumedAt.push(ports.clock.now());
  // A journal from before the drill wrote Aurora canaries does not name the health function.
  journal.topology.healthFunction ??= healthFunctionName(request.env.project, request.env.name);
  return finish('resume', await runSteps({ journal, ports, store, out, settings: request.settings, ...(request.signal ? { signal: request.signal } : {}) }), store, out);
}

async function abortDrill(request: DrillRequest, { ports, store, out }: DrillDeps): Promise<DrillResult> {
  const journal = await loadUnfinished(request, store, 'abort');
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
  const report = buildReport(journal);
  const reportFiles = await store.writeReport(journal, renderMarkdown(report), report, renderSvg(report));
  for (const a of actions) out.info(`  ${a}`);
  out.info(advice);
  return { action: 'abort', ok: true, environment: journal.environment, drillId: journal.drillId, actions, advice, reportFiles };
}

async function finish(action: 'failover' | 'resume', journal: Journal, store: JournalStore, out: Output): Promise<DrillResult> {
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
  return STEPS.map((step) => ({ step: step.id, title: step.title, does: step.describe(plan) }));
}
