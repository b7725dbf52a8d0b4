/**
 * `cafe-ops status`: for every stack instance its status, last update, drift status, termination
 * protection, stack policy and the change set waiting for review, if any.
 *
 * Drift: DescribeStacks carries the last known DriftInformation
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackDriftInformation.html).
 * Detection is asynchronous — DetectStackDrift starts it and DescribeStackDriftDetectionStatus tells
 * when it is done (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html) —
 * so `--detect-drift` starts one per stack and waits, bounded.
 */
import type { PlannedStack } from '../deploy/plan';
import { errorMessage } from '../errors';
import { pollUntil, PollTimedOut } from '../poll';
import type { ChangeSetSummary, DeployedStack, LifecycleDeps, LifecyclePort } from './ports';

export interface StackStatus {
  id: string;
  stackName: string;
  region: string;
  /** The CloudFormation stack status, or NOT_DEPLOYED. */
  status: string;
  statusReason?: string;
  lastUpdated?: string;
  drift?: { status: string; lastChecked?: string; detectedNow?: boolean; reason?: string };
  terminationProtection?: boolean;
  /** present: the stack has a policy; statefulDeny: it denies replacing and deleting stateful resources (as deploy sets it). */
  stackPolicy?: { present: boolean; statefulDeny: boolean };
  /** Change sets that can be executed (ExecutionStatus AVAILABLE): waiting for review. */
  changeSetsInReview: ChangeSetSummary[];
  error?: string;
}

export interface StatusReport {
  environment: string;
  stacks: StackStatus[];
}

export interface StatusOptions {
  environment: string;
  detectDrift: boolean;
  /** Upper bound of the wait for drift detection, per stack (ms). */
  driftTimeoutMs: number;
}

export const NOT_DEPLOYED = 'NOT_DEPLOYED';

export async function stackStatuses(instances: PlannedStack[], options: StatusOptions, deps: LifecycleDeps): Promise<StatusReport> {
  const stacks = await Promise.all(
    instances.map(async (node): Promise<StackStatus> => {
      const base = { id: node.id, stackName: node.stackName, region: node.region, changeSetsInReview: [] as ChangeSetSummary[] };
      const cfn = deps.cloudFormation(node.region);
      try {
        const stack = await cfn.describeStack(node.stackName);
        if (!stack || stack.status === 'DELETE_COMPLETE') return { ...base, status: NOT_DEPLOYED };
        const [policy, changeSets, drift] = await Promise.all([
          cfn.getStackPolicy(stack.name),
          cfn.listChangeSets(stack.name),
          options.detectDrift ? detect(cfn, stack, options, deps) : Promise.resolve(stack.drift),
        ]);
        return {
          ...base,
          status: stack.status,
          ...(stack.statusReason ? { statusReason: stack.statusReason } : {}),
          ...(stack.lastUpdated ? { lastUpdated: stack.lastUpdated } : {}),
          drift,
          terminationProtection: stack.terminationProtection,
          stackPolicy: { present: policy !== undefined, statefulDeny: policy !== undefined && hasStatefulDeny(policy) },
          changeSetsInReview: changeSets.filter((c) => c.executionStatus === 'AVAILABLE'),
        };
      } catch (error) {
        return { ...base, status: 'UNKNOWN', error: errorMessage(error) };
      }
    }),
  );
  return { environment: options.environment, stacks };
}

async function detect(cfn: LifecyclePort, stack: DeployedStack, options: StatusOptions, deps: LifecycleDeps): Promise<NonNullable<StackStatus['drift']>> {
  try {
    const id = await cfn.detectDrift(stack.name);
    const answer = await pollUntil(() => cfn.driftDetectionStatus(id), (a) => a.status !== 'DETECTION_IN_PROGRESS', {
      clock: deps.clock,
      firstMs: 2_000,
      maxMs: 15_000,
      timeoutMs: options.driftTimeoutMs,
      what: `drift detection of ${stack.name}`,
    });
    const checked = new Date(deps.clock.now()).toISOString();
    if (answer.status === 'DETECTION_COMPLETE') return { status: answer.driftStatus ?? 'UNKNOWN', lastChecked: checked, detectedNow: true };
    // A failed detection still reports what it could check (StackDriftStatus) and why it failed.
    return { status: answer.driftStatus ?? 'UNKNOWN', lastChecked: checked, detectedNow: true, reason: answer.reason ?? answer.status };
  } catch (error) {
    const reason = error instanceof PollTimedOut ? `${error.message}; it goes on in AWS` : errorMessage(error);
    return { ...stack.drift, reason };
  }
}

/** A statement denying Update:Replace or Update:Delete (what deploy's stateful stack policy holds). */
export function hasStatefulDeny(policy: string): boolean {
  try {
    const doc = JSON.parse(policy) as { Statement?: { Effect?: string; Action?: string | string[] }[] | { Effect?: string; Action?: string | string[] } };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements.some((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [];
      return s.Effect === 'Deny' && actions.some((a) => a === 'Update:Replace' || a === 'Update:Delete' || a === 'Update:*');
    });
  } catch {
    return false;
  }
}

export function renderStatus(report: StatusReport, out: LifecycleDeps['out']): void {
  out.table(
    ['stack', 'region', 'status', 'last update', 'drift', 'protection', 'stack policy', 'in review'],
    report.stacks.map((s) => [
      s.stackName,
      s.region,
      s.error ? `UNKNOWN (${s.error})` : s.status,
      s.lastUpdated ? s.lastUpdated.replace(/\.\d+Z$/, 'Z') : '',
      s.drift ? `${s.drift.status}${s.drift.lastChecked ? ` (${s.drift.lastChecked.slice(0, 10)})` : ''}` : '',
      s.terminationProtection === undefined ? '' : s.terminationProtection ? 'on' : 'off',
      s.stackPolicy ? (s.stackPolicy.statefulDeny ? 'stateful deny' : s.stackPolicy.present ? 'no stateful deny' : 'none') : '',
      s.changeSetsInReview.map((c) => c.name).join(', '),
    ]),
  );
  for (const s of report.stacks) {
    if (s.drift?.reason) out.warn(`${s.stackName} (${s.region}): drift detection: ${s.drift.reason}`);
    if (s.statusReason && !/complete/i.test(s.status)) out.warn(`${s.stackName} (${s.region}): ${s.statusReason}`);
  }
}
