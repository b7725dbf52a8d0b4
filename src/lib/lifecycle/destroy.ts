/**
 * `cafe-ops destroy`: deletes an environment's stacks in reverse dependency order — a stack only
 * after every stack that takes its outputs is gone — and never deletes retained data.
 *
 * - What is kept is read from the templates' DeletionPolicy: Retain and RetainExceptOnCreate keep the
 *   resource when its stack is deleted, Snapshot deletes it after a final snapshot, and
 *   AWS::RDS::DBCluster (and a DBInstance outside a cluster) defaults to Snapshot
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
 *   CloudFormation keeps those by itself: DeleteStack is called without RetainResources, which is only
 *   for a stack in DELETE_FAILED (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
 * - Termination protection (deploy turns it on) makes DeleteStack fail
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html); it is
 *   turned off only with its own flag, stack by stack just before that stack's deletion.
 * - Nothing is deleted without the confirmation: the environment's name typed in a terminal, or
 *   `--yes --confirm-env NAME`. The production environment (named `production`) also needs `--allow-production`.
 * - A DELETE_FAILED names the resources and reasons, from the stack's events read by its unique id
 *   (a deleted stack answers only to it: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
 */
import type { PlannedStack } from '../deploy/plan';
import { ConfirmationNeeded, UserError, errorMessage } from '../errors';
import { pollUntil, PollTimedOut } from '../poll';
import type { CfnTemplate } from '../templates/load';
import type { DeployedStack, LifecycleDeps } from './ports';

/** The environment that destroy refuses without --allow-production. */
export const PRODUCTION_ENVIRONMENT = 'production';
export const isProduction = (environment: string) => environment === PRODUCTION_ENVIRONMENT;

/** Production is destroyed only when told explicitly; checked before any AWS call. */
export function refuseProduction(environment: string, allowProduction: boolean): void {
  if (isProduction(environment) && !allowProduction) {
    throw new UserError(`refusing to destroy ${environment}: nothing deleted`, 'production is destroyed only with --allow-production (docs/teardown.md)');
  }
}

export interface RetainedResource {
  logicalId: string;
  type: string;
  /** Retain | RetainExceptOnCreate | Snapshot | Snapshot (default) | a condition, as written. */
  policy: string;
}

export interface StackDestroy {
  id: string;
  stackName: string;
  region: string;
  result: 'deleted' | 'not deployed' | 'failed' | 'skipped';
  retained: RetainedResource[];
  durationMs: number;
  error?: string;
  /** From the stack's events, for a DELETE_FAILED. */
  failedResources?: { logicalId: string; type: string; reason: string }[];
}

export interface DestroyReport {
  environment: string;
  ok: boolean;
  stacks: StackDestroy[];
}

export interface DestroyOptions {
  environment: string;
  /** The environment name, typed on the command line (with --yes). */
  confirmEnv?: string;
  yes: boolean;
  allowProduction: boolean;
  disableTerminationProtection: boolean;
  concurrency: number;
  /** Upper bound of the wait for one stack's deletion (ms). */
  deleteTimeoutMs: number;
  /** The template of a stack instance (to read its DeletionPolicy attributes). */
  template(node: PlannedStack): Promise<CfnTemplate>;
  /**
   * With --stack: the environment's other stack instances. One of them that is deployed and takes the
   * outputs of a selected stack stops the destroy, since it would be left pointing at deleted resources.
   */
  outside?: PlannedStack[];
}

/** Resources a stack deletion keeps (or snapshots), from the template's DeletionPolicy attributes. */
export function retainedResources(template: CfnTemplate): RetainedResource[] {
  const kept: RetainedResource[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const policy: unknown = resource.DeletionPolicy;
    const type = resource.Type;
    if (policy === 'Retain' || policy === 'RetainExceptOnCreate' || policy === 'Snapshot') kept.push({ logicalId, type, policy });
    else if (policy !== undefined && typeof policy !== 'string') kept.push({ logicalId, type, policy: `conditional ${JSON.stringify(policy)}` });
    else if (policy === undefined && (type === 'AWS::RDS::DBCluster' || (type === 'AWS::RDS::DBInstance' && !resource.Properties?.DBClusterIdentifier))) {
      kept.push({ logicalId, type, policy: 'Snapshot (default)' });
    }
  }
  return kept;
}

