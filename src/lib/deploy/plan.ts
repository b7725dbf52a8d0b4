/**
 * The deployment plan: which stack instances, in which regions and waves, with which parameters.
 * Built offline from the catalog and the environment; output values are filled in at deploy time.
 */
import { relative, resolve } from 'node:path';
import type { ResolvedEnvironment } from '../config/load';
import { sizeValue } from '../config/knobs';
import { UserError } from '../errors';
import { regionOf, sourceFor, stackName, type Catalog, type HookSpec, type ParameterSource, type Role } from '../stacks/catalog';
import { buildGraph, selectWithDependencies, waves, type Graph } from '../stacks/graph';

export interface PlannedParameter {
  name: string;
  /** Known before deploy (literal, config, context); undefined for outputs and artifacts. */
  value?: string;
  /** Where the value comes from, for people: `config sizes.natGateways`, `data@primary.GlobalClusterIdentifier`. */
  from: string;
  source: ParameterSource;
}

export interface PlannedStack {
  id: string;
  stack: string;
  role: Role;
  region: string;
  stackName: string;
  /** Template path relative to the working directory. */
  template: string;
  dependsOn: string[];
  parameters: PlannedParameter[];
  /** Work after the stack deploys here (function invocations, site publishing). */
  after: PlannedHook[];
  /** false: deployed with the caller's credentials, never through the environment's cloudFormationRole. */
  serviceRole?: boolean;
}

export type PlannedHook =
  | { kind: 'invoke'; function: string; description?: string; payload: Record<string, unknown> }
  | { kind: 'site'; bucket: string; distribution: string; config: PlannedParameter[] }
  | { kind: 'blocklist'; place: Role };

export interface DeployPlan {
  environment: string;
  regions: { primary: string; secondary: string; edge: string };
  waves: PlannedStack[][];
  graph: Graph;
}

export interface PlanOptions {
  /** Only these stacks and what they need. */
  stacks?: string[];
  /** Only the stack instances in this AWS region (their dependencies elsewhere are assumed deployed). */
  region?: string;
}

export function buildPlan(catalog: Catalog, env: ResolvedEnvironment, options: PlanOptions = {}): DeployPlan {
  const graph = buildGraph(catalog);
  let selected = options.stacks?.length ? selectWithDependencies(graph, options.stacks, catalog) : new Set(graph.nodes.keys());
  if (options.region) {
    const regions = new Set([env.primaryRegion, env.secondaryRegion, regionOf('edge', env)]);
    if (!regions.has(options.region)) {
      throw new UserError(`--region ${options.region} is not a region of environment ${env.name} (its regions: ${[...regions].join(', ')})`);
    }
    selected = new Set([...selected].filter((id) => regionOf(graph.nodes.get(id)!.role, env) === options.region));
  }
  const planned = waves(graph, selected).map((wave) =>
    wave.map((id): PlannedStack => {
      const node = graph.nodes.get(id)!;
      const spec = catalog.stacks[node.stack]!;
      return {
        id,
        stack: node.stack,
        role: node.role,
        region: regionOf(node.role, env),
        stackName: stackName(env.project, env.name, node.stack),
        template: relative(process.cwd(), resolve(catalog.root, spec.template)) || spec.template,
        dependsOn: node.dependsOn.filter((d) => selected.has(d)),
        parameters: Object.entries(spec.parameters).flatMap(([name, value]) => {
          const source = sourceFor(value, node.role);
          return source === undefined ? [] : [planParameter(name, source, node.role, env)];
        }),
        after: spec.after.flatMap((hook) => planHook(hook, node.role, env)),
        ...(spec.serviceRole === false ? { serviceRole: false } : {}),
      };
    }),
  );
  return { environment: env.name, regions: { primary: env.primaryRegion, secondary: env.secondaryRegion, edge: regionOf('edge', env) }, waves: planned, graph };
}

function planHook(hook: HookSpec, role: Role, env: ResolvedEnvironment): PlannedHook[] {
  if ('invoke' in hook) {
    const { function: fn, description, roles, payload } = hook.invoke;
    if (roles && !roles.includes(role)) return [];
    return [{ kind: 'invoke', function: fn, ...(description ? { description } : {}), payload }];
  }
  if ('blocklist' in hook) return [{ kind: 'blocklist', place: role }];
  const { bucket, distribution, config } = hook.site;
  return [{ kind: 'site', bucket, distribution, config: Object.entries(config).map(([name, source]) => planParameter(name, source, role, env)) }];
}

function planParameter(name: string, source: ParameterSource, role: Role, env: ResolvedEnvironment): PlannedParameter {
  if (typeof source !== 'object') return { name, value: String(source), from: 'literal', source };
  if ('config' in source) return { name, value: String(configValue(source.config, role, env)), from: `config ${source.config}`, source };
  if ('context' in source) return { name, value: contextValue(source.context, role, env), from: `context ${source.context}`, source };
  if ('output' in source) {
    const [stack, output] = source.output.split('.') as [string, string];
    return { name, from: `${stack}@${source.from ?? role}.${output}`, source };
  }
  return { name, from: `artifact ${source.artifact}`, source };
}

/** A value of the environment's sizes, e.g. `sizes.natGateways` in this role's region (knobs left out take their defaults). */
export function configValue(path: string, role: Role, env: ResolvedEnvironment): string | number | boolean {
  return sizeValue(env.sizes, path, env.name, role);
}

export function contextValue(key: string, role: Role, env: ResolvedEnvironment): string {
  switch (key) {
    case 'environment':
      return env.name;
    case 'role':
      return role;
    case 'region':
      return regionOf(role, env);
    case 'githubOidcProviderArn':
      return env.existing?.githubOidcProvider ?? '';
    case 'configServiceLinkedRole':
      return env.existing?.configServiceLinkedRole ? 'exists' : 'create';
    case 'githubRepository':
      if (!env.githubRepository) throw new UserError('the catalog needs githubRepository in cafe-ops.yml');
      return env.githubRepository;
    default: {
      const value = (env as unknown as Record<string, unknown>)[key];
      if (value === undefined) throw new UserError(`unknown context value "${key}"`);
      return String(value);
    }
  }
}
