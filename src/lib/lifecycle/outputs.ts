/** `cafe-ops outputs`: every stack instance's outputs, read from DescribeStacks. */
import type { PlannedStack } from '../deploy/plan';
import type { LifecycleDeps } from './ports';

export interface StackOutputs {
  stackName: string;
  region: string;
  deployed: boolean;
  outputs: Record<string, string>;
}

export interface OutputsReport {
  environment: string;
  /** By stack instance id (`stack@role`), in dependency order. */
  stacks: Record<string, StackOutputs>;
}

export async function stackOutputs(instances: PlannedStack[], environment: string, deps: LifecycleDeps): Promise<OutputsReport> {
  const rows = await Promise.all(
    instances.map(async (node) => {
      const stack = await deps.cloudFormation(node.region).describeStack(node.stackName);
      const deployed = stack !== undefined && stack.status !== 'DELETE_COMPLETE';
      return [node.id, { stackName: node.stackName, region: node.region, deployed, outputs: deployed ? stack.outputs : {} }] as const;
    }),
  );
  return { environment, stacks: Object.fromEntries(rows) };
}

export function renderOutputs(report: OutputsReport, out: LifecycleDeps['out']): void {
  const rows: string[][] = [];
  for (const s of Object.values(report.stacks)) {
    if (!s.deployed) rows.push([s.stackName, s.region, '(not deployed)', '']);
    for (const [key, value] of Object.entries(s.outputs).sort(([a], [b]) => a.localeCompare(b))) rows.push([s.stackName, s.region, key, value]);
  }
  out.table(['stack', 'region', 'output', 'value'], rows);
}
