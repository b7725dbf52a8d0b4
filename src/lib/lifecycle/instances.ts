/** The stack instances the lifecycle commands look at, from the catalog and the environment (offline). */
import type { ResolvedEnvironment } from '../config/load';
import { buildPlan, type DeployPlan, type PlannedStack } from '../deploy/plan';
import { UserError } from '../errors';
import type { Catalog } from '../stacks/catalog';

export interface InstanceSelection {
  /** Only these stacks (every region of each); their dependencies are not added. */
  stacks?: string[];
  /** Only the stack instances in this region. */
  region?: string;
}

export interface Instances {
  plan: DeployPlan;
  /** In dependency order: a stack after the stacks whose outputs it takes. */
  instances: PlannedStack[];
}

export function selectInstances(catalog: Catalog, env: ResolvedEnvironment, selection: InstanceSelection = {}): Instances {
  const known = Object.keys(catalog.stacks);
  for (const name of selection.stacks ?? []) {
    if (!known.includes(name)) throw new UserError(`unknown stack "${name}" (known: ${known.join(', ')})`);
  }
  const plan = buildPlan(catalog, env, selection.region ? { region: selection.region } : {});
  const byId = new Map(plan.waves.flat().map((n) => [n.id, n]));
  const wanted = selection.stacks?.length ? new Set(selection.stacks) : undefined;
  const instances = plan.graph.order.map((id) => byId.get(id)).filter((n): n is PlannedStack => n !== undefined && (!wanted || wanted.has(n.stack)));
  return { plan, instances };
}

/** The tags deploy puts on every stack (src/lib/deploy/service.ts). */
export function stackTags(env: ResolvedEnvironment): Record<string, string> {
  return { Project: env.project, Environment: env.name, CostCenter: env.costCenter };
}
