/**
 * One stack instance deployed through a change set, in four phases:
 * recover → change set → gate → execute (see phases/).
 */
import { translateAwsError } from '../aws/errors';
import { ConfirmationNeeded, errorMessage } from '../errors';
import { PollAborted } from '../poll';
import { prepareChangeSet, type ChangeSetReady } from './phases/change-set';
import type { ReviewedStack } from './review';
import { isOutcome, type Outcome, type StackRun } from './phases/context';
import { completeUnchanged, execute } from './phases/execute';
import { gate } from './phases/gate';
import { recover } from './phases/recover';
import type { NodeReport } from './types';

export type { StackRun } from './phases/context';

export async function deployStack(run: StackRun): Promise<NodeReport> {
  return report(run, () => phases(run));
}

/** A reviewed change set (deploy --execute): gate and execute only; the review was the change set phase. */
export async function executeReviewed(run: StackRun, reviewed: ReviewedStack): Promise<NodeReport> {
  const { changeSet } = reviewed;
  const prepared: ChangeSetReady = {
    kind: 'ready', type: changeSet.type, changeSetName: changeSet.name, changes: reviewed.changes, templateSha256: changeSet.templateSha256, parameters: changeSet.parameters,
    ...(changeSet.stackId ? { stackId: changeSet.stackId } : {}), ...(changeSet.id ? { changeSetId: changeSet.id } : {}),
    ...(changeSet.thenUpdatedTo ? { note: `created with its create-time values; the next deploy updates ${Object.entries(changeSet.thenUpdatedTo).map(([k, v]) => `${k}=${v}`).join(', ')}` } : {}),
  };
  return report(run, async () => {
    const gated = await gate(run, prepared, undefined);
    if (isOutcome(gated)) return gated;
    return { ...(await execute(run, prepared, gated.dangerous)), changeSet };
  });
}

async function report(run: StackRun, work: () => Promise<Outcome>): Promise<NodeReport> {
  const started = run.deps.clock.now();
  const outcome = await work().catch(failure);
  const { node } = run;
  const { result, ...rest } = outcome;
  return { id: node.id, stackName: node.stackName, region: node.region, result, durationMs: run.deps.clock.now() - started, changes: [], ...rest };
}

async function phases(run: StackRun): Promise<Outcome> {
  const recovered = await recover(run);
  if (isOutcome(recovered)) return recovered;
  const prepared = await prepareChangeSet(run, recovered.state, recovered.existing);
  if (isOutcome(prepared)) return prepared;
  if (prepared.kind === 'no changes') return completeUnchanged(run, recovered.existing?.outputs ?? {}, prepared);
  const gated = await gate(run, prepared, recovered.existing);
  if (isOutcome(gated)) return gated;
  return execute(run, prepared, gated.dangerous);
}

function failure(error: unknown): Outcome {
  if (error instanceof PollAborted) return { result: 'failed', error: 'interrupted' };
  // A confirmation that could not be asked (no terminal) declines; other user-fixable problems fail.
  if (error instanceof ConfirmationNeeded) return { result: 'declined', error: `${error.message} (${error.hint ?? 'rerun with --yes'})` };
  return { result: 'failed', error: errorMessage(translateAwsError(error)) };
}
