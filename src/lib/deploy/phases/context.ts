/** What every phase of one stack deployment works with. */
import type { CloudFormationPort, StackInfo } from '../ports';
import type { OutputsById } from '../parameters';
import type { PlannedStack } from '../plan';
import type { Exclusive } from '../queue';
import { PollAborted } from '../../poll';
import type { DeployDeps, DeployOptions, NodeReport, NodeResult } from '../types';
import { waitForStack, type FollowEvents, type WaitOptions } from '../waiters';

export interface StackRun {
  node: PlannedStack;
  /** `stack (region)`, for messages. */
  label: string;
  cfn: CloudFormationPort;
  options: DeployOptions;
  deps: DeployDeps;
  byId: Map<string, PlannedStack>;
  /** Outputs known so far in this run, shared by every stack. */
  outputs: OutputsById;
  /** Labels of stacks changing in AWS right now, shared by every stack. */
  inFlight: Set<string>;
  /** Resource types whose replacement or removal loses data. */
  stateful: Set<string>;
  wait: WaitOptions;
  /** The engine's one prompt lock: a stack's changes and its questions, while other stacks wait to ask. */
  prompt: Exclusive;
}

/** How a phase (or the whole deployment) ended; the engine adds id, region and duration. */
export type Outcome = { result: NodeResult } & Partial<Pick<NodeReport, 'changes' | 'rootCause' | 'error' | 'hooks' | 'changeSet' | 'detectedBy'>>;

export function isOutcome(value: object): value is Outcome {
  return 'result' in value;
}

/**
 * Waits for the stack while listing it as in flight. Only an interrupted wait leaves it listed (it
 * is still changing in AWS); a wait that ends, or fails, does not.
 */
export async function waitTracked(run: StackRun, stack: string, follow?: FollowEvents): Promise<StackInfo | undefined> {
  run.inFlight.add(run.label);
  try {
    const info = await waitForStack(run.cfn, stack, run.wait, follow);
    run.inFlight.delete(run.label);
    return info;
  } catch (error) {
    if (!(error instanceof PollAborted)) run.inFlight.delete(run.label);
    throw error;
  }
}
