/**
 * Deploys the stack instances of a plan: a ready queue over (stack, region) nodes, each deployed
 * through a change set (create → wait → show → confirm → execute → follow events).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { translateAwsError } from '../aws/errors';
import { UserError, errorMessage } from '../errors';
import type { Output } from '../ui/output';
import { hookName, runHooks, type HookPort, type HookReport } from './hooks';
import type { DeployPlan, PlannedParameter, PlannedStack } from './plan';
import type { ArtifactPort, CloudFormationPort, Clock, ResourceChange, StackEvent } from './ports';
import { isNoChangeReason, STATEFUL_TYPES, stackState, statefulStackPolicy } from './status';

export type NodeResult = 'created' | 'updated' | 'no changes' | 'change set kept' | 'declined' | 'failed' | 'skipped';

export interface NodeReport {
  id: string;
  stackName: string;
  region: string;
  result: NodeResult;
  durationMs: number;
  changes: ResourceChange[];
  /** For a failure: the first failed resource and its reason. */
  rootCause?: { logicalId: string; type: string; reason: string } | undefined;
  error?: string;
  /** The catalog's `after:` work, when the stack has any. */
  hooks?: HookReport[];
}

export interface DeployReport {
  environment: string;
  ok: boolean;
  stacks: NodeReport[];
  /** Stacks still changing in AWS when the run was interrupted. */
  stillInProgress: string[];
}

export interface DeployOptions {
  yes?: boolean;
  allowReplacement?: boolean;
  noExecute?: boolean;
  concurrency?: number;
  tags: Record<string, string>;
  /** Service role CloudFormation assumes (cafe-ops.yml cloudFormationRole). */
  roleArn?: string;
  /** Extra stateful types from the catalog. */
  statefulTypes?: Iterable<string>;
  /** Polling: first delay and cap, in ms. */
  pollMs?: { first: number; max: number };
  /** Reads a template; defaults to the file system. */
  readTemplate?: (path: string) => Promise<string>;
  /** Set by Ctrl-C: stop waiting and report. */
  signal?: AbortSignal;
}

export interface DeployDeps {
  cloudFormation(region: string): CloudFormationPort;
  artifacts?: ArtifactPort;
  /** Runs the catalog's `after:` hooks; without it, stacks that have hooks fail. */
  hooks?: HookPort;
  clock: Clock;
  out: Output;
}

const TEMPLATE_BODY_LIMIT = 51_200;

class Interrupted extends Error {}

