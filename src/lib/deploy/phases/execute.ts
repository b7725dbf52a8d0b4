/**
 * Phase 4, execute: run the change set, follow the stack's events until it settles, then record
 * its outputs, protect it (stack policy, termination protection) and run its `after:` hooks.
 */
import { translateAwsError } from '../../aws/errors';
import { errorMessage } from '../../errors';
import { hookName, runHooks } from '../hooks';
import { resolveValues } from '../parameters';
import type { ResourceChange, StackEvent, StackInfo } from '../ports';
import { isNoChangeReason, stackState, statefulStackPolicy } from '../status';
import { waitForChangeSet } from '../waiters';
import type { NodeReport, NodeResult } from '../types';
import { serviceRole, type ChangeSetReady } from './change-set';
import { waitTracked, type Outcome, type StackRun } from './context';

const ALLOW_ALL_POLICY = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] });

export async function execute(run: StackRun, prepared: ChangeSetReady, dangerous: ResourceChange[]): Promise<Outcome> {
  const { cfn, node, deps } = run;
  if (dangerous.length === 0) return executeAndFollow(run, prepared);
  // --allow-replacement lifts the stateful stack policy for this update only. Whatever happens next
  // (a failed or rolled-back update, an error, Ctrl-C), the policy is put back: SetStackPolicy has no
  // status restriction and a policy applies only during updates, so restoring it in any state guards
  // the next one (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html,
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SetStackPolicy.html).
  let restored = false;
  try {
    await cfn.setStackPolicy(node.stackName, ALLOW_ALL_POLICY);
    const outcome = await executeAndFollow(run, prepared, () => (restored = true));
    return outcome;
  } finally {
    if (!restored) {
      try {
        await cfn.setStackPolicy(prepared.stackId ?? node.stackName, statefulStackPolicy(run.stateful));
      } catch (error) {
        deps.out.warn(`${node.stackName}: the stack policy is still allow-all; restore it: ${errorMessage(translateAwsError(error)).split('\n')[0]}`);
      }
    }
  }
}

async function executeAndFollow(run: StackRun, prepared: ChangeSetReady, onProtected?: () => void): Promise<Outcome> {
  const { cfn, node, label, deps } = run;
  const { changes, changeSetName, type } = prepared;
  // Follow the stack by its unique id: a new stack whose creation fails is deleted
  // (OnStackFailure=DELETE), and a deleted stack answers only to its id
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
  const stack = prepared.stackId ?? node.stackName;
  const executedAt = deps.clock.now();
  await cfn.executeChangeSet(node.stackName, changeSetName);
  const final = await waitTracked(run, stack, { since: executedAt, stackName: node.stackName, label, out: deps.out, onProgress: follow(run) });
  const finalState = stackState(final?.status);
  if (finalState !== 'complete' || final?.status?.includes('ROLLBACK')) {
    const events = await cfn.stackEvents(stack, executedAt);
    const deleted = type === 'CREATE' && (!final || final.status === 'DELETE_COMPLETE');
    const error = deleted ? 'the new stack failed to create and was deleted (OnStackFailure=DELETE)' : `stack ended in ${final?.status ?? 'DELETE_COMPLETE'}`;
    return { result: 'failed', changes, rootCause: rootCause(events, executedAt), error };
  }
  let settled = final!;
  if (prepared.followUp) {
    const regular = await applyRegularValues(run, prepared.followUp, stack);
    if (isOutcomeOf(regular)) return { ...regular, changes };
    settled = regular;
  }
  run.outputs.set(node.id, settled.outputs);
  if (await protect(run)) onProtected?.();
  deps.out.progress(`${label}: ${final!.status}`);
  return finish(run, type === 'CREATE' ? 'created' : 'updated', settled.outputs, { changes });
}

/** The stack's status and latest resource, for a live view. */
function follow(run: StackRun): (status: string, resource?: string) => void {
  return (status, resource) => run.deps.onStackEvent?.(run.node.id, { phase: 'execute', status, ...(resource ? { resource } : {}) });
}

function isOutcomeOf(value: StackInfo | Outcome): value is Outcome {
  return 'result' in value;
}

/**
 * After a create made with create-time values, one update with the regular ones (no new question: it
 * is part of the create that was confirmed). A failure here leaves the stack created with the
 * create-time values, and says so.
 */