export async function destroyEnvironment(instances: PlannedStack[], options: DestroyOptions, deps: LifecycleDeps): Promise<DestroyReport> {
  const { environment, out } = { environment: options.environment, out: deps.out };
  refuseProduction(environment, options.allowProduction);
  if (options.confirmEnv !== undefined && options.confirmEnv !== environment) {
    throw new UserError(`--confirm-env ${options.confirmEnv} does not match the environment ${environment}: nothing deleted`);
  }
  if (options.yes && options.confirmEnv === undefined) {
    throw new UserError(`--yes alone does not destroy: add --confirm-env ${environment}: nothing deleted`);
  }
  await refuseOrphans(instances, options.outside ?? [], deps);
  const described = await Promise.all(instances.map(async (n) => [n.id, await deps.cloudFormation(n.region).describeStack(n.stackName)] as const));
  const deployed = new Map<string, DeployedStack>();
  for (const [id, stack] of described) if (stack && stack.status !== 'DELETE_COMPLETE') deployed.set(id, stack);
  const retained = new Map<string, RetainedResource[]>();
  for (const n of instances) if (deployed.has(n.id)) retained.set(n.id, retainedResources(await options.template(n)));

  const empty = (n: PlannedStack, result: StackDestroy['result'], extra: Partial<StackDestroy> = {}): StackDestroy => ({
    id: n.id, stackName: n.stackName, region: n.region, result, retained: retained.get(n.id) ?? [], durationMs: 0, ...extra,
  });
  if (deployed.size === 0) {
    out.info(`nothing to destroy: no stack of ${environment} is deployed`);
    return { environment, ok: true, stacks: instances.map((n) => empty(n, 'not deployed')) };
  }
  const order = [...instances].reverse().filter((n) => deployed.has(n.id));
  out.info(`Destroy ${environment}: ${deployed.size} stack instance${deployed.size === 1 ? '' : 's'}, deleted in this order (a stack after the stacks that need it):`);
  out.table(
    ['stack', 'region', 'status', 'termination protection', 'kept by DeletionPolicy'],
    order.map((n) => {
      const s = deployed.get(n.id)!;
      const kept = retained.get(n.id) ?? [];
      return [n.stackName, n.region, s.status, s.terminationProtection ? 'on' : 'off', kept.length ? kept.map((r) => `${r.logicalId} (${r.policy})`).join(', ') : '-'];
    }),
  );
  const keptCount = [...retained.values()].reduce((sum, r) => sum + r.length, 0);
  if (keptCount) out.info(`${keptCount} resources are kept (or snapshotted) by CloudFormation, as their DeletionPolicy says; they go on costing until you delete them.`);

  const protectedStacks = order.filter((n) => deployed.get(n.id)!.terminationProtection);
  if (protectedStacks.length && !options.disableTerminationProtection) {
    throw new UserError(
      `${protectedStacks.length} stack${protectedStacks.length === 1 ? ' has' : 's have'} termination protection on (${protectedStacks.map((n) => `${n.stackName} in ${n.region}`).join(', ')}): nothing deleted`,
      'add --disable-termination-protection to turn it off, stack by stack, just before each deletion',
    );
  }
  await confirm(options, deployed.size, out);

  const results = new Map<string, StackDestroy>();
  for (const n of instances) if (!deployed.has(n.id)) results.set(n.id, empty(n, 'not deployed'));
  // Who needs whom: a stack waits for every deployed stack that takes its outputs.
  const dependents = new Map<string, string[]>(instances.map((n) => [n.id, []]));
  for (const n of instances) for (const d of n.dependsOn) dependents.get(d)?.push(n.id);
  const running = new Map<string, Promise<void>>();
  const good = (r: StackDestroy | undefined) => r !== undefined && (r.result === 'deleted' || r.result === 'not deployed');
  while (results.size < instances.length) {
    let moved = false;
    for (const n of order) {
      if (results.has(n.id) || running.has(n.id)) continue;
      const waitsFor = dependents.get(n.id) ?? [];
      const blocker = waitsFor.map((d) => results.get(d)).find((r) => r !== undefined && !good(r));
      if (blocker) {
        results.set(n.id, empty(n, 'skipped', { error: `not deleted: ${blocker.stackName} (${blocker.region}), which needs it, was not deleted` }));
        moved = true;
      } else if (waitsFor.every((d) => good(results.get(d))) && running.size < options.concurrency) {
        running.set(n.id, deleteOne(n, deployed.get(n.id)!, options, deps).then((r) => {
          results.set(n.id, { ...r, retained: retained.get(n.id) ?? [] });
          running.delete(n.id);
        }));
        moved = true;
      }
    }
    if (running.size) await Promise.race(running.values());
    else if (!moved) break;
  }
  const stacks = instances.map((n) => results.get(n.id)!);
  renderDestroy(stacks, out);
  return { environment, ok: stacks.every(good), stacks };
}

