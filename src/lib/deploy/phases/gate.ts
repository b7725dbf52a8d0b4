/**
 * Phase 3, gate: nothing runs that nobody agreed to. Under --no-execute the change set is kept for
 * review; a replacement or removal of a stateful resource needs --allow-replacement or a yes at the
 * prompt; then the change set itself needs --yes or a yes.
 */
import { ConfirmationNeeded } from '../../errors';
import type { ResourceChange, StackInfo } from '../ports';
import type { ChangeSetReady } from './change-set';
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
  const { cfn, node, label, deps, options } = run;
  const { changes, changeSetName } = prepared;
  const dangerous = dangerousChanges(changes, run.stateful);
  if (options.noExecute) {
    if (prepared.type === 'UPDATE') run.outputs.set(node.id, existing?.outputs ?? {});
    deps.out.progress(`${label}: change set ${changeSetName} kept for review`);
    return { result: 'change set kept', changes };
  }
  if (dangerous.length > 0 && !options.allowReplacement) {
    const list = dangerous.map((c) => `${c.logicalId} (${c.type}, ${what(c)})`).join(', ');
    let ok = false;
    try {
      ok = await deps.out.confirm(`${label} would replace or remove stateful resources: ${list}. Data may be lost. Proceed?`);
    } catch (error) {
      // No terminal to ask: the answer is no.
      if (!(error instanceof ConfirmationNeeded)) throw error;
    }
    if (!ok) {
      await cfn.deleteChangeSet(node.stackName, changeSetName);
      return { result: 'declined', changes, error: `stateful resources would be replaced or removed: ${list}; pass --allow-replacement to allow it` };
    }
  }
  if (!(await deps.out.confirm(`Execute the change set for ${label}?`, { assumeYes: options.yes ?? false, default: true }))) {
    await cfn.deleteChangeSet(node.stackName, changeSetName);
    return { result: 'declined', changes };
  }
  return { dangerous };
}
