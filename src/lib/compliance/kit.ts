/**
 * Small helpers rules share: reading template values that may be intrinsics, following
 * references between resources, and walking policy documents.
 */
import { sourceFor, ROLES } from '../stacks/catalog';
import type { CfnResource, LoadedTemplate } from '../templates/load';
import type { ResourceRule, RuleInfo, ResourceContext, Violation, CatalogRule, CatalogContext, CatalogViolation } from './types';

export function resourceRule(info: RuleInfo, check: (ctx: ResourceContext) => Violation[]): ResourceRule {
  return { ...info, scope: 'resource', check };
}

export function catalogRule(info: RuleInfo, check: (ctx: CatalogContext) => CatalogViolation[]): CatalogRule {
  return { ...info, scope: 'catalog', check };
}

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref }`, `{ Fn::... }` or `{ Condition }`: a value only known at deploy time. */
export function isIntrinsic(value: unknown): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && /^(Ref|Condition|Fn::.+)$/.test(keys[0]!);
}

/** The value at a key path, or undefined. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isObject(current)) current = current[String(key)];
    else return undefined;
  }
  return current;
}

export function prop(resource: CfnResource, ...path: (string | number)[]): unknown {
  return get(resource.Properties, ...path);
}

/** Every value a property can take: both branches of Fn::If, AWS::NoValue as undefined. */
export function branches(value: unknown): unknown[] {
  if (isObject(value) && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3) {
    const [, yes, no] = value['Fn::If'] as unknown[];
    return [...branches(yes), ...branches(no)];
  }
  if (isObject(value) && value.Ref === 'AWS::NoValue') return [undefined];
  return [value];
}

/**
 * Whether a boolean property is true. Values known only at deploy time (a Ref to a parameter)
 * count as true: a static audit cannot tell, and the live audit checks the deployed value.
 */
export function isTrue(value: unknown): boolean {
  return branches(value).every((v) => v === true || v === 'true' || (v !== undefined && isIntrinsic(v)));
}

/** Whether a property is explicitly false on any branch. */
export function isFalse(value: unknown): boolean {
  return branches(value).some((v) => v === false || v === 'false');
}

/** Literal strings a value can take (intrinsics are skipped). */
export function literals(value: unknown): string[] {
  return branches(value).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}

/** Whether a value refers to a resource: Ref, GetAtt, or ${Id} / ${Id.Attr} in Fn::Sub. */
export function refersTo(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) return value.some((v) => refersTo(v, logicalId));
  if (!isObject(value)) return false;
  if (value.Ref === logicalId) return true;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  if (typeof getAtt === 'string' && getAtt.split('.')[0] === logicalId) return true;
  const sub = value['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (text && new RegExp(`\\$\\{${escape(logicalId)}(\\.[^}]*)?\\}`).test(text)) return true;
  return Object.values(value).some((v) => refersTo(v, logicalId));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Resources of the template of one type, with their logical ids. */
export function resourcesOfType(template: LoadedTemplate, type: string): { id: string; resource: CfnResource }[] {
  return Object.entries(template.template.Resources)
    .filter(([, r]) => r?.Type === type)
    .map(([id, resource]) => ({ id, resource }));
}

export interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

/** Every policy statement under a value (IAM policies, key policies, bucket and topic policies), with its path. */
export function policyStatements(value: unknown, path: (string | number)[] = []): { statement: Statement; path: (string | number)[] }[] {
  const found: { statement: Statement; path: (string | number)[] }[] = [];
  const visit = (v: unknown, p: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...p, i]));
    else if (isObject(v)) {
      if (typeof v.Effect === 'string' && ('Action' in v || 'NotAction' in v)) found.push({ statement: v as Statement, path: p });
      else for (const [k, child] of Object.entries(v)) visit(child, [...p, k]);
    }
  };
  visit(value, path);
  return found;
}

/** A statement's values as a flat list (Action: 's3:*' or ['a', 'b']). */
export function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether a principal is everyone ('*' or { AWS: '*' }). */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  return isObject(principal) && list(principal.AWS).includes('*');
}

/** The resources of the template that point at `logicalId` in one of their properties. */
export function referrers(template: LoadedTemplate, logicalId: string, type?: string): { id: string; resource: CfnResource }[] {
  return Object.entries(template.template.Resources)
    .filter(([id, r]) => id !== logicalId && (!type || r?.Type === type) && refersTo(r?.Properties, logicalId))
    .map(([id, resource]) => ({ id, resource }));
}

/** The bucket policies of a bucket of the template. */
export function bucketPolicies(template: LoadedTemplate, bucketId: string): { id: string; resource: CfnResource }[] {
  return resourcesOfType(template, 'AWS::S3::BucketPolicy').filter((p) => refersTo(p.resource.Properties?.Bucket, bucketId));
}

export type { CatalogContext, CatalogViolation, ResourceContext, Violation };

const SECURITY_HUB_GUIDE = 'https://docs.aws.amazon.com/securityhub/latest/userguide';

/** The Security Hub controls reference page of a control, e.g. EC2.19 -> .../ec2-controls.html#ec2-19. */
export function securityHubUrl(control: string): string {
  const [service, number] = control.split('.');
  const slug = service!.toLowerCase();
  return `${SECURITY_HUB_GUIDE}/${slug}-controls.html#${slug}-${number}`;
}

