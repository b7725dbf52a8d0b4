/** `cafe-ops deploy`: plan offline, then (unless --dry-run) deploy through CloudFormation. */
import { resolve } from 'node:path';
import type { AwsClients } from '../aws/clients';
import { checkAccount } from '../aws/identity';
import type { ResolvedEnvironment } from '../config/load';
import { loadTemplate } from '../templates/load';
import { loadCatalog, type Catalog } from '../stacks/catalog';
import type { Output } from '../ui/output';
import { LiveView, liveOutput, liveViewWanted } from '../ui/live-view';
import { UserError } from '../errors';
import { lintCatalog } from '../lint/lint';
import { cloudFormationPort, s3ArtifactPort } from './aws';
import { awsHookPort, buildStorefront } from './hooks-aws';
import { deployPlan, type DeployReport } from './engine';
import type { StackProgress } from './types';
import { buildPlan, type DeployPlan } from './plan';
import { buildReview, readReview, staleChangeSets, writeReview } from './review';
import { planToJson, renderPlan } from './render';
import type { CloudFormationPort } from './ports';
import { systemClock } from './ports';

export interface DeployRequest {
  env: ResolvedEnvironment;
  catalogFile: string;
  stacks?: string[];
  region?: string;
  dryRun: boolean;
  noExecute: boolean;
  yes: boolean;
  allowReplacement: boolean;
  concurrency: number;
  /** Create change sets even for stack instances equal to what is deployed. */
  force?: boolean;
  /** With noExecute: write the review (JSON) here, and its Markdown summary at FILE.md. */
  reviewOut?: string;
  /** Execute exactly the change sets of this review file. */
  execute?: string;
  signal?: AbortSignal;
}

export type DeployResult =
  | ({ mode: 'dry-run' } & ReturnType<typeof planToJson>)
  | ({ mode: 'deploy' | 'no-execute' | 'execute'; plan: ReturnType<typeof planToJson>; review?: { file: string; markdown: string } } & DeployReport);

/** Validates every template of the plan parses (file:line on error). */
export async function checkTemplates(plan: DeployPlan): Promise<void> {
  const files = new Set(plan.waves.flat().map((n) => n.template));
  await Promise.all([...files].map((file) => loadTemplate(file)));
}

/** Schema and wiring checks of `cafe-ops lint` (without cfn-lint, for speed); errors stop the deploy. */
async function lintBeforeDeploy(catalog: Catalog): Promise<void> {
  const errors = (await lintCatalog(catalog, { cfnLint: false })).findings.filter((f) => f.level === 'error');
  if (errors.length === 0) return;
  const shown = errors.slice(0, 5).map((f) => `${f.file}:${f.line}: ${f.message}`).join('\n  ');
  throw new UserError(`the templates have ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${shown}${errors.length > 5 ? '\n  ...' : ''}`, 'run `cafe-ops lint` for the full list');
}

