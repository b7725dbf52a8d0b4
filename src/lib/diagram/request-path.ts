/**
 * The café's request path, read from the templates: each stack instance's resources are gathered
 * into the services a reader recognises (Route 53, CloudFront with its WAF, the site bucket, the
 * regional REST API with its WAF, the Lambda functions, Aurora, DynamoDB, Step Functions, Cognito,
 * observability) and an arrow is drawn wherever one of them refers to another: a Ref, GetAtt or
 * Sub inside the template; a parameter the catalog fills from another stack's output, followed to
 * the resource that output names; or an ARN built from another resource's name. Each arrow says
 * what carries the reference (the property, the environment variable, the failover role).
 * Only what is reachable from the site and API records is drawn, so log buckets and roles stay out.
 */
import { resolve } from 'node:path';
import { loadTemplate, type CfnTemplate } from '../templates/load';
import { sourceFor, type Catalog, type Role } from '../stacks/catalog';
import { activeResources, summarise } from './model';
import type { DiagramGraph, DiagramLink, DiagramNode } from './layout';

interface Kind {
  key: string;
  title: string;
  /** Metrics flow to it: its references are drawn the other way, as "metrics". */
  sink?: boolean;
  /** Drawn whether or not a request reaches it. */
  always?: boolean;
  /** One box per resource (a bucket), not one per stack instance. */
  perResource?: boolean;
}

const KINDS: Record<string, Kind> = {
  dns: { key: 'dns', title: 'Route 53' },
  cdn: { key: 'cdn', title: 'CloudFront + WAF (CLOUDFRONT scope)' },
  bucket: { key: 'bucket', title: 'S3 bucket', perResource: true },
  api: { key: 'api', title: 'API Gateway REST API + regional WAF' },
  lambda: { key: 'lambda', title: 'Lambda functions' },
  sfn: { key: 'sfn', title: 'Step Functions: order lifecycle' },
  cognito: { key: 'cognito', title: 'Cognito user pool' },
  aurora: { key: 'aurora', title: 'Aurora PostgreSQL global database' },
  dynamo: { key: 'dynamo', title: 'DynamoDB global tables' },
  observability: { key: 'observability', title: 'Observability', sink: true, always: true },
};

/**
 * Which service a resource belongs to, by its type (and, for a web ACL, its scope). A regional
 * API's own Route 53 record (its per-region name, which the edge health checks probe) is part of the API.
 */
function kindOf(type: string, properties: Record<string, unknown>, template: CfnTemplate): Kind | undefined {
  if (type.startsWith('AWS::Route53::')) return Object.values(template.Resources).some((r) => r.Type === 'AWS::ApiGateway::RestApi') ? KINDS.api : KINDS.dns;
  if (type === 'AWS::CloudFront::Distribution') return KINDS.cdn;
  if (type === 'AWS::WAFv2::WebACL') return properties.Scope === 'CLOUDFRONT' ? KINDS.cdn : KINDS.api;
  if (type === 'AWS::WAFv2::WebACLAssociation') return KINDS.api;
  if (type === 'AWS::S3::Bucket') return KINDS.bucket;
  if (type.startsWith('AWS::ApiGateway::')) return KINDS.api;
  if (type === 'AWS::Lambda::Function') return KINDS.lambda;
  if (type === 'AWS::StepFunctions::StateMachine') return KINDS.sfn;
  if (type.startsWith('AWS::Cognito::')) return KINDS.cognito;
  if (type.startsWith('AWS::RDS::DB') || type === 'AWS::RDS::GlobalCluster') return KINDS.aurora;
  if (type === 'AWS::DynamoDB::GlobalTable') return KINDS.dynamo;
  if (type.startsWith('AWS::CloudWatch::') || type === 'AWS::CloudTrail::Trail' || type.startsWith('AWS::Config::')) return KINDS.observability;
  return undefined;
}

/** Properties that say where logs go, where code is deployed from, or how a resource is tagged: not part of a request's path. */
const OFF_PATH = /Log|^Code$|S3Location|^Tags$/;
/** Wrappers a property path passes through that say nothing of what is carried. */
const WRAPPERS = new Set(['DistributionConfig', 'Fn::If', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Value']);

interface Reference { target: string; attribute?: string; via: string[] }

/** Every Ref / GetAtt / Sub name inside a value, with the property path it sits at. */
function references(value: unknown, path: string[] = []): Reference[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => references(v, [...path, String(i)]));
  if (!value || typeof value !== 'object') return [];
  const out: Reference[] = [];
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof inner === 'string') out.push({ target: inner, via: path });
    else if (key === 'Fn::GetAtt') {
      const [target, attribute] = Array.isArray(inner) ? (inner as string[]) : String(inner).split('.');
      if (target) out.push({ target, ...(attribute ? { attribute } : {}), via: path });
    } else if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(inner) ? (inner as [string, Record<string, unknown>]) : [String(inner), {}];
      for (const m of String(text).matchAll(/\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}/g)) if (!(m[1]! in vars)) out.push({ target: m[1]!, via: path });
      out.push(...references(vars, path));
    } else out.push(...references(inner, [...path, key]));
  }
  return out;
}

