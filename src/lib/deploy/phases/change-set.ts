/**
 * Phase 2, change set: read the template, resolve the parameters; when they equal what is deployed
 * (unchanged.ts), report "no changes" without a change set; else create the change set and wait for
 * it. An empty change set is deleted and reported as "no changes" (as the CDK toolkit does).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError, errorMessage } from '../../errors';
import type { Output } from '../../ui/output';
import { serializeTemplate } from '../../templates/serialize';
import { outputsOf, resolveValues } from '../parameters';
import { ARTIFACTS_BUCKET_OUTPUT, ARTIFACTS_STACK } from '../../stacks/catalog';
import { nodeId } from '../../stacks/graph';
import { parseTemplate } from '../../templates/load';
import type { ResourceChange, StackInfo } from '../ports';
import { isNoChangeReason, type StackState } from '../status';
import { waitForChangeSet } from '../waiters';
import type { Outcome, StackRun } from './context';
import { compareDeployed } from './unchanged';

const TEMPLATE_BODY_LIMIT = 51_200;

export type Prepared =
  | { kind: 'no changes'; detectedBy: 'comparison' | 'change set'; policyInPlace?: boolean; terminationProtection?: boolean }
  | ChangeSetReady;

export interface ChangeSetReady {
  kind: 'ready';
  type: 'CREATE' | 'UPDATE';
  changeSetName: string;
  changes: ResourceChange[];
  /** The stack's unique id from CreateChangeSet: a failed new stack is deleted and then answers only to it. */
  stackId?: string;
  /** The change set's ARN. */
  changeSetId?: string;
  templateSha256: string;
  /** The values the change set was created with. */
  parameters: Record<string, string>;
  /** A line under the changes, e.g. the create-time values. */
  note?: string;
  /**
   * A CREATE made with the template's create-time values (Metadata cafe-ops.on-create-parameters):
   * once it succeeds, one update applies the regular values (for example, deletion protection on).
   */
  followUp?: { parameters: Record<string, string>; template: TemplateSource; changed: Record<string, string> };
}

type TemplateSource = { templateBody: string } | { templateUrl: string };

