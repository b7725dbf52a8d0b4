/**
 * Small helpers rules share: reading template values that may be intrinsics, following
 * references between resources, and walking policy documents.
 */
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
