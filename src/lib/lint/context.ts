/**
 * What a deployability rule of `cafe-ops lint` sees: the catalog as a whole. Every stack instance
 * (stack@role) with its template, the dependency graph between instances, the region each role
 * runs in, and helpers that follow a value across stacks: a parameter to the output of the stack
 * that produces it and the resource behind that output, conditions evaluated per role, and a
 * symbolic rendering of names and ARNs to compare them across regions.
 *
 * There is no environment here (lint runs offline, for every environment at once), so regions are
 * symbolic: the primary region, the secondary region, and us-east-1 for the edge.
 */
import { relative } from 'node:path';
import { EDGE_REGION, sourceFor, type Catalog, type ParameterSource, type Role, type StackSpec } from '../stacks/catalog';
import type { Graph, StackNode } from '../stacks/graph';
import type { CfnResource, LoadedTemplate } from '../templates/load';
import type { Finding } from './lint';

export type Path = (string | number)[];

/** A problem a rule found, where it is: a key path of a template, or of the catalog. */
export interface RuleFinding {
  message: string;
  template?: LoadedTemplate;
  path?: Path;
  /** A line of the template given directly (when the finding is about its source text, not a key). */
  line?: number;
  /** Overrides the rule's level for this finding. */
  level?: Finding['level'];
}

export interface DeployRule {
  /** Stable id, also the rule's file name under rules/. */
  id: string;
  title: string;
  level: Finding['level'];
  /** The AWS documentation the rule relies on. */
  docs: string[];
  check(ctx: DeployContext): RuleFinding[];
}

/** One stack of the catalog in one role. */
export interface StackInstance {
  /** `stack@role`, as in the graph. */
  id: string;
  stack: string;
  role: Role;
  /** Symbolic region: `primary`, `secondary` or `us-east-1`. */
  region: string;
  spec: StackSpec;
  template: LoadedTemplate;
  node: StackNode;
}

/** A resource a value points at, in the instance that holds it. */
export interface ResourceTarget {
  instance: StackInstance;
  id: string;
  resource: CfnResource;
  attribute?: string;
}

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Markers of the symbolic parts of a rendered value (never part of a real template string). */
const OPEN = '\u27e8';
const CLOSE = '\u27e9';
const token = (text: string) => `${OPEN}${text}${CLOSE}`;
export const regionToken = (region: string) => (region === EDGE_REGION ? EDGE_REGION : token(`region=${region}`));

export class DeployContext {
  readonly instances: StackInstance[];
  private readonly byId = new Map<string, StackInstance>();
  private readonly closure = new Map<string, Set<string>>();
  /** The catalog file, as findings name it. */
  readonly catalogFile: string;

  constructor(
    readonly catalog: Catalog,
    /** Loaded templates by catalog stack name. */
    readonly templates: Map<string, LoadedTemplate>,
    readonly graph: Graph,
  ) {
    this.catalogFile = relative(process.cwd(), catalog.file) || catalog.file;
    this.instances = [];
    for (const id of graph.order) {
      const node = graph.nodes.get(id)!;
      const template = templates.get(node.stack);
      const spec = catalog.stacks[node.stack];
      if (!template || !spec) continue;
      const instance: StackInstance = { id, stack: node.stack, role: node.role, region: DeployContext.regionOf(node.role), spec, template, node };
      this.instances.push(instance);
      this.byId.set(id, instance);
    }
  }

  /** The (symbolic) region a role runs in. */
  static regionOf(role: Role): string {
    return role === 'edge' ? EDGE_REGION : role;
  }

  instance(id: string): StackInstance | undefined {
    return this.byId.get(id);
  }