/** The page a rule cites: its own docUrl, else its Security Hub control's page. */
export function ruleDocUrl(rule: RuleInfo): string | undefined {
  return rule.docUrl ?? (rule.control ? securityHubUrl(rule.control) : undefined);
}

/** The index of the statement a policyStatements path ends in (…, 'Statement', 3), if it is a list entry. */
export function statementIndex(path: (string | number)[]): number | undefined {
  const last = path[path.length - 1];
  return typeof last === 'number' && path[path.length - 2] === 'Statement' ? last : undefined;
}

/** A violation about one policy statement: its path and, when the statement is a list entry, its index. */
export function statementViolation(message: string, path: (string | number)[]): Violation {
  const index = statementIndex(path);
  return { message, path, ...(index === undefined ? {} : { statement: index }) };
}

/** Allow statements of every policy document of a resource, with their paths. */
export function allowStatements(resource: CfnResource, within: (string | number)[] = []): { statement: Statement; path: (string | number)[] }[] {
  return policyStatements(get(resource.Properties, ...within), ['Properties', ...within]).filter(({ statement }) => statement.Effect === 'Allow');
}

/** Actions of a statement, lower-cased strings. */
export function actionsOf(statement: Statement): string[] {
  return list(statement.Action).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
}

/** Whether an action pattern of a policy (e.g. 'iam:*', 'iam:put*', '*') grants `action` (lower-case 'service:name'). */
export function grants(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().split('*').map(escape).join('.*').replace(/\\\?/g, '.')}$`);
  return re.test(action.toLowerCase());
}

/** The actions of `wanted` that a statement grants through its Action list (NotAction counts as granting all). */
export function grantedActions(statement: Statement, wanted: readonly string[]): string[] {
  if (statement.NotAction !== undefined) return [...wanted];
  const patterns = actionsOf(statement);
  return wanted.filter((w) => patterns.some((p) => grants(p, w)));
}

/** Whether a statement applies to every resource (Resource '*', or NotResource). */
export function onEveryResource(statement: Statement & { NotResource?: unknown }): boolean {
  return statement.NotResource !== undefined || list(statement.Resource).includes('*');
}

/** Whether a statement carries a Condition block with at least one key. */
export function hasCondition(statement: Statement): boolean {
  return isObject(statement.Condition) && Object.keys(statement.Condition).length > 0;
}

/**
 * Whether a managed policy of the template serves only as a permissions boundary (it grants nothing by itself):
 * it is attached to no role, user or group of the template, and it is named as a PermissionsBoundary or in an
 * iam:PermissionsBoundary condition. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
export function isOnlyBoundary(template: LoadedTemplate, policyId: string): boolean {
  const policy = template.template.Resources[policyId];
  if (!policy || ['Roles', 'Users', 'Groups'].some((k) => get(policy.Properties, k) !== undefined)) return false;
  let boundary = false;
  for (const { resource } of referrers(template, policyId)) {
    if (refersTo(get(resource.Properties, 'ManagedPolicyArns'), policyId)) return false;
    if (refersTo(get(resource.Properties, 'PermissionsBoundary'), policyId)) boundary = true;
    for (const { statement } of policyStatements(resource.Properties)) {
      const condition = statement.Condition;
      if (isObject(condition) && Object.values(condition).some((block) => isObject(block) && Object.entries(block).some(([k, v]) => k.toLowerCase() === 'iam:permissionsboundary' && refersTo(v, policyId)))) boundary = true;
    }
  }
  return boundary;
}

/** The ingress or egress rules of a security group resource (inline lists, or a standalone rule resource), with paths. */
export function securityGroupRules(resource: CfnResource, direction: 'ingress' | 'egress'): { rule: Record<string, unknown>; path: (string | number)[] }[] {
  const standalone = direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  if (resource.Type === standalone) return isObject(resource.Properties) ? [{ rule: resource.Properties, path: ['Properties'] }] : [];
  if (resource.Type !== 'AWS::EC2::SecurityGroup') return [];
  const key = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const rules = get(resource.Properties, key);
  return Array.isArray(rules) ? rules.flatMap((rule, i) => (isObject(rule) ? [{ rule, path: ['Properties', key, i] }] : [])) : [];
}

/** Whether a rule's source or destination is the whole internet (0.0.0.0/0 or ::/0). */
export function isWorldOpen(rule: Record<string, unknown>): boolean {
  return literals(rule.CidrIp).includes('0.0.0.0/0') || literals(rule.CidrIpv6).includes('::/0');
}

/** Whether a security group rule admits a port (protocol -1 admits every port). */
export function coversPort(rule: Record<string, unknown>, port: number): boolean {
  const protocol = String(rule.IpProtocol ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== '6' && protocol !== '17') return false;
  const from = Number(rule.FromPort);
  const to = Number(rule.ToPort);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return false;
  if (from === -1 && to === -1) return true;
  return from <= port && port <= to;
}

/** The Aurora cluster of the template an instance belongs to (DBClusterIdentifier: !Ref Cluster), if any. */
export function clusterOf(template: LoadedTemplate, instance: CfnResource): { id: string; resource: CfnResource } | undefined {
  const ref = get(instance.Properties, 'DBClusterIdentifier');
  if (ref === undefined) return undefined;
  return resourcesOfType(template, 'AWS::RDS::DBCluster').find((c) => refersTo(ref, c.id)) ?? { id: '', resource: { Type: 'AWS::RDS::DBCluster', Properties: {} } };
}

/** Whether a DB instance is a member of an Aurora cluster (cluster-level settings then apply instead). */
export function isClusterMember(instance: CfnResource): boolean {
  return get(instance.Properties, 'DBClusterIdentifier') !== undefined || literals(get(instance.Properties, 'Engine')).some((e) => e.startsWith('aurora'));
}

/** Whether a value mentions a logical id anywhere (inside Fn::If, Fn::Join, ...). */
function mentions(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, logicalId));
  if (!isObject(value)) return false;
  return refersTo(value, logicalId) || Object.values(value).some((v) => mentions(v, logicalId));
}

/**
 * Resources of a type, in this template and in the catalog's other stacks, that point at a resource of this
 * template: in another stack, through a parameter the catalog fills from an output of this template whose value
 * names the resource (`AppDbSecretArn: { output: security.AppDbSecretArn }` → `SecretId: !Ref AppDbSecretArn`).
 */
export function referrersAcrossStacks(ctx: ResourceContext, type: string, property: string): { id: string; resource: CfnResource; template: LoadedTemplate }[] {
  const here = resourcesOfType(ctx.template, type)
    .filter(({ resource }) => refersTo(prop(resource, property), ctx.id))
    .map((r) => ({ ...r, template: ctx.template }));
  if (!ctx.stacks) return here;
  const { catalog, templates } = ctx.stacks;
  const producers = [...templates].filter(([, t]) => t === ctx.template).map(([name]) => name);
  const outputs = Object.entries(ctx.template.template.Outputs ?? {})
    .filter(([, o]) => mentions((o as { Value?: unknown } | undefined)?.Value, ctx.id))
    .map(([name]) => name);
  const wanted = new Set(producers.flatMap((p) => outputs.map((o) => `${p}.${o}`)));
  const there: { id: string; resource: CfnResource; template: LoadedTemplate }[] = [];
  for (const [name, spec] of Object.entries(catalog.stacks)) {
    const template = templates.get(name);
    if (!template || template === ctx.template) continue;
    const params = Object.entries(spec.parameters)
      .filter(([, p]) => ROLES.some((role) => {
        const source = sourceFor(p, role);
        return typeof source === 'object' && 'output' in source && wanted.has(source.output);
      }))
      .map(([param]) => param);
    for (const r of resourcesOfType(template, type)) {
      if (params.some((param) => refersTo(prop(r.resource, property), param))) there.push({ ...r, template });
    }
  }
  return [...here, ...there];
}