export async function deployPlan(plan: DeployPlan, options: DeployOptions, deps: DeployDeps): Promise<DeployReport> {
  const nodes = plan.waves.flat();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outputs = new Map<string, Record<string, string>>();
  const reports = new Map<string, NodeReport>();
  const running = new Map<string, Promise<void>>();
  const inFlight = new Set<string>();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let failed = false;

  // A dependency unlocks its dependents once its outputs are known: deployed, unchanged, or (under
  // --no-execute) already existing with a change set kept for review.
  const unlocked = (id: string) => {
    const result = reports.get(id)?.result;
    return result === 'created' || result === 'updated' || result === 'no changes' || (result === 'change set kept' && outputs.has(id));
  };
  const ready = () => nodes.filter((n) => !reports.has(n.id) && !running.has(n.id) && n.dependsOn.every(unlocked));

  while (true) {
    if (!failed && !options.signal?.aborted) {
      for (const node of ready()) {
        if (running.size >= concurrency) break;
        const task = deployNode(node, byId, outputs, options, deps, inFlight)
          .then((report) => {
            reports.set(node.id, report);
            if (report.result === 'failed' || report.result === 'declined') failed = true;
          })
          .finally(() => running.delete(node.id));
        running.set(node.id, task);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  for (const node of nodes) {
    if (reports.has(node.id)) continue;
    const waitingFor = node.dependsOn.filter((d) => !unlocked(d));
    reports.set(node.id, {
      id: node.id, stackName: node.stackName, region: node.region, result: 'skipped', durationMs: 0, changes: [],
      error: waitingFor.length ? `not started: needs ${waitingFor.join(', ')}` : 'not started: interrupted',
    });
  }
  const stacks = nodes.map((n) => reports.get(n.id)!);
  return {
    environment: plan.environment,
    // Under --no-execute, stacks waiting for outputs of stacks not yet deployed are expected.
    ok: stacks.every((r) => isSuccess(r.result) || (options.noExecute && r.result === 'skipped' && !failed && !options.signal?.aborted)),
    stacks,
    stillInProgress: [...inFlight],
  };
}

function isSuccess(result: NodeResult): boolean {
  return result === 'created' || result === 'updated' || result === 'no changes' || result === 'change set kept';
}

async function deployNode(
  node: PlannedStack,
  byId: Map<string, PlannedStack>,
  outputs: Map<string, Record<string, string>>,
  options: DeployOptions,
  deps: DeployDeps,
  inFlight: Set<string>,
): Promise<NodeReport> {
  const started = deps.clock.now();
  const cfn = deps.cloudFormation(node.region);
  const label = `${node.stackName} (${node.region})`;
  const report = (result: NodeResult, extra: Partial<NodeReport> = {}): NodeReport => ({
    id: node.id, stackName: node.stackName, region: node.region, result, durationMs: deps.clock.now() - started, changes: [], ...extra,
  });
  try {
    let existing = await cfn.describeStack(node.stackName);
    let state = stackState(existing?.status);
    if (state === 'in-progress') {
      deps.out.progress(`${label}: already ${existing!.status}, waiting for it to finish`);
      inFlight.add(label);
      existing = await waitForStack(cfn, node.stackName, deps, options);
      inFlight.delete(label);
      state = stackState(existing?.status);
    }
    if (state === 'rollback-complete') {
      const ok = await deps.out.confirm(`${label} never finished creating (ROLLBACK_COMPLETE). Delete it and create it again?`, { assumeYes: options.yes ?? false });
      if (!ok) return report('declined', { error: 'stack is in ROLLBACK_COMPLETE; deletion declined' });
      deps.out.progress(`${label}: deleting the failed stack`);
      await cfn.deleteStack(node.stackName);
      inFlight.add(label);
      existing = await waitForStack(cfn, node.stackName, deps, options);
      inFlight.delete(label);
      state = stackState(existing?.status);
    }
    if (state === 'update-rollback-failed') {
      const ok = await deps.out.confirm(`${label} is in UPDATE_ROLLBACK_FAILED. Continue the rollback?`, { assumeYes: options.yes ?? false });
      if (!ok) return report('declined', { error: 'stack is in UPDATE_ROLLBACK_FAILED; continue-update-rollback declined' });
      await cfn.continueUpdateRollback(node.stackName);
      inFlight.add(label);
      existing = await waitForStack(cfn, node.stackName, deps, options);
      inFlight.delete(label);
      state = stackState(existing?.status);
      if (state !== 'complete') return report('failed', { error: `continue-update-rollback ended in ${existing?.status}` });
    }
    if (state === 'failed') return report('failed', { error: `stack is in ${existing!.status}: fix it in the console or delete it, then deploy again` });

    const type = state === 'missing' || state === 'review' ? 'CREATE' : 'UPDATE';
    const parameters = await resolveParameters(node, byId, outputs, deps);
    const body = await (options.readTemplate ?? ((p) => readFile(resolve(p), 'utf8')))(node.template);
    const changeSetName = `cafe-ops-${deps.clock.now()}`;
    const templateSource = await templateInput(body, node, outputs, deps);
    const noChanges = async () => {
      deps.out.progress(`${label}: no changes`);
      outputs.set(node.id, existing?.outputs ?? {});
      await protect(cfn, node.stackName, options, deps);
      return finish('no changes', existing?.outputs ?? {});
    };
    // After a successful deploy (or none needed), the stack's hooks; a failed hook fails the stack.
    const finish = async (result: NodeResult, stackOutputs: Record<string, string>, extra: Partial<NodeReport> = {}) => {
      if (node.after.length === 0) return report(result, extra);
      const hooks = deps.hooks
        ? await runHooks(node, stackOutputs, (params) => resolveValues(node, params, byId, outputs, deps), deps.hooks, deps.out)
        : node.after.map((hook) => ({ hook: hookName(hook), ok: false, detail: 'no hook runner configured' }));
      const failure = hooks.find((h) => !h.ok);
      if (failure) {
        outputs.delete(node.id);
        return report('failed', { ...extra, hooks, error: `after deploy: ${failure.hook}: ${failure.detail}` });
      }
      for (const h of hooks) deps.out.progress(`${label}: ${h.hook}: ${h.detail}`);
      return report(result, { ...extra, hooks });
    };
    try {
      await cfn.createChangeSet({
        stackName: node.stackName, changeSetName, type, ...templateSource, parameters, tags: options.tags, ...(options.roleArn ? { roleArn: options.roleArn } : {}),
      });
    } catch (error) {
      // Some implementations refuse an empty change set outright instead of failing it.
      if (isNoChangeReason(errorMessage(error))) return await noChanges();
      throw error;
    }
    const changeSet = await waitForChangeSet(cfn, node.stackName, changeSetName, deps, options);
    if (changeSet.status === 'FAILED') {
      if (isNoChangeReason(changeSet.statusReason)) {
        await cfn.deleteChangeSet(node.stackName, changeSetName);
        return await noChanges();
      }
      return report('failed', { error: `change set failed: ${changeSet.statusReason ?? 'no reason given'}` });
    }
    const changes = changeSet.changes;
    showChanges(label, type, changes, deps.out);
    const stateful = new Set([...STATEFUL_TYPES, ...(options.statefulTypes ?? [])]);
    const dangerous = changes.filter((c) => stateful.has(c.type) && (c.action === 'Remove' || (c.action === 'Modify' && c.replacement === 'True')));
    if (options.noExecute) {
      if (type === 'UPDATE') outputs.set(node.id, existing?.outputs ?? {});
      deps.out.progress(`${label}: change set ${changeSetName} kept for review`);
      return report('change set kept', { changes });
    }
    if (dangerous.length > 0 && !options.allowReplacement) {
      const list = dangerous.map((c) => `${c.logicalId} (${c.type}, ${c.action === 'Remove' ? 'removed' : 'replaced'})`).join(', ');
      let ok = false;
      try {
        ok = await deps.out.confirm(`${label} would replace or remove stateful resources: ${list}. Data may be lost. Proceed?`);
      } catch {
        ok = false;
      }
      if (!ok) {
        await cfn.deleteChangeSet(node.stackName, changeSetName);
        return report('declined', { changes, error: `stateful resources would be replaced or removed: ${list}; pass --allow-replacement to allow it` });
      }
    }
    if (!(await deps.out.confirm(`Execute the change set for ${label}?`, { assumeYes: options.yes ?? false, default: true }))) {
      await cfn.deleteChangeSet(node.stackName, changeSetName);
      return report('declined', { changes });
    }
    const executedAt = deps.clock.now();
    if (dangerous.length > 0) await cfn.setStackPolicy(node.stackName, ALLOW_ALL_POLICY);
    await cfn.executeChangeSet(node.stackName, changeSetName);
    inFlight.add(label);
    const final = await waitForStack(cfn, node.stackName, deps, options, executedAt, label);
    inFlight.delete(label);
    const finalState = stackState(final?.status);
    if (finalState !== 'complete' || final?.status?.includes('ROLLBACK')) {
      const events = await cfn.stackEvents(node.stackName, executedAt);
      return report('failed', { changes, rootCause: rootCause(events, executedAt), error: `stack ended in ${final?.status ?? 'DELETE_COMPLETE'}` });
    }
    outputs.set(node.id, final!.outputs);
    await protect(cfn, node.stackName, options, deps);
    deps.out.progress(`${label}: ${final!.status}`);
    return await finish(type === 'CREATE' ? 'created' : 'updated', final!.outputs, { changes });
  } catch (error) {
    if (error instanceof Interrupted) return report('failed', { error: 'interrupted' });
    // A confirmation that could not be asked (no terminal) declines; other user-fixable problems fail.
    if (error instanceof UserError && error.message.startsWith('confirmation needed')) return report('declined', { error: `${error.message} (${error.hint ?? 'rerun with --yes'})` });
    return report('failed', { error: errorMessage(translateAwsError(error)) });
  }
}

const ALLOW_ALL_POLICY = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] });