  /** Ids of every instance `id` needs deployed first (transitively), in the graph. */
  dependencies(id: string): Set<string> {
    const cached = this.closure.get(id);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.graph.nodes.get(id)?.dependsOn ?? [])];
    while (stack.length) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.graph.nodes.get(next)?.dependsOn ?? []));
    }
    this.closure.set(id, seen);
    return seen;
  }

  /** Whether `from` is deployed after `to` (a dependency path in the graph). */
  dependsOn(from: string, to: string): boolean {
    return this.dependencies(from).has(to);
  }

  /** Where a parameter of an instance takes its value from, for its role (undefined: its default, or none). */
  parameterSource(instance: StackInstance, name: string): ParameterSource | undefined {
    const spec = instance.spec.parameters[name];
    return spec === undefined ? undefined : sourceFor(spec, instance.role);
  }

  /** The value of a named condition in an instance: true, false, or undefined when lint cannot tell. */
  condition(instance: StackInstance, name: string, seen: Set<string> = new Set()): boolean | undefined {
    if (seen.has(name)) return undefined;
    const definition = instance.template.template.Conditions?.[name];
    if (definition === undefined) return undefined;
    return this.evaluate(instance, definition, new Set([...seen, name]));
  }

  private evaluate(instance: StackInstance, value: unknown, seen: Set<string>): boolean | undefined {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    if (!isObject(value)) return undefined;
    if (typeof value.Condition === 'string') return this.condition(instance, value.Condition, seen);
    const args = (key: string) => (Array.isArray(value[key]) ? (value[key] as unknown[]) : undefined);
    const equals = args('Fn::Equals');
    if (equals && equals.length === 2) {
      const [a, b] = equals.map((v) => this.render(instance, v));
      if (a === undefined || b === undefined) return undefined;
      if (a === b) return true;
      return a.includes(OPEN) || b.includes(OPEN) ? undefined : false;
    }
    const and = args('Fn::And');
    if (and) {
      const results = and.map((v) => this.evaluate(instance, v, seen));
      return results.includes(false) ? false : results.includes(undefined) ? undefined : true;
    }
    const or = args('Fn::Or');
    if (or) {
      const results = or.map((v) => this.evaluate(instance, v, seen));
      return results.includes(true) ? true : results.includes(undefined) ? undefined : false;
    }
    const not = args('Fn::Not');
    if (not && not.length === 1) {
      const result = this.evaluate(instance, not[0], seen);
      return result === undefined ? undefined : !result;
    }
    return undefined;
  }

  /** Whether a resource is (or may be) created in an instance: its Condition is not known to be false. */
  exists(instance: StackInstance, id: string): boolean {
    const resource = instance.template.template.Resources[id];
    if (!resource) return false;
    return resource.Condition === undefined || this.condition(instance, resource.Condition) !== false;
  }

  /** Resources of an instance that are (or may be) created there. */
  resources(instance: StackInstance, type?: string | ((type: string) => boolean)): { id: string; resource: CfnResource }[] {
    return Object.entries(instance.template.template.Resources)
      .filter(([id, r]) => r && (type === undefined || (typeof type === 'string' ? r.Type === type : type(r.Type))) && this.exists(instance, id))
      .map(([id, resource]) => ({ id, resource }));
  }

  /** A value with Fn::If resolved for the instance where its condition is known (both branches otherwise). */
  branches(instance: StackInstance, value: unknown): unknown[] {
    if (isObject(value) && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3) {
      const [cond, yes, no] = value['Fn::If'] as [unknown, unknown, unknown];
      const known = typeof cond === 'string' ? this.condition(instance, cond) : undefined;
      if (known === true) return this.branches(instance, yes);
      if (known === false) return this.branches(instance, no);
      return [...this.branches(instance, yes), ...this.branches(instance, no)];
    }
    if (isObject(value) && value.Ref === 'AWS::NoValue') return [];
    return [value];
  }

  /**
   * The resources a value points at: a Ref or GetAtt in the same template, or a parameter followed
   * through the catalog to the producing stack's output and the resource behind it (recursively).
   */
  follow(instance: StackInstance, value: unknown, depth = 0): ResourceTarget[] {
    if (depth > 10) return [];
    const targets: ResourceTarget[] = [];
    for (const v of this.branches(instance, value)) {
      if (!isObject(v)) continue;
      const ref = typeof v.Ref === 'string' ? v.Ref : subReference(v['Fn::Sub']);
      const getAtt = getAttOf(v);
      if (getAtt) {
        const resource = instance.template.template.Resources[getAtt[0]];
        if (resource) targets.push({ instance, id: getAtt[0], resource, attribute: getAtt[1] });
        continue;
      }
      if (!ref) continue;
      const [name, attribute] = ref.split(/\.(.*)/s) as [string, string | undefined];
      const resource = instance.template.template.Resources[name];
      if (resource) {
        targets.push({ instance, id: name, resource, ...(attribute ? { attribute } : {}) });
        continue;
      }
      const produced = this.producer(instance, name);
      if (produced) targets.push(...this.follow(produced.instance, produced.output.Value, depth + 1));
    }
    return targets;
  }

  /** The instance and output a parameter is wired from, when the catalog takes it from an output. */
  producer(instance: StackInstance, parameter: string): { instance: StackInstance; outputName: string; output: { Value: unknown } } | undefined {
    const source = this.parameterSource(instance, parameter);
    if (!source || typeof source !== 'object' || !('output' in source)) return undefined;
    const [stack, outputName] = source.output.split('.') as [string, string];
    const producer = this.byId.get(`${stack}@${source.from ?? instance.role}`);
    const output = producer?.template.template.Outputs?.[outputName];
    if (!producer || !output) return undefined;
    return { instance: producer, outputName, output };
  }

  /**
   * A symbolic rendering of a string value in an instance, to compare names and read ARNs: literals
   * as they are, the region as ⟨region=primary⟩ (or us-east-1), other deploy-time values as ⟨...⟩
   * tokens that are equal exactly when the values are. Undefined when the value cannot be rendered.
   */
  render(instance: StackInstance, value: unknown, depth = 0): string | undefined {
    if (depth > 10) return undefined;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!isObject(value)) return undefined;
    if (typeof value.Ref === 'string') return this.renderName(instance, value.Ref, depth);
    const getAtt = getAttOf(value);
    if (getAtt) return token(`resource=${instance.id}.${getAtt.join('.')}`);
    const sub = value['Fn::Sub'];
    if (sub !== undefined) {
      const [text, vars] = typeof sub === 'string' ? [sub, {}] : Array.isArray(sub) && typeof sub[0] === 'string' ? [sub[0], isObject(sub[1]) ? sub[1] : {}] : [undefined, {}];
      if (text === undefined) return undefined;
      // A part lint cannot follow (Fn::Select ...) becomes an opaque token: the rest still tells region and service.
      return text.replace(/\$\{([^}]*)\}/g, (_all, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        const local = (vars as Obj)[name];
        const part = local !== undefined ? this.render(instance, local, depth + 1) : this.renderName(instance, name, depth);
        return part ?? this.unknown();
      });
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map((p) => this.render(instance, p, depth + 1) ?? this.unknown()).join(join[0]);
    }
    if (Array.isArray(value['Fn::If'])) {
      const options = this.branches(instance, value);
      return options.length === 1 ? this.render(instance, options[0], depth + 1) : undefined;
    }
    return undefined;
  }

  private unknowns = 0;
  /** A value lint cannot follow: a token equal to no other. */
  private unknown(): string {
    return token(`unknown=${++this.unknowns}`);
  }

  /** A `Ref` or `${Name}` rendered: pseudo parameters, parameters (through the catalog), resources. */
  private renderName(instance: StackInstance, name: string, depth: number): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return regionToken(instance.region);
      case 'AWS::AccountId':
        return token('account');
      case 'AWS::Partition':
        return token('partition');
      case 'AWS::URLSuffix':
        return token('url-suffix');
      // The stack has the same name in every region (project-environment-stack).
      case 'AWS::StackName':
        return token(`stack-name=${instance.stack}`);
      // A new id for every stack created: not fixed across a failed create and its retry.
      case 'AWS::StackId':
        return token(`stack-id=${instance.id}`);
      case 'AWS::NoValue':
        return undefined;
    }
    const [head, attribute] = name.split(/\.(.*)/s) as [string, string | undefined];
    if (instance.template.template.Resources[head]) return token(`resource=${instance.id}.${head}${attribute ? `.${attribute}` : ''}`);
    const parameter = instance.template.template.Parameters?.[name];
    if (!parameter) return undefined;
    const source = this.parameterSource(instance, name);
    if (source === undefined) return parameter.Default === undefined ? token(`parameter=${name}`) : this.render(instance, parameter.Default, depth + 1);
    if (typeof source !== 'object') return String(source);
    if ('context' in source) {
      switch (source.context) {
        case 'region':
          return regionToken(instance.region);
        case 'role':
          return instance.role;
        case 'primaryRegion':
          return regionToken('primary');
        case 'secondaryRegion':
          return regionToken('secondary');
        default:
          return token(`context=${source.context}`);
      }
    }
    if ('output' in source) {
      const produced = this.producer(instance, name);
      const value = produced ? this.render(produced.instance, produced.output.Value, depth + 1) : undefined;
      return value ?? token(`output=${source.output}@${source.from ?? instance.role}`);
    }
    if ('config' in source) return token(`config=${source.config}`);
    return token(`artifact=${source.artifact}`);
  }

  /** The regions (symbolic) a rendered value names. */
  static regionsIn(rendered: string): string[] {
    const found = [...rendered.matchAll(new RegExp(`${OPEN}region=([a-z]+)${CLOSE}`, 'g'))].map((m) => m[1]!);
    if (rendered.includes(EDGE_REGION)) found.push(EDGE_REGION);
    return found;
  }

  /** Whether a rendered value holds parts only known at deploy time that lint could not follow. */
  static isOpaque(rendered: string): boolean {
    return rendered.includes(`${OPEN}resource=`) || rendered.includes(`${OPEN}parameter=`) || rendered.includes(`${OPEN}stack-id=`) || rendered.includes(`${OPEN}unknown=`);
  }

  /** A rendered value for a message: regions as <primary>, other tokens as ${what=name}. */
  static show(rendered: string): string {
    return rendered.replace(new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g'), (_all, t: string) => (t.startsWith('region=') ? `<${t.slice(7)} region>` : t.startsWith('unknown=') ? '${?}' : `\${${t}}`));
  }
}