/** Every Fn::Sub text inside a value, with its property path. */
function subTexts(value: unknown, path: string[] = []): { text: string; via: string[] }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => subTexts(v, [...path, String(i)]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    key === 'Fn::Sub' ? [{ text: String(Array.isArray(inner) ? inner[0] : inner), via: path }] : subTexts(inner, [...path, key]),
  );
}

/** What a reference at `via` in a resource carries, in a few words. */
function carrier(via: string[], properties: Record<string, unknown>): string {
  const variables = via.indexOf('Variables');
  if (via[0] === 'Environment' && variables >= 0 && via[variables + 1]) return via[variables + 1]!;
  if (typeof properties.Failover === 'string') return `failover ${properties.Failover}`;
  const path = via.filter((p) => !/^\d+$/.test(p) && !WRAPPERS.has(p));
  if (path[0] === 'DefinitionSubstitutions' && path[1]) return path[1];
  if (path[0] === 'HealthCheckConfig') return 'health check';
  return path[0] ?? 'Ref';
}

interface Instance { id: string; stack: string; role: Role; template: CfnTemplate; active: Set<string> }

export async function buildRequestPath(catalog: Catalog, regions: Partial<Record<Role, string>> = {}): Promise<DiagramGraph> {
  const instances: Instance[] = [];
  for (const [stack, spec] of Object.entries(catalog.stacks)) {
    const template = (await loadTemplate(resolve(catalog.root, spec.template))).template;
    for (const role of spec.regions) instances.push({ id: `${stack}@${role}`, stack, role, template, active: activeResources(catalog, stack, role, template) });
  }
  const byId = new Map(instances.map((i) => [i.id, i]));
  const component = (inst: Instance, logicalId: string): string | undefined => {
    const resource = inst.template.Resources[logicalId];
    // An alias stands for its function: the API and the state machine invoke the functions through aliases.
    const aliased = resource?.Type === 'AWS::Lambda::Alias' ? (resource.Properties?.FunctionName as { Ref?: unknown } | undefined)?.Ref : undefined;
    if (typeof aliased === 'string' && aliased !== logicalId) return component(inst, aliased);
    const kind = resource && inst.active.has(logicalId) ? kindOf(resource.Type, resource.Properties ?? {}, inst.template) : undefined;
    return kind ? `${kind.key}${kind.perResource ? `:${logicalId}` : ''}@${inst.role}` : undefined;
  };

  /** Resource names built with Sub (FunctionName, StateMachineName...), to recognise ARNs built from them. */
  const named: { role: Role; inst: Instance; logicalId: string; name: string }[] = [];
  for (const inst of instances) {
    for (const logicalId of inst.active) {
      const props = inst.template.Resources[logicalId]!.Properties ?? {};
      for (const [key, value] of Object.entries(props)) {
        if (!key.endsWith('Name') || !value || typeof value !== 'object' || !('Fn::Sub' in value)) continue;
        const text = (value as { 'Fn::Sub': unknown })['Fn::Sub'];
        if (typeof text === 'string' && text.includes('-')) named.push({ role: inst.role, inst, logicalId, name: text });
      }
    }
  }

  const links = new Map<string, { from: string; to: string; carriers: Set<string> }>();
  const link = (from: string, to: string, what: string) => {
    if (from === to) return;
    const [a, b] = from.startsWith('observability@') ? [to, from] : [from, to];
    const what2 = from.startsWith('observability@') ? 'metrics' : what;
    const key = `${a}->${b}`;
    const entry = links.get(key) ?? { from: a, to: b, carriers: new Set<string>() };
    entry.carriers.add(what2);
    links.set(key, entry);
  };
  /** The components a parameter of `inst` leads to, through the catalog, the producer's output and its value. */
  const throughParameter = (inst: Instance, parameter: string): string[] => {
    const spec = catalog.stacks[inst.stack]!.parameters[parameter];
    const src = spec === undefined ? undefined : sourceFor(spec, inst.role);
    if (!src || typeof src !== 'object' || !('output' in src)) return [];
    const [producer, output] = src.output.split('.') as [string, string];
    const from = byId.get(`${producer}@${src.from ?? inst.role}`);
    const value = from?.template.Outputs?.[output]?.Value;
    if (!from || value === undefined) return [];
    const direct = references(value).flatMap((r) => component(from, r.target) ?? []);
    // An output that gives a name built with Sub (a table name) leads to the resource of that name.
    const text = typeof value === 'object' && value && 'Fn::Sub' in value ? String((value as { 'Fn::Sub': unknown })['Fn::Sub']) : undefined;
    const byName = text ? named.filter((n) => n.inst === from && n.name === text).flatMap((n) => component(from, n.logicalId) ?? []) : [];
    return [...direct, ...byName];
  };

  for (const inst of instances) {
    for (const logicalId of inst.active) {
      const resource = inst.template.Resources[logicalId]!;
      const props = resource.Properties ?? {};
      const from = component(inst, logicalId);
      if (!from) continue;
      for (const ref of references(props)) {
        if (ref.via.some((p) => OFF_PATH.test(p))) continue;
        const what = carrier(ref.via, props);
        const local = component(inst, ref.target);
        if (local) link(from, local, what);
        else if (inst.template.Parameters?.[ref.target]) for (const to of throughParameter(inst, ref.target)) link(from, to, what);
      }
      for (const sub of subTexts(props)) {
        // An ARN built from a name; for observability also a metric's dimension, which names the resource.
        if ((!sub.text.includes('arn:') && !from.startsWith('observability@')) || sub.via.some((p) => OFF_PATH.test(p))) continue;
        for (const target of named) {
          if (target.role !== inst.role || !new RegExp(`${escapeRegExp(target.name)}(?![A-Za-z0-9-])`).test(sub.text)) continue;
          const to = component(target.inst, target.logicalId);
          if (to) link(from, to, carrier(sub.via, props));
        }
      }
    }
  }

  // What a request reaches from the DNS records, plus the services drawn whatever.
  const reached = new Set<string>(['dns@edge']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of links.values()) {
      if (reached.has(l.from) && !reached.has(l.to) && !l.to.startsWith('observability@')) {
        reached.add(l.to);
        grew = true;
      }
    }
  }
  const members = new Map<string, { inst: Instance; ids: string[] }[]>();
  for (const inst of instances) {
    for (const logicalId of inst.active) {
      const c = component(inst, logicalId);
      if (!c) continue;
      const list = members.get(c) ?? [];
      const entry = list.find((m) => m.inst === inst) ?? (list.push({ inst, ids: [] }), list[list.length - 1]!);
      entry.ids.push(logicalId);
      members.set(c, list);
    }
  }
  const drawn = [...members.keys()].filter((c) => reached.has(c) || Object.values(KINDS).some((k) => k.always && c.startsWith(`${k.key}@`)));
  const order = Object.keys(KINDS);
  const kindKey = (c: string) => c.split('@')[0]!.split(':')[0]!;
  drawn.sort((a, b) => order.indexOf(kindKey(a)) - order.indexOf(kindKey(b)) || a.localeCompare(b));

  const nodes: DiagramNode[] = [
    { id: 'browser', title: 'Customers and baristas', lines: ['browser: the storefront and the barista page'], colour: '#444b57' },
    ...drawn.map((c) => {
      const [name, role] = c.split('@') as [string, Role];
      const [key, resource] = name.split(':') as [string, string | undefined];
      const parts = members.get(c)!;
      const lines = key === 'lambda'
        ? [parts.flatMap((p) => p.ids.map((id) => id.replace(/Function$/, ''))).sort().join(', ')]
        : parts.flatMap((p) => summarise(Object.fromEntries(p.ids.map((id) => [id, p.inst.template.Resources[id]!]))));
      const stacks = [...new Set(parts.map((p) => p.inst.stack))].join(', ');
      return { id: c, group: role, title: `${KINDS[key]!.title}${resource ? ` ${resource}` : ''}`, lines: [...lines, `stack: ${stacks}`], colour: ROLE_COLOURS[role] };
    }),
  ];
  const drawnSet = new Set(drawn);
  const diagramLinks: DiagramLink[] = [
    { id: 'browser->dns@edge', from: 'browser', to: 'dns@edge', label: ['HTTPS: site and API names'] },
    ...[...links.values()]
      .filter((l) => drawnSet.has(l.from) && drawnSet.has(l.to))
      .map((l) => ({ id: `${l.from}->${l.to}`, from: l.from, to: l.to, label: shorten([...l.carriers].sort()), dashed: l.from.split('@')[1] !== l.to.split('@')[1] }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  ];
  const roles = [...new Set(drawn.map((c) => c.split('@')[1] as Role))];
  return {
    title: 'cafe-ops: how a request reaches the café',
    subtitle: 'Generated from templates/*.yaml and templates/stacks.yaml by `cafe-ops diagram`. Arrows: a reference in the templates, labelled with what carries it (dashed: across regions).',
    direction: 'DOWN',
    groups: (['edge', 'primary', 'secondary'] as Role[]).filter((r) => roles.includes(r)).map((r) => ({ id: r, title: roleTitle(r, regions), colour: ROLE_COLOURS[r] })),
    nodes,
    links: diagramLinks,
  };
}

export const ROLE_TITLES: Record<Role, string> = {
  edge: 'Global edge (us-east-1)',
  primary: 'Primary region',
  secondary: 'Secondary region (warm standby)',
};
/** A region role's title, with the environment's region when it is not already in it. */
export function roleTitle(role: Role, regions: Partial<Record<Role, string>>): string {
  const region = regions[role];
  return region && !ROLE_TITLES[role].includes(region) ? `${ROLE_TITLES[role]} — ${region}` : ROLE_TITLES[role];
}
export const ROLE_COLOURS: Record<Role, string> = { edge: '#6a4fd8', primary: '#1f7a4d', secondary: '#a35f00' };

function shorten(items: string[], max = 4): string[] {
  return items.length <= max ? items : [...items.slice(0, max), `+${items.length - max} more`];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
