/** Values a stack deployment needs from elsewhere: parameters from other stacks' outputs, artifacts. */
import { UserError } from '../errors';
import { ARTIFACTS_BUCKET_OUTPUT, ARTIFACTS_STACK } from '../stacks/catalog';
import { nodeId } from '../stacks/graph';
import type { PlannedParameter, PlannedStack } from './plan';
import { stackState } from './status';
import type { DeployDeps } from './types';

/** Outputs known so far in this run, by node id (`stack@role`). */
export type OutputsById = Map<string, Record<string, string>>;

/** Values of planned parameters: known ones as planned, outputs read, artifacts published. */
export async function resolveValues(
  node: PlannedStack,
  parameters: PlannedParameter[],
  byId: Map<string, PlannedStack>,
  outputs: OutputsById,
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
      const bucket = (await outputsOf(nodeId(ARTIFACTS_STACK, node.role), byId, outputs, node, deps))[ARTIFACTS_BUCKET_OUTPUT];
      if (!bucket) throw new UserError(`${node.stackName}: artifact ${source.artifact} needs the ${ARTIFACTS_STACK} stack's ${ARTIFACTS_BUCKET_OUTPUT} in ${node.region}`);
      values[p.name] = await deps.artifacts.publish(source.artifact, node.region, bucket);
    }
  }
  return values;
}

/** Outputs of a producer: deployed in this run, or read from the stack in its region. */
export async function outputsOf(id: string, byId: Map<string, PlannedStack>, outputs: OutputsById, consumer: PlannedStack, deps: DeployDeps): Promise<Record<string, string>> {
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
