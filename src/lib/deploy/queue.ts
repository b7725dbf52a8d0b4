/**
 * A ready queue over a dependency graph, as the CDK toolkit's work graph runs stacks: a node starts
 * the moment its own dependencies have unlocked it (no waiting for a whole wave), at most
 * `concurrency` run at once, and after the first failure (or an abort) no new node starts while
 * the running ones finish.
 */
export interface QueueNode {
  id: string;
  dependsOn: string[];
}

export interface QueueOptions<N extends QueueNode, R> {
  concurrency: number;
  run(node: N): Promise<R>;
  /** Whether a finished node lets its dependents start. */
  unlocks(id: string, result: R): boolean;
  /** Whether a finished node's result stops new work. */
  isFailure(result: R): boolean;
  signal?: AbortSignal;
}

/** Why a node never started. */
export type NotStarted =
  /** Some dependencies never unlocked it (failed, declined, not started, or not deployed). */
  | { kind: 'waiting'; waitingFor: string[] }
  /** Its dependencies were done, but `failed` failed first and no new node starts after a failure. */
  | { kind: 'stopped'; failed: string }
  /** Its dependencies were done, but the run was interrupted. */
  | { kind: 'interrupted' };

export interface QueueOutcome<R> {
  results: Map<string, R>;
  notStarted: Map<string, NotStarted>;
  /** The first node whose result was a failure, if any. */
  firstFailure?: string;
}

export async function runReadyQueue<N extends QueueNode, R>(nodes: readonly N[], options: QueueOptions<N, R>): Promise<QueueOutcome<R>> {
  const results = new Map<string, R>();
  const running = new Map<string, Promise<void>>();
  const concurrency = Math.max(1, options.concurrency);
  let firstFailure: string | undefined;

  const unlocked = (id: string) => results.has(id) && options.unlocks(id, results.get(id)!);
  const ready = () => nodes.filter((n) => !results.has(n.id) && !running.has(n.id) && n.dependsOn.every(unlocked));

  while (true) {
    if (firstFailure === undefined && !options.signal?.aborted) {
      for (const node of ready()) {
        if (running.size >= concurrency) break;
        const task = options
          .run(node)
          .then((result) => {
            results.set(node.id, result);
            if (options.isFailure(result)) firstFailure ??= node.id;
          })
          .finally(() => running.delete(node.id));
        running.set(node.id, task);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const notStarted = new Map<string, NotStarted>();
  for (const node of nodes) {
    if (results.has(node.id)) continue;
    const waitingFor = node.dependsOn.filter((d) => !unlocked(d));
    if (waitingFor.length > 0) notStarted.set(node.id, { kind: 'waiting', waitingFor });
    else if (firstFailure !== undefined) notStarted.set(node.id, { kind: 'stopped', failed: firstFailure });
    else notStarted.set(node.id, { kind: 'interrupted' });
  }
  return { results, notStarted, ...(firstFailure !== undefined ? { firstFailure } : {}) };
}

/**
 * One at a time: each call runs after the previous one has settled. The engine's prompt lock, so a
 * question and the changes above it belong to one stack, and one answer decides one change set.
 */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export function createMutex(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}
