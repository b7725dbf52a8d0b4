/**
 * The CloudFormation waiters of the deploy engine, built on pollUntil: a stack until it leaves
 * *_IN_PROGRESS (printing its new events as they come), a change set until it is ready or failed.
 */
import { pollUntil } from '../poll';
import type { Output } from '../ui/output';
import type { ChangeSetInfo, CloudFormationPort, Clock, StackInfo } from './ports';
import { stackState } from './status';

export interface WaitOptions {
  clock: Clock;
  /** First delay and cap, in ms. */
  pollMs?: { first: number; max: number } | undefined;
  signal?: AbortSignal | undefined;
}

/** What to print while a stack changes: its events since `since`, each line prefixed by `label`. */
export interface FollowEvents {
  since: number;
  /** The stack's own name: its own events (the stack's status) are not printed. */
  stackName: string;
  label: string;
  out: Output;
  /** Each poll: the stack's status and its latest resource event (`LogicalId STATUS`). */
  onProgress?(status: string, resource?: string): void;
}

/**
 * Polls with backoff until the stack leaves *_IN_PROGRESS; prints new events when asked to follow
 * them. `stack` may be the unique stack id, which keeps answering after the stack is deleted.
 */
export async function waitForStack(cfn: CloudFormationPort, stack: string, options: WaitOptions, follow?: FollowEvents): Promise<StackInfo | undefined> {
  const { first, max } = options.pollMs ?? { first: 1000, max: 10_000 };
  const seen = new Set<string>();
  let latest: string | undefined;
  return pollUntil(
    async () => {
      const info = await cfn.describeStack(stack);
      if (follow) {
        const events = await cfn.stackEvents(stack, follow.since);
        for (const e of [...events].reverse()) {
          if (seen.has(e.id) || e.timestamp < follow.since) continue;
          seen.add(e.id);
          if (e.logicalId === follow.stackName) continue;
          latest = `${e.logicalId} ${e.status}`;
          follow.out.progress(`${follow.label}: ${e.logicalId} ${e.status}${e.reason ? ` — ${e.reason}` : ''}`);
        }
        follow.onProgress?.(info?.status ?? 'DELETE_COMPLETE', latest);
      }
      return info;
    },
    (info) => !info || stackState(info.status) !== 'in-progress',
    { clock: options.clock, firstMs: first, maxMs: max, what: `waiting for ${stack}`, ...(options.signal ? { signal: options.signal } : {}) },
  );
}

/** Polls until the change set is CREATE_COMPLETE or FAILED. */
export async function waitForChangeSet(cfn: CloudFormationPort, stackName: string, changeSetName: string, options: WaitOptions): Promise<ChangeSetInfo> {
  return pollUntil(
    () => cfn.describeChangeSet(stackName, changeSetName),
    (info) => info.status === 'CREATE_COMPLETE' || info.status === 'FAILED',
    {
      clock: options.clock,
      firstMs: Math.min(options.pollMs?.first ?? 1000, 1000),
      maxMs: 5000,
      what: `waiting for change set ${changeSetName}`,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}
