/**
 * Phase 1, recover: bring an existing stack to a state a change set can start from — wait out an
 * operation in progress, delete a stack that never finished creating (ROLLBACK_COMPLETE), continue
 * a failed update rollback (UPDATE_ROLLBACK_FAILED).
 */
import type { StackInfo } from '../ports';
import { stackState, type StackState } from '../status';
import { waitTracked, type Outcome, type StackRun } from './context';

export interface Recovered {
  existing: StackInfo | undefined;
  state: StackState;
}

export async function recover(run: StackRun): Promise<Recovered | Outcome> {
  const { cfn, node, label, deps, options } = run;
  // The live view shows what the stack waits on; the resource events of a wait are followed as execute's are.
  const phase = (status: string) => deps.onStackEvent?.(node.id, { phase: 'recover', status });
  const follow = (since: number) => ({
    since,
    stackName: node.stackName,
    label,
    out: deps.out,
    onProgress: (status: string, resource?: string) => deps.onStackEvent?.(node.id, { phase: 'recover', status, ...(resource ? { resource } : {}) }),
  });
  let existing = await cfn.describeStack(node.stackName);
  let state = stackState(existing?.status);
  if (state === 'in-progress') {
    deps.out.progress(`${label}: already ${existing!.status}, waiting for it to finish`);
    phase(`waiting for ${existing!.status}`);
    // A stack being deleted stops answering to its name, and its events with it: only its status is shown.
    existing = await waitTracked(run, node.stackName, existing!.status.startsWith('DELETE') ? undefined : follow(deps.clock.now()));
    state = stackState(existing?.status);
  }
  if (state === 'rollback-complete') {
    const ok = await run.prompt(() => deps.out.confirm(`${label} never finished creating (ROLLBACK_COMPLETE). Delete it and create it again?`, { assumeYes: options.yes ?? false }));
    if (!ok) return { result: 'declined', error: 'stack is in ROLLBACK_COMPLETE; deletion declined' };
    deps.out.progress(`${label}: deleting the failed stack`);
    phase('deleting the failed stack');
    await cfn.deleteStack(node.stackName);
    existing = await waitTracked(run, node.stackName);
    state = stackState(existing?.status);
  }
  if (state === 'update-rollback-failed') {
    const ok = await run.prompt(() => deps.out.confirm(`${label} is in UPDATE_ROLLBACK_FAILED. Continue the rollback?`, { assumeYes: options.yes ?? false }));
    if (!ok) return { result: 'declined', error: 'stack is in UPDATE_ROLLBACK_FAILED; continue-update-rollback declined' };
    phase('continuing the rollback');
    const since = deps.clock.now();
    await cfn.continueUpdateRollback(node.stackName);
    existing = await waitTracked(run, node.stackName, follow(since));
    state = stackState(existing?.status);
    if (state !== 'complete') return { result: 'failed', error: `continue-update-rollback ended in ${existing?.status}` };
  }
  if (state === 'failed') return { result: 'failed', error: `stack is in ${existing!.status}: fix it in the console or delete it, then deploy again` };
  return { existing, state };
}