export async function prepareChangeSet(run: StackRun, state: StackState, existing?: StackInfo): Promise<Prepared | Outcome> {
  const { cfn, node, label, deps, options } = run;
  const type = state === 'missing' || state === 'review' ? 'CREATE' : 'UPDATE';
  const parameters = await resolveValues(node, node.parameters, run.byId, run.outputs, deps);
  const source = await (options.readTemplate ?? ((p) => readFile(resolve(p), 'utf8')))(node.template);
  // What CloudFormation accepts: no YAML aliases; API deployments and Lambda versions named after what they
  // snapshot, parameter values included (serialize.ts).
  const { body, hash, createParameters } = serializeTemplate(source, node.template, parameters);
  if (type === 'UPDATE' && existing && !options.force) {
    const compared = await compareDeployed(run, existing, { body, parameters, source });
    if (compared.same) return { kind: 'no changes', detectedBy: 'comparison', policyInPlace: compared.policyInPlace, terminationProtection: existing.terminationProtection === true };
    deps.out.progress(`${label}: ${compared.why}; creating a change set`);
  }
  const changeSetName = `cafe-ops-${deps.clock.now()}`;
  deps.onStackEvent?.(node.id, { phase: 'change set', status: 'creating change set' });
  const changed = type === 'CREATE' ? Object.keys(createParameters).filter((name) => parameterValue(name, parameters, source) !== createParameters[name]) : [];
  const createWith = changed.length ? { ...parameters, ...Object.fromEntries(changed.map((name) => [name, createParameters[name]!])) } : parameters;
  // The create's own values name its snapshots; the follow-up sends the body of the regular values.
  const created = changed.length ? serializeTemplate(source, node.template, createWith) : { body, hash };
  const templateSource = await templateInput(created.body, run);
  let stackId: string | undefined;
  let changeSetId: string | undefined;
  try {
    ({ stackId, changeSetId } = await cfn.createChangeSet({
      stackName: node.stackName, changeSetName, type, ...templateSource, parameters: createWith, tags: options.tags, ...serviceRole(run),
    }));
  } catch (error) {
    // Some implementations refuse an empty change set outright instead of failing it.
    if (isNoChangeReason(errorMessage(error))) return { kind: 'no changes', detectedBy: 'change set' };
    throw error;
  }
  const changeSet = await waitForChangeSet(cfn, node.stackName, changeSetName, run.wait);
  if (changeSet.status === 'FAILED') {
    if (isNoChangeReason(changeSet.statusReason)) {
      await cfn.deleteChangeSet(node.stackName, changeSetName);
      return { kind: 'no changes', detectedBy: 'change set' };
    }
    return { result: 'failed', error: `change set failed: ${changeSet.statusReason ?? 'no reason given'}` };
  }
  // The changes are shown by the gate, right above its question (one stack at a time).
  const note = changed.length ? `created with ${changed.map((n) => `${n}=${createWith[n]}`).join(', ')}; then updated to ${changed.map((n) => `${n}=${parameterValue(n, parameters, source)}`).join(', ')}` : undefined;
  return {
    kind: 'ready', type, changeSetName, changes: changeSet.changes, templateSha256: created.hash, parameters: createWith,
    ...(stackId ? { stackId } : {}), ...(changeSetId ?? changeSet.changeSetId ? { changeSetId: changeSetId ?? changeSet.changeSetId } : {}), ...(note ? { note } : {}),
    // The follow-up passes what every later deploy passes, so the next deploy finds nothing to change; a parameter
    // left out of an update takes the template's Default (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html).
    ...(changed.length ? { followUp: { parameters, template: created.body === body ? templateSource : await templateInput(body, run), changed: Object.fromEntries(changed.map((n) => [n, parameterValue(n, parameters, source) ?? ''])) } } : {}),
  };
}

/** The service role CloudFormation acts through, unless the stack is deployed with the caller's own credentials. */
export function serviceRole(run: StackRun): { roleArn?: string } {
  return run.options.roleArn && run.node.serviceRole !== false ? { roleArn: run.options.roleArn } : {};
}

/** A parameter's regular value: passed by the catalog, else the template's Default. */
export function parameterValue(name: string, parameters: Record<string, string>, source: string): string | undefined {
  if (name in parameters) return parameters[name];
  const declared = parseTemplate(source, 'template').template.Parameters?.[name];
  return declared?.Default === undefined ? undefined : String(declared.Default);
}

/** The body inline when it fits TemplateBody, else uploaded to the region's artifacts bucket. */
async function templateInput(body: string, run: StackRun): Promise<TemplateSource> {
  const { node, deps } = run;
  if (Buffer.byteLength(body) <= TEMPLATE_BODY_LIMIT) return { templateBody: body };
  const bucket = (await outputsOf(nodeId(ARTIFACTS_STACK, node.role), run.byId, run.outputs, node, deps))[ARTIFACTS_BUCKET_OUTPUT];
  if (!bucket || !deps.artifacts?.publishTemplate) {
    throw new UserError(`${node.template} is over 51,200 bytes and needs the bootstrap stack's artifacts bucket in ${node.region}`);
  }
  return { templateUrl: await deps.artifacts.publishTemplate(body, node.region, bucket) };
}

export function showChanges(label: string, type: string, changes: ResourceChange[], out: Output): void {
  out.info(`${label}: ${type === 'CREATE' ? 'new stack' : 'update'}, ${changes.length} change${changes.length === 1 ? '' : 's'}`);
  const sign = (c: ResourceChange) => (c.action === 'Add' ? '+' : c.action === 'Remove' ? '-' : '~');
  for (const c of changes) {
    const replace = c.replacement === 'True' ? '  REPLACEMENT' : c.replacement === 'Conditional' ? '  may be replaced' : '';
    out.info(`  ${sign(c)} ${c.logicalId}  ${c.type}${replace}`);
  }
}