/** Refuses a partial destroy that would delete what a deployed stack outside the selection still needs. */
async function refuseOrphans(selected: PlannedStack[], outside: PlannedStack[], deps: LifecycleDeps): Promise<void> {
  const ids = new Set(selected.map((n) => n.id));
  const needing = outside.filter((n) => n.dependsOn.some((d) => ids.has(d)));
  const deployed = await Promise.all(needing.map(async (n) => {
    const stack = await deps.cloudFormation(n.region).describeStack(n.stackName);
    return stack && stack.status !== 'DELETE_COMPLETE' ? n : undefined;
  }));
  const blockers = deployed.filter((n): n is PlannedStack => n !== undefined);
  if (!blockers.length) return;
  const byId = new Map(selected.map((n) => [n.id, n]));
  const lines = blockers.map((n) => `${n.stackName} (${n.region}) needs ${n.dependsOn.filter((d) => ids.has(d)).map((d) => `${byId.get(d)!.stackName} (${byId.get(d)!.region})`).join(', ')}`);
  throw new UserError(
    `refusing a partial destroy: ${lines.join('; ')}: nothing deleted`,
    `add ${[...new Set(blockers.map((n) => `--stack ${n.stack}`))].join(' ')} to delete ${blockers.length === 1 ? 'it' : 'them'} too, or destroy ${blockers.length === 1 ? 'it' : 'them'} first`,
  );
}

async function confirm(options: DestroyOptions, count: number, out: LifecycleDeps['out']): Promise<void> {
  if (options.confirmEnv !== undefined) return; // checked above: it names this environment
  let typed: string;
  try {
    typed = await out.ask(`Type the environment name (${options.environment}) to delete its ${count} stack instances`);
  } catch (error) {
    if (error instanceof ConfirmationNeeded) {
      throw new UserError(`destroy needs a confirmation: nothing deleted`, `in a terminal, type the environment name when asked; in CI, pass --yes --confirm-env ${options.environment}`);
    }
    throw error;
  }
  if (typed.trim() !== options.environment) throw new UserError(`"${typed.trim()}" is not ${options.environment}: nothing deleted`);
}

async function deleteOne(node: PlannedStack, stack: DeployedStack, options: DestroyOptions, deps: LifecycleDeps): Promise<Omit<StackDestroy, 'retained'>> {
  const cfn = deps.cloudFormation(node.region);
  const started = deps.clock.now();
  const base = { id: node.id, stackName: node.stackName, region: node.region };
  const done = (result: StackDestroy['result'], extra: Partial<StackDestroy> = {}) => ({ ...base, result, durationMs: deps.clock.now() - started, ...extra });
  try {
    if (stack.terminationProtection) {
      deps.out.progress(`${node.stackName} (${node.region}): turning termination protection off`);
      await cfn.disableTerminationProtection(stack.id);
    }
    deps.out.progress(`${node.stackName} (${node.region}): deleting`);
    await cfn.deleteStack(stack.id);
    const final = await pollUntil(() => cfn.describeStack(stack.id), (s) => !s || s.status === 'DELETE_COMPLETE' || s.status === 'DELETE_FAILED', {
      clock: deps.clock,
      firstMs: 2_000,
      maxMs: 15_000,
      timeoutMs: options.deleteTimeoutMs,
      what: `deletion of ${node.stackName} (${node.region})`,
    });
    if (final?.status === 'DELETE_FAILED') {
      const events = await cfn.stackEvents(stack.id).catch(() => []);
      const failed = new Map<string, { logicalId: string; type: string; reason: string }>();
      // Newest first: keep each resource's latest failure of this deletion.
      for (const e of events) {
        if (e.status !== 'DELETE_FAILED' || e.logicalId === node.stackName || e.timestamp < started - 60_000 || failed.has(e.logicalId)) continue;
        failed.set(e.logicalId, { logicalId: e.logicalId, type: e.type, reason: e.reason ?? '' });
      }
      const failedResources = [...failed.values()];
      const named = failedResources.map((r) => `${r.logicalId} (${r.type}): ${r.reason}`).join('; ');
      return done('failed', { error: `DELETE_FAILED: ${named || final.statusReason || 'no reason given'}`, failedResources });
    }
    deps.out.progress(`${node.stackName} (${node.region}): deleted`);
    return done('deleted');
  } catch (error) {
    return done('failed', { error: error instanceof PollTimedOut ? `${error.message}; the deletion goes on in AWS` : errorMessage(error) });
  }
}

function renderDestroy(stacks: StackDestroy[], out: LifecycleDeps['out']): void {
  out.info('');
  out.table(['stack', 'region', 'result', 'time'], stacks.filter((s) => s.result !== 'not deployed').map((s) => [s.stackName, s.region, s.result, `${Math.round(s.durationMs / 1000)} s`]));
  for (const s of stacks) if (s.error) out.warn(`${s.stackName} (${s.region}): ${s.error}`);
  const kept = stacks.filter((s) => s.result === 'deleted').flatMap((s) => s.retained.filter((r) => !r.policy.startsWith('Snapshot')).map((r) => `${r.logicalId} (${r.type}, ${s.stackName}, ${s.region})`));
  if (kept.length) out.info(`kept by DeletionPolicy (delete them yourself when they are no longer needed): ${kept.join(', ')}`);
}
