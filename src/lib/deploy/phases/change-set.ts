/**
 * Phase 2, change set: read the template, resolve the parameters, create the change set and wait
 * for it. An empty change set is deleted and reported as "no changes" (as the CDK toolkit does).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError, errorMessage } from '../../errors';
import type { Output } from '../../ui/output';
import { serializeTemplate } from '../../templates/serialize';
import { resolveValues } from '../parameters';
import type { ResourceChange } from '../ports';
import { isNoChangeReason, type StackState } from '../status';
import { waitForChangeSet } from '../waiters';
import type { Outcome, StackRun } from './context';

const TEMPLATE_BODY_LIMIT = 51_200;

export type Prepared =
  | { kind: 'no changes' }
  | ChangeSetReady;

export interface ChangeSetReady {
  kind: 'ready';
  type: 'CREATE' | 'UPDATE';
  changeSetName: string;
  changes: ResourceChange[];
  /** The stack's unique id from CreateChangeSet: a failed new stack is deleted and then answers only to it. */
  stackId?: string;
}

export async function prepareChangeSet(run: StackRun, state: StackState): Promise<Prepared | Outcome> {
  const { cfn, node, label, deps, options } = run;
  const type = state === 'missing' || state === 'review' ? 'CREATE' : 'UPDATE';
  const parameters = await resolveValues(node, node.parameters, run.byId, run.outputs, deps);
  const source = await (options.readTemplate ?? ((p) => readFile(resolve(p), 'utf8')))(node.template);
  // What CloudFormation accepts: no YAML aliases, API deployments that follow their API (serialize.ts).
  const body = serializeTemplate(source, node.template).body;
  const changeSetName = `cafe-ops-${deps.clock.now()}`;
  const templateSource = await templateInput(body, run);
  let stackId: string | undefined;
  try {
    ({ stackId } = await cfn.createChangeSet({
      stackName: node.stackName, changeSetName, type, ...templateSource, parameters, tags: options.tags, ...(options.roleArn ? { roleArn: options.roleArn } : {}),
    }));
  } catch (error) {
    // Some implementations refuse an empty change set outright instead of failing it.
    if (isNoChangeReason(errorMessage(error))) return { kind: 'no changes' };
    throw error;
  }
  const changeSet = await waitForChangeSet(cfn, node.stackName, changeSetName, run.wait);
  if (changeSet.status === 'FAILED') {
    if (isNoChangeReason(changeSet.statusReason)) {
      await cfn.deleteChangeSet(node.stackName, changeSetName);
      return { kind: 'no changes' };
    }
    return { result: 'failed', error: `change set failed: ${changeSet.statusReason ?? 'no reason given'}` };
  }
  showChanges(label, type, changeSet.changes, deps.out);
  return { kind: 'ready', type, changeSetName, changes: changeSet.changes, ...(stackId ? { stackId } : {}) };
}

/** The body inline when it fits TemplateBody, else uploaded to the region's artifacts bucket. */
async function templateInput(body: string, run: StackRun) {
  const { node, deps } = run;
  if (Buffer.byteLength(body) <= TEMPLATE_BODY_LIMIT) return { templateBody: body };
  const bucket = run.outputs.get(`bootstrap@${node.role}`)?.ArtifactsBucketName;
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
