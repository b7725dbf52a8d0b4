/**
 * Phase 3, gate: nothing runs that nobody agreed to. Under --no-execute the change set is kept for
 * review; a replacement or removal of a stateful resource needs --allow-replacement or a yes at the
 * prompt; then the change set itself needs --yes or a yes. A "no" (or no terminal to ask) leaves
 * nothing behind.
 */
import { translateAwsError } from '../../aws/errors';
import { ConfirmationNeeded, errorMessage } from '../../errors';
import type { ResourceChange, StackInfo } from '../ports';
import type { KeptChangeSet } from '../types';
import { showChanges, type ChangeSetReady } from './change-set';
import type { Outcome, StackRun } from './context';

export interface Gated {
  /** Stateful resources the change set replaces or removes (allowed by now). */
  dangerous: ResourceChange[];
}

/**
 * Removals and replacements of stateful resources. `Replacement: Conditional` means "the resource
 * may be replaced" (decided during the update, e.g. by a value known only then), so it counts as a
 * replacement (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html).
 */
export function dangerousChanges(changes: ResourceChange[], stateful: Set<string>): ResourceChange[] {
  return changes.filter((c) => stateful.has(c.type) && (c.action === 'Remove' || (c.action === 'Modify' && (c.replacement === 'True' || c.replacement === 'Conditional'))));
}

function what(c: ResourceChange): string {
  return c.action === 'Remove' ? 'removed' : c.replacement === 'Conditional' ? 'may be replaced' : 'replaced';
}

export async function gate(
  run: StackRun,
  prepared: ChangeSetReady,
  existing: StackInfo | undefined,
): Promise<Gated | Outcome> {
  const { node, label, deps, options } = run;
  const { changes, changeSetName } = prepared;
  const dangerous = dangerousChanges(changes, run.stateful);
  if (options.noExecute) {
    show(run, prepared);
    if (prepared.type === 'UPDATE') run.outputs.set(node.id, existing?.outputs ?? {});
    deps.out.progress(`${label}: change set ${changeSetName} kept for review`);
    return { result: 'change set kept', changes, changeSet: kept(prepared, existing) };
  }
  // One stack at a time holds the prompt: its changes, right above its questions. Other ready
  // stacks wait here to ask; the rest keep deploying.
  deps.onStackEvent?.(node.id, { phase: 'review', status: 'waiting for confirmation' });
  const decision = await run.prompt(() => ask(run, prepared, dangerous));
  if (decision === 'yes') return { dangerous };
  await discard(run, prepared);
  return { result: 'declined', changes, ...(decision.error ? { error: decision.error } : {}) };
}

async function ask(run: StackRun, prepared: ChangeSetReady, dangerous: ResourceChange[]): Promise<'yes' | { error?: string }> {
  const { label, deps, options } = run;
  show(run, prepared);
  try {
    if (dangerous.length > 0 && !options.allowReplacement) {
      const list = dangerous.map((c) => `${c.logicalId} (${c.type}, ${what(c)})`).join(', ');
      const refused = { error: `stateful resources would be replaced or removed: ${list}; pass --allow-replacement to allow it` };
      let ok = false;
      try {
        ok = await deps.out.confirm(`${label} would replace or remove stateful resources: ${list}. Data may be lost. Proceed?`);
      } catch (error) {
        // No terminal to ask: the answer is no.
        if (!(error instanceof ConfirmationNeeded)) throw error;
      }
      if (!ok) return refused;
    }
    const ok = await deps.out.confirm(`Execute the change set for ${label}?`, { assumeYes: options.yes ?? false, default: true });
    return ok ? 'yes' : {};
  } catch (error) {
    // No terminal and no --yes: refused, and cleaned up like a "no".
    if (error instanceof ConfirmationNeeded) return { error: `${error.message} (${error.hint ?? 'rerun with --yes'})` };
    throw error;
  }
}

function show(run: StackRun, prepared: ChangeSetReady): void {
  showChanges(run.label, prepared.type, prepared.changes, run.deps.out);
  if (prepared.note) run.deps.out.info(`  ${prepared.note}`);
}

/**
 * Nothing left behind by a "no": the change set is deleted ("Deleting change sets ensures that no one
 * executes the wrong change set", https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html),
 * and a stack that never existed, held in REVIEW_IN_PROGRESS by its CREATE change set, is deleted too
 * (DeleteStack: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html;
 * REVIEW_IN_PROGRESS has no resources: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html).
 */
export async function discard(run: StackRun, prepared: Pick<ChangeSetReady, 'type' | 'changeSetName' | 'stackId'>): Promise<void> {
  const { cfn, node, deps } = run;
  try {
    await cfn.deleteChangeSet(node.stackName, prepared.changeSetName);
    if (prepared.type === 'CREATE') await cfn.deleteStack(prepared.stackId ?? node.stackName);
  } catch (error) {
    deps.out.warn(`${node.stackName}: could not clean up the declined change set ${prepared.changeSetName}: ${errorMessage(translateAwsError(error)).split('\n')[0]}`);
  }
}

function kept(prepared: ChangeSetReady, existing: StackInfo | undefined): KeptChangeSet {
  return {
    type: prepared.type,
    name: prepared.changeSetName,
    ...(prepared.changeSetId ? { id: prepared.changeSetId } : {}),
    ...(prepared.stackId ?? existing?.id ? { stackId: prepared.stackId ?? existing?.id } : {}),
    templateSha256: prepared.templateSha256,
    parameters: prepared.parameters,
    // A CREATE change set puts the stack in REVIEW_IN_PROGRESS; an UPDATE leaves its status as it was.
    stackStatus: prepared.type === 'CREATE' ? 'REVIEW_IN_PROGRESS' : (existing?.status ?? 'UNKNOWN'),
    ...(prepared.type === 'UPDATE' && existing?.lastUpdatedTime ? { lastUpdatedTime: existing.lastUpdatedTime } : {}),
    ...(prepared.followUp ? { thenUpdatedTo: prepared.followUp.changed } : {}),
  };
}