function getAttOf(value: Obj): [string, string] | undefined {
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') return [getAtt[0], getAtt[1]];
  if (typeof getAtt === 'string' && getAtt.includes('.')) return getAtt.split(/\.(.*)/s).slice(0, 2) as [string, string];
  return undefined;
}

/** `${Name}` or `${Name.Attr}` as the whole of a Fn::Sub string: the same as a Ref / GetAtt. */
function subReference(sub: unknown): string | undefined {
  const text = typeof sub === 'string' ? sub : undefined;
  const match = text ? /^\$\{([^!}][^}]*)\}$/.exec(text) : null;
  return match?.[1];
}

/** Every policy statement under a value (IAM policies, key policies), with its key path. */
export function statements(value: unknown, path: Path): { statement: Obj; path: Path }[] {
  const found: { statement: Obj; path: Path }[] = [];
  const visit = (v: unknown, p: Path) => {
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...p, i]));
    else if (isObject(v)) {
      if (typeof v.Effect === 'string' && ('Action' in v || 'NotAction' in v)) found.push({ statement: v, path: p });
      else for (const [k, child] of Object.entries(v)) visit(child, [...p, k]);
    }
  };
  visit(value, path);
  return found;
}

/** Whether an IAM action pattern (with * and ?) matches an action, case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

/** The condition keys of a statement (lower-cased), e.g. aws:sourceaccount. */
export function conditionKeys(statement: Obj): string[] {
  const condition = statement.Condition;
  if (!isObject(condition)) return [];
  return Object.values(condition).flatMap((block) => (isObject(block) ? Object.keys(block).map((k) => k.toLowerCase()) : []));
}

/** The resources a resource needs created first, transitively: its DependsOn, Refs, GetAtts and ${...} in Fn::Sub. */
export function resourceDependencies(template: LoadedTemplate, id: string): Set<string> {
  const resources = template.template.Resources;
  const direct = (rid: string): string[] => {
    const r = resources[rid];
    if (!r) return [];
    const found = new Set<string>(list(r.DependsOn).filter((d): d is string => typeof d === 'string'));
    const visit = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isObject(v)) {
        if (typeof v.Ref === 'string' && resources[v.Ref]) found.add(v.Ref);
        const getAtt = getAttOf(v);
        if (getAtt && resources[getAtt[0]]) found.add(getAtt[0]);
        const sub = v['Fn::Sub'];
        const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
        if (text) for (const [, name] of text.matchAll(/\$\{([^!}][^}.]*)/g)) if (resources[name!]) found.add(name!);
        Object.values(v).forEach(visit);
      }
    };
    visit(r.Properties);
    return [...found];
  };
  const seen = new Set<string>();
  const stack = direct(id);
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...direct(next));
  }
  return seen;
}