/**
 * Stack policy and termination protection, after every successful deploy. The stack itself is
 * already deployed, so a failure here (e.g. an emulator without the API) is a warning, not a failure.
 */
async function protect(cfn: CloudFormationPort, stackName: string, options: DeployOptions, deps: DeployDeps): Promise<void> {
  const steps: [string, () => Promise<void>][] = [
    ['set the stack policy', () => cfn.setStackPolicy(stackName, statefulStackPolicy(new Set([...STATEFUL_TYPES, ...(options.statefulTypes ?? [])])))],
    ['turn on termination protection', () => cfn.enableTerminationProtection(stackName)],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      deps.out.warn(`${stackName}: could not ${what}: ${errorMessage(translateAwsError(error)).split('\n')[0]}`);
    }
  }
}

async function resolveParameters(
  node: PlannedStack,
  byId: Map<string, PlannedStack>,
  outputs: Map<string, Record<string, string>>,
  deps: DeployDeps,
): Promise<Record<string, string>> {
  return resolveValues(node, node.parameters, byId, outputs, deps);
}

/** Values of planned parameters: known ones as planned, outputs read, artifacts published. */
async function resolveValues(
  node: PlannedStack,
  parameters: PlannedParameter[],
  byId: Map<string, PlannedStack>,
  outputs: Map<string, Record<string, string>>,
  deps: DeployDeps,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const p of parameters) {
    if (p.value !== undefined) {
      values[p.name] = p.value;
      continue;
    }
    const source = p.source;
    if (typeof source === 'object' && 'output' in source) {
      const [stack, name] = source.output.split('.') as [string, string];
      const producerId = `${stack}@${source.from ?? node.role}`;
      const produced = await outputsOf(producerId, byId, outputs, node, deps);
      const value = produced[name];
      if (value === undefined) throw new UserError(`${node.stackName}: parameter ${p.name} needs output ${name} of ${producerId}, which does not have it`);
      values[p.name] = value;
    } else if (typeof source === 'object' && 'artifact' in source) {
      if (!deps.artifacts) throw new UserError(`${node.stackName}: parameter ${p.name} needs artifact ${source.artifact}, but no artifact store is configured`);
      const bucket = (await outputsOf(`bootstrap@${node.role}`, byId, outputs, node, deps)).ArtifactsBucketName;
      if (!bucket) throw new UserError(`${node.stackName}: artifact ${source.artifact} needs the bootstrap stack's ArtifactsBucketName in ${node.region}`);
      values[p.name] = await deps.artifacts.publish(source.artifact, node.region, bucket);
    }
  }
  return values;
}

