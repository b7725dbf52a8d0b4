/**
 * Deploys the stack instances of a plan: a ready queue (queue.ts) over (stack, region) nodes, each
 * deployed through a change set in phases (stack.ts: recover → change set → gate → execute).
 */
import type { DeployPlan, PlannedStack } from './plan';
import { createMutex, runReadyQueue, type NotStarted } from './queue';
import type { ReviewedStack } from './review';
import { deployStack, executeReviewed } from './stack';
import { STATEFUL_TYPES } from './status';
import { isSuccess, type DeployDeps, type DeployOptions, type DeployReport, type NodeReport } from './types';

export type { DeployDeps, DeployOptions, DeployReport, NodeReport, NodeResult } from './types';
export { rootCause } from './phases/execute';

/**
 * Deploys the plan; given `reviewed` (deploy --execute), executes exactly those change sets instead, in
 * dependency order (a reviewed stack after the reviewed stacks it needs), creating none.
 */
export async function deployPlan(plan: DeployPlan, options: DeployOptions, deps: DeployDeps, reviewed?: Map<string, ReviewedStack>): Promise<DeployReport> {
  const all = plan.waves.flat();
  const byId = new Map(all.map((n) => [n.id, n]));
  const nodes = reviewed ? all.filter((n) => reviewed.has(n.id)).map((n) => ({ ...n, dependsOn: n.dependsOn.filter((d) => reviewed.has(d)) })) : all;
  const outputs = new Map<string, Record<string, string>>();
  const inFlight = new Set<string>();
  const stateful = new Set([...STATEFUL_TYPES, ...(options.statefulTypes ?? [])]);
  const wait = { clock: deps.clock, pollMs: options.pollMs, signal: options.signal };
  const prompt = createMutex();

  const { results, notStarted, firstFailure } = await runReadyQueue(nodes, {
    concurrency: options.concurrency ?? 4,
    run: (node: PlannedStack) => {
      const run = { node, label: `${node.stackName} (${node.region})`, cfn: deps.cloudFormation(node.region), options, deps, byId, outputs, inFlight, stateful, wait, prompt };
      const review = reviewed?.get(node.id);
      deps.onStackEvent?.(node.id, { phase: 'started', status: 'starting' });
      return (review ? executeReviewed(run, review) : deployStack(run)).then((report) => {
        deps.onStackEvent?.(node.id, { phase: 'done', status: report.result });
        return report;
      });
    },
    // A dependency unlocks its dependents once its outputs are known: deployed, unchanged, or (under
    // --no-execute) already existing with a change set kept for review.
    unlocks: (id, report) => report.result === 'created' || report.result === 'updated' || report.result === 'no changes' || (report.result === 'change set kept' && outputs.has(id)),
    isFailure: (report) => report.result === 'failed' || report.result === 'declined',
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const failed = [...results.values()].some((r) => r.result === 'failed' || r.result === 'declined');
  const interrupted = Boolean(options.signal?.aborted);
  const stacks = nodes.map((node) => results.get(node.id) ?? skipped(node, notStarted.get(node.id)!, { results, byId, interrupted, firstFailure }));
  return {
    environment: plan.environment,
    // Under --no-execute, stacks waiting for outputs of stacks not yet deployed are expected.
    ok: stacks.every((r) => isSuccess(r.result) || (options.noExecute && r.result === 'skipped' && !failed && !options.signal?.aborted)),
    stacks,
    stillInProgress: [...inFlight],
  };
}

interface RunState {
  results: Map<string, NodeReport>;
  byId: Map<string, PlannedStack>;
  interrupted: boolean;
  firstFailure: string | undefined;
}

/** A stack that never started, and what really held it back. */
function skipped(node: PlannedStack, why: NotStarted, run: RunState): NodeReport {
  return { id: node.id, stackName: node.stackName, region: node.region, result: 'skipped', durationMs: 0, changes: [], error: `not started: ${notStartedReason(why, run)}` };
}

function notStartedReason(why: NotStarted, run: RunState): string {
  const label = (id: string) => {
    const n = run.byId.get(id);
    return n ? `${n.stackName} (${n.region})` : id;
  };
  // Ctrl-C stops everything: the stacks it interrupted report "interrupted", and nothing else starts.
  if (run.interrupted || why.kind === 'interrupted') return 'interrupted by Ctrl-C';
  const stopped = run.firstFailure
    ? `${label(run.firstFailure)} ${run.results.get(run.firstFailure)?.result === 'declined' ? 'was declined' : 'failed'} first; no new stack starts after a failure`
    : undefined;
  if (why.kind === 'stopped') return stopped ?? 'no new stack starts after a failure';
  // Waiting for dependencies: name each, and what became of it.
  const needs = why.waitingFor.map((id) => {
    const result = run.results.get(id)?.result;
    if (result === 'failed') return `${id}, which failed`;
    if (result === 'declined') return `${id}, which was declined`;
    if (result === 'change set kept') return `${id}, which is not deployed yet (its change set is kept for review)`;
    return run.results.has(id) ? `${id}, which did not finish` : `${id}, which did not start`;
  });
  const direct = why.waitingFor.some((id) => run.results.has(id));
  // When nothing it needs failed by itself, the real reason is what stopped the run.
  if (!direct && stopped) return `needs ${why.waitingFor.join(', ')}; ${stopped}`;
  return `needs ${needs.join('; needs ')}`;
}