export async function runDeploy(request: DeployRequest, out: Output, clients: () => AwsClients): Promise<DeployResult> {
  const catalog: Catalog = await loadCatalog(request.catalogFile);
  // A review is read (and checked against the environment) before any AWS call.
  const review = request.execute ? await readReview(request.execute, request.env) : undefined;
  const plan = buildPlan(catalog, request.env, { ...(request.stacks ? { stacks: request.stacks } : {}), ...(request.region ? { region: request.region } : {}) });
  const byId = new Map(plan.waves.flat().map((n) => [n.id, n]));
  if (review) {
    const unknown = review.stacks.find((s) => !byId.has(s.id) || byId.get(s.id)!.stackName !== s.stackName || byId.get(s.id)!.region !== s.region);
    if (unknown) throw new UserError(`${request.execute}: ${unknown.id} (${unknown.stackName}, ${unknown.region}) is not in the plan of ${request.env.name}`, 'review again: cafe-ops deploy --no-execute --review-out FILE');
  } else {
    await checkTemplates(plan);
    await lintBeforeDeploy(catalog);
    renderPlan(plan, out);
  }
  if (request.dryRun) return { mode: 'dry-run', ...planToJson(plan) };

  const aws = clients();
  await checkAccount(aws, request.env, out);
  const ports = new Map<string, Promise<CloudFormationPort>>();
  const portFor = (region: string) => {
    if (!ports.has(region)) ports.set(region, cloudFormationPort(aws, region));
    return ports.get(region)!;
  };
  // Resolve every region's port up front so the engine's port getter stays synchronous.
  const regions = new Set(plan.waves.flat().map((n) => n.region));
  for (const r of [request.env.primaryRegion, request.env.secondaryRegion, 'us-east-1']) regions.add(r);
  const resolved = new Map<string, CloudFormationPort>();
  for (const region of regions) resolved.set(region, await portFor(region));
  out.info('');
  if (review) {
    // Every reviewed stack is in the plan (checked above), so its region's port is resolved.
    const stale = await staleChangeSets(review, (region) => resolved.get(region)!);
    if (stale.length) throw new UserError(`${request.execute} is stale, nothing executed: ${stale.join('; ')}`, 'review again: cafe-ops deploy --no-execute --review-out FILE');
    out.info(`Executing the ${review.stacks.length} change set${review.stacks.length === 1 ? '' : 's'} reviewed at ${review.createdAt}`);
  }
  // In a terminal (not CI, not --json) a live view replaces the line log while the stacks deploy.
  const instances = plan.waves.flat().filter((n) => !review || review.stacks.some((s) => s.id === n.id));
  const view = out.terminal && liveViewWanted(out.terminal, out.json)
    ? new LiveView(instances.map((n) => ({ id: n.id, label: `${n.stackName} (${n.region})` })), { stream: out.terminal, now: () => systemClock.now() })
    : undefined;
  const engineOut = view ? liveOutput(out, view) : out;
  view?.start();
  const report = await deployPlan(
    plan,
    {
      yes: request.yes,
      allowReplacement: request.allowReplacement,
      noExecute: request.noExecute,
      ...(request.force ? { force: true } : {}),
      concurrency: request.concurrency,
      tags: { Project: request.env.project, Environment: request.env.name, CostCenter: request.env.costCenter },
      ...(request.env.cloudFormationRole ? { roleArn: request.env.cloudFormationRole } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    },
    {
      cloudFormation: (region) => resolved.get(region)!,
      hooks: awsHookPort(aws, () => buildStorefront(resolve(catalog.root, '..', 'site')), request.env),
      artifacts: s3ArtifactPort(catalog, aws, (key, region, uploaded) => engineOut.progress(`${uploaded ? 'uploaded' : 'unchanged'} ${key} (${region})`)),
      clock: systemClock,
      out: engineOut,
      ...(view ? { onStackEvent: (id: string, event: StackProgress) => view.update(id, event) } : {}),
    },
    review ? new Map(review.stacks.map((s) => [s.id, s])) : undefined,
  ).catch((error: unknown) => {
    view?.stop();
    throw error;
  });
  view?.settle(report.stacks);
  view?.stop();
  renderReport(report, out);
  let written: { file: string; markdown: string } | undefined;
  if (request.reviewOut) {
    const markdown = await writeReview(request.reviewOut, buildReview(report, request.env, (id) => byId.get(id)?.dependsOn ?? [], new Date()));
    written = { file: request.reviewOut, markdown };
    out.info(`review written to ${request.reviewOut} and ${markdown}`);
  }
  return { mode: review ? 'execute' : request.noExecute ? 'no-execute' : 'deploy', plan: planToJson(plan), ...(written ? { review: written } : {}), ...report };
}

export function renderReport(report: DeployReport, out: Output): void {
  out.info('');
  // A failed, declined or skipped row says why in its own row; the full text follows the table.
  const reasons = report.stacks.map(reasonOf);
  const withReason = reasons.some(Boolean);
  out.table(
    ['stack', 'region', 'result', 'changes', 'time', ...(withReason ? ['reason'] : [])],
    report.stacks.map((s, i) => [s.stackName, s.region, s.result, s.changes.length, `${Math.round(s.durationMs / 1000)} s`, ...(withReason ? [reasons[i] ?? ''] : [])]),
  );
  for (const s of report.stacks) {
    if (s.rootCause) out.warn(`${s.stackName} (${s.region}) failed at ${s.rootCause.logicalId} (${s.rootCause.type}): ${s.rootCause.reason}`);
    else if (s.error && s.result !== 'skipped') out.warn(`${s.stackName} (${s.region}): ${s.error}`);
  }
  // Each stack held back, with what really held it back (a failure elsewhere, a dependency, Ctrl-C).
  const skipped = report.stacks.filter((s) => s.result === 'skipped');
  if (skipped.length) out.warn(`${skipped.length} stack instance${skipped.length === 1 ? '' : 's'} not started:`);
  for (const s of skipped) out.warn(`  ${s.stackName} (${s.region}): ${(s.error ?? '').replace(/^not started: /, '')}`);
  if (report.stillInProgress.length) out.warn(`still in progress in AWS (not waited for): ${report.stillInProgress.join(', ')}`);
}

/** The short reason of a row that did not succeed: the failed resource and why, else the error's first line. */
export function reasonOf(s: DeployReport['stacks'][number]): string | undefined {
  if (s.result !== 'failed' && s.result !== 'declined' && s.result !== 'skipped') return undefined;
  const text = s.rootCause ? `${s.rootCause.logicalId}: ${s.rootCause.reason}` : (s.error ?? 'no reason given').replace(/^not started: /, '');
  const line = text.split('\n')[0]!;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