/** Outputs of a producer: deployed in this run, or read from the stack in its region. */
async function outputsOf(
  id: string,
  byId: Map<string, PlannedStack>,
  outputs: Map<string, Record<string, string>>,
  consumer: PlannedStack,
  deps: DeployDeps,
): Promise<Record<string, string>> {
  const known = outputs.get(id);
  if (known) return known;
  const [stack, role] = id.split('@') as [string, string];
  const producer = byId.get(id);
  const stackName = producer?.stackName ?? consumer.stackName.replace(new RegExp(`${consumer.stack}$`), stack);
  const region = producer?.region ?? regionFor(role, consumer, byId);
  const info = await deps.cloudFormation(region).describeStack(stackName);
  if (!info || stackState(info.status) !== 'complete') {
    throw new UserError(`${consumer.stackName} needs ${stackName} in ${region}, which is ${info ? info.status : 'not deployed'}`, `deploy it first: cafe-ops deploy --stack ${stack}`);
  }
  outputs.set(id, info.outputs);
  return info.outputs;
}

function regionFor(role: string, consumer: PlannedStack, byId: Map<string, PlannedStack>): string {
  for (const n of byId.values()) if (n.role === role) return n.region;
  if (role === 'edge') return 'us-east-1';
  throw new UserError(`${consumer.stackName}: cannot tell the region of the ${role} role; deploy without --region`);
}

