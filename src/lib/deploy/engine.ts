/**
 * Deploys the stack instances of a plan: a ready queue (queue.ts) over (stack, region) nodes, each
 * deployed through a change set in phases (stack.ts: recover → change set → gate → execute).
 */
import type { DeployPlan, PlannedStack } from './plan';
import { runReadyQueue, type NotStarted } from './queue';
import { deployStack } from './stack';
import { STATEFUL_TYPES } from './status';
import { isSuccess, type DeployDeps, type DeployOptions, type DeployReport, type NodeReport } from './types';

export type { DeployDeps, DeployOptions, DeployReport, NodeReport, NodeResult } from './types';
export { rootCause } from './phases/execute';

export async function deployPlan(plan: DeployPlan, options: DeployOptions, deps: DeployDeps): Promise<DeployReport> {
  const nodes = plan.waves.flat();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outputs = new Map<string, Record<string, string>>();
  const inFlight = new Set<string>();
  const stateful = new Set([...STATEFUL_TYPES, ...(options.statefulTypes ?? [])]);
  const wait = { clock: deps.clock, pollMs: options.pollMs, signal: options.signal };

  const { results, notStarted } = await runReadyQueue(nodes, {
    concurrency: options.concurrency ?? 4,
    run: (node: PlannedStack) =>
      deployStack({ node, label: `${node.stackName} (${node.region})`, cfn: deps.cloudFormation(node.region), options, deps, byId, outputs, inFlight, stateful, wait }),
    // A dependency unlocks its dependents once its outputs are known: deployed, unchanged, or (under
    // --no-execute) already existing with a change set kept for review.
    unlocks: (id, report) => report.result === 'created' || report.result === 'updated' || report.result === 'no changes' || (report.result === 'change set kept' && outputs.has(id)),
    isFailure: (report) => report.result === 'failed' || report.result === 'declined',
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const failed = [...results.values()].some((r) => r.result === 'failed' || r.result === 'declined');
  const stacks = nodes.map((node) => results.get(node.id) ?? skipped(node, notStarted.get(node.id)!));
  return {
    environment: plan.environment,
    // Under --no-execute, stacks waiting for outputs of stacks not yet deployed are expected.
    ok: stacks.every((r) => isSuccess(r.result) || (options.noExecute && r.result === 'skipped' && !failed && !options.signal?.aborted)),
    stacks,
    stillInProgress: [...inFlight],
  };
}

function skipped(node: PlannedStack, why: NotStarted): NodeReport {
  const error = why.kind === 'waiting' ? `not started: needs ${why.waitingFor.join(', ')}` : 'not started: interrupted';
  return { id: node.id, stackName: node.stackName, region: node.region, result: 'skipped', durationMs: 0, changes: [], error };
}
