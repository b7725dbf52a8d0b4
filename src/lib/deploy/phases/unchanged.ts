/**
 * Whether a stack instance's inputs equal what is deployed, so that no change set is needed: the
 * template body as submitted, the parameters, the stack tags, the service role and the stack policy.
 * Two calls on top of the DescribeStacks recover made: GetTemplate and GetStackPolicy, in parallel.
 *
 * - GetTemplate with TemplateStage=Original returns "the user-submitted template"; our body is the
 *   serialized one (serialize.ts), so equal sources give equal bodies
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html).
 * - A parameter an update leaves out takes the template's Default
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html), so a deployed
 *   value is compared with what we pass, else the Default. NoEcho values are masked by DescribeStacks
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html): such a
 *   stack is never "same".
 * - GetStackPolicy returns null for a stack without a policy
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetStackPolicy.html).
 * Only a stack in CREATE_COMPLETE or UPDATE_COMPLETE is compared: after a rollback, create a change set.
 */
import type { StackInfo } from '../ports';
import { statefulStackPolicy } from '../status';
import { parameterValue, serviceRole } from './change-set';
import type { StackRun } from './context';

export type Comparison = { same: true; policyInPlace: boolean } | { same: false; why: string };

export async function compareDeployed(
  run: StackRun,
  existing: StackInfo,
  wanted: { body: string; parameters: Record<string, string>; source: string },
): Promise<Comparison> {
  if (existing.status !== 'CREATE_COMPLETE' && existing.status !== 'UPDATE_COMPLETE') return { same: false, why: `stack is ${existing.status}` };
  if (!existing.parameters || !existing.tags) return { same: false, why: 'the deployed parameters and tags are not known' };
  const masked = existing.maskedParameters ?? [];
  if (masked.length) return { same: false, why: `NoEcho parameter ${masked.join(', ')} cannot be compared` };
  const names = new Set([...Object.keys(existing.parameters), ...Object.keys(wanted.parameters)]);
  for (const name of [...names].sort()) {
    if (existing.parameters[name] !== parameterValue(name, wanted.parameters, wanted.source)) return { same: false, why: `parameter ${name} differs` };
  }
  if (!sameMap(existing.tags, run.options.tags)) return { same: false, why: 'stack tags differ' };
  if ((existing.roleArn ?? '') !== (serviceRole(run).roleArn ?? '')) return { same: false, why: 'service role differs' };
  const stack = existing.id ?? run.node.stackName;
  const [deployed, policy] = await Promise.all([run.cfn.getTemplate(stack), run.cfn.getStackPolicy(stack)]);
  if (deployed !== wanted.body) return { same: false, why: 'template differs' };
  const policyInPlace = policy !== undefined && normalized(policy) === normalized(statefulStackPolicy(run.stateful));
  // An allow-all policy left by an interrupted --allow-replacement is a reason to look again.
  if (policy !== undefined && !policyInPlace) return { same: false, why: 'stack policy differs' };
  return { same: true, policyInPlace };
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function normalized(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}