async function templateInput(body: string, node: PlannedStack, outputs: Map<string, Record<string, string>>, deps: DeployDeps) {
  if (Buffer.byteLength(body) <= TEMPLATE_BODY_LIMIT) return { templateBody: body };
  const bucket = outputs.get(`bootstrap@${node.role}`)?.ArtifactsBucketName;
  if (!bucket || !deps.artifacts?.publishTemplate) {
    throw new UserError(`${node.template} is over 51,200 bytes and needs the bootstrap stack's artifacts bucket in ${node.region}`);
  }
  return { templateUrl: await deps.artifacts.publishTemplate(body, node.region, bucket) };
}

function showChanges(label: string, type: string, changes: ResourceChange[], out: Output): void {
  out.info(`${label}: ${type === 'CREATE' ? 'new stack' : 'update'}, ${changes.length} change${changes.length === 1 ? '' : 's'}`);
  const sign = (c: ResourceChange) => (c.action === 'Add' ? '+' : c.action === 'Remove' ? '-' : '~');
  for (const c of changes) {
    const replace = c.replacement === 'True' ? '  REPLACEMENT' : c.replacement === 'Conditional' ? '  may be replaced' : '';
    out.info(`  ${sign(c)} ${c.logicalId}  ${c.type}${replace}`);
  }
}

/** Polls with backoff until the stack leaves *_IN_PROGRESS; prints new events when a label is given. */
async function waitForStack(cfn: CloudFormationPort, name: string, deps: DeployDeps, options: DeployOptions, since?: number, label?: string) {
  const { first, max } = options.pollMs ?? { first: 1000, max: 10_000 };
  let delay = first;
  const seen = new Set<string>();
  while (true) {
    if (options.signal?.aborted) throw new Interrupted();
    const info = await cfn.describeStack(name);
    if (label && since !== undefined) {
      const events = await cfn.stackEvents(name, since);
      for (const e of [...events].reverse()) {
        if (seen.has(e.id) || e.timestamp < since) continue;
        seen.add(e.id);
        if (e.logicalId !== name) deps.out.progress(`${label}: ${e.logicalId} ${e.status}${e.reason ? ` — ${e.reason}` : ''}`);
      }
    }
    if (!info || stackState(info.status) !== 'in-progress') return info;
    await deps.clock.sleep(delay);
    delay = Math.min(max, delay * 2);
  }
}

async function waitForChangeSet(cfn: CloudFormationPort, stackName: string, changeSetName: string, deps: DeployDeps, options: DeployOptions) {
  let delay = Math.min(options.pollMs?.first ?? 1000, 1000);
  while (true) {
    if (options.signal?.aborted) throw new Interrupted();
    const info = await cfn.describeChangeSet(stackName, changeSetName);
    if (info.status === 'CREATE_COMPLETE' || info.status === 'FAILED') return info;
    await deps.clock.sleep(delay);
    delay = Math.min(5000, delay * 2);
  }
}

/** The first resource that failed after `since` (CloudFormation's cancellations are consequences, not causes). */
export function rootCause(events: StackEvent[], since: number): NodeReport['rootCause'] {
  const failures = events
    .filter((e) => e.timestamp >= since && e.status.endsWith('_FAILED') && !/cancelled/i.test(e.reason ?? ''))
    .sort((a, b) => a.timestamp - b.timestamp);
  const first = failures.find((e) => e.type !== 'AWS::CloudFormation::Stack') ?? failures[0];
  return first ? { logicalId: first.logicalId, type: first.type, reason: first.reason ?? 'no reason given' } : undefined;
}
