/**
 * One stack instance deployed through a change set, in four phases:
 * recover → change set → gate → execute (see phases/).
 */
import { translateAwsError } from '../aws/errors';
import { ConfirmationNeeded, errorMessage } from '../errors';
import { PollAborted } from '../poll';
import { prepareChangeSet } from './phases/change-set';
import { isOutcome, type Outcome, type StackRun } from './phases/context';
import { completeUnchanged, execute } from './phases/execute';
import { gate } from './phases/gate';
import { recover } from './phases/recover';
import type { NodeReport } from './types';

export type { StackRun } from './phases/context';

export async function deployStack(run: StackRun): Promise<NodeReport> {
  const started = run.deps.clock.now();
  const outcome = await phases(run).catch(failure);
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