async function applyRegularValues(run: StackRun, followUp: NonNullable<ChangeSetReady['followUp']>, stack: string): Promise<StackInfo | Outcome> {
  const { cfn, node, label, deps, options } = run;
  const what = Object.entries(followUp.changed).map(([n, v]) => `${n}=${v}`).join(', ');
  deps.out.progress(`${label}: created; updating to ${what}`);
  const changeSetName = `cafe-ops-${deps.clock.now()}-regular`;
  await cfn.createChangeSet({ stackName: node.stackName, changeSetName, type: 'UPDATE', ...followUp.template, parameters: followUp.parameters, tags: options.tags, ...serviceRole(run) });
  const changeSet = await waitForChangeSet(cfn, node.stackName, changeSetName, run.wait);
  if (changeSet.status === 'FAILED') {
    if (isNoChangeReason(changeSet.statusReason)) {
      await cfn.deleteChangeSet(node.stackName, changeSetName);
      return (await cfn.describeStack(stack))!;
    }
    return { result: 'failed', error: `created, but the update to ${what} could not be prepared: ${changeSet.statusReason ?? 'no reason given'}; deploy again to apply it` };
  }
  const executedAt = deps.clock.now();
  await cfn.executeChangeSet(node.stackName, changeSetName);
  const final = await waitTracked(run, stack, { since: executedAt, stackName: node.stackName, label, out: deps.out, onProgress: follow(run) });
  if (stackState(final?.status) !== 'complete' || final?.status?.includes('ROLLBACK')) {
    const events = await cfn.stackEvents(stack, executedAt);
    return { result: 'failed', rootCause: rootCause(events, executedAt), error: `created, but the update to ${what} ended in ${final?.status ?? 'DELETE_COMPLETE'}; deploy again to apply it` };
  }
  return final!;
}

/**
 * A stack that needed no change: its outputs as they are, protected (only what is not in place yet,
 * when the comparison saw it), and its hooks run.
 */
export async function completeUnchanged(
  run: StackRun,
  outputs: Record<string, string>,
  found: { detectedBy: 'comparison' | 'change set'; policyInPlace?: boolean; terminationProtection?: boolean },
): Promise<Outcome> {
  run.deps.out.progress(`${run.label}: no changes${found.detectedBy === 'comparison' ? ' (same as deployed; no change set)' : ''}`);
  run.outputs.set(run.node.id, outputs);
  await protect(run, found.detectedBy === 'comparison' ? { policy: !found.policyInPlace, termination: !found.terminationProtection } : undefined);
  return finish(run, 'no changes', outputs, { detectedBy: found.detectedBy });
}

/** After a successful deploy (or none needed), the stack's hooks; a failed hook fails the stack. */
async function finish(run: StackRun, result: NodeResult, stackOutputs: Record<string, string>, extra: Partial<Outcome> = {}): Promise<Outcome> {
  const { node, deps, label } = run;
  if (node.after.length === 0) return { result, ...extra };
  deps.onStackEvent?.(node.id, { phase: 'hooks', status: 'running after: hooks' });
  const hooks = deps.hooks
    ? await runHooks(node, stackOutputs, (params) => resolveValues(node, params, run.byId, run.outputs, deps), deps.hooks, deps.out)
    : node.after.map((hook) => ({ hook: hookName(hook), ok: false, detail: 'no hook runner configured' }));
  const failure = hooks.find((h) => !h.ok);
  if (failure) {
    run.outputs.delete(node.id);
    return { result: 'failed', ...extra, hooks, error: `after deploy: ${failure.hook}: ${failure.detail}` };
  }
  for (const h of hooks) deps.out.progress(`${label}: ${h.hook}: ${h.detail}`);
  return { result, ...extra, hooks };
}

/**
 * Stack policy and termination protection, after every successful deploy. The stack itself is
 * already deployed, so a failure here (e.g. an emulator without the API) is a warning, not a failure.
 * Answers whether the stateful stack policy is in place.
 */
async function protect(run: StackRun, needed: { policy: boolean; termination: boolean } = { policy: true, termination: true }): Promise<boolean> {
  const { cfn, node, deps } = run;
  const steps: [string, () => Promise<void>][] = [
    ['set the stack policy', () => (needed.policy ? cfn.setStackPolicy(node.stackName, statefulStackPolicy(run.stateful)) : Promise.resolve())],
    ['turn on termination protection', () => (needed.termination ? cfn.enableTerminationProtection(node.stackName) : Promise.resolve())],
  ];
  let policySet = true;
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      if (step === steps[0]![1]) policySet = false;
      deps.out.warn(`${node.stackName}: could not ${what}: ${errorMessage(translateAwsError(error)).split('\n')[0]}`);
    }
  }
  return policySet;
}

/** The first resource that failed after `since` (CloudFormation's cancellations are consequences, not causes). */
export function rootCause(events: StackEvent[], since: number): NodeReport['rootCause'] {
  const failures = events
    .filter((e) => e.timestamp >= since && e.status.endsWith('_FAILED') && !/cancelled/i.test(e.reason ?? ''))
    .sort((a, b) => a.timestamp - b.timestamp);
  const first = failures.find((e) => e.type !== 'AWS::CloudFormation::Stack') ?? failures[0];
  return first ? { logicalId: first.logicalId, type: first.type, reason: first.reason ?? 'no reason given' } : undefined;
}
