/**
 * The template body cafe-ops sends to CloudFormation, from a template's source text.
 *
 * - YAML aliases are expanded and anchors dropped. CloudFormation refuses them: "Template error: YAML
 *   aliases are not allowed in CloudFormation templates" (it accepts the YAML 1.1 subset documented in
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html; the AWS CLI's
 *   `cloudformation package` unrolls them the same way: https://github.com/aws/aws-cli/pull/3827).
 * - It stays YAML, so the short-form intrinsic tags (!Ref, !Sub, !GetAtt ...) are kept as written.
 * - An `AWS::ApiGateway::Deployment` whose Metadata says `cafe-ops: { redeploy-on-change: true }` gets
 *   a logical id that follows the API: `<LogicalId><first 10 hex of a sha256 over the API's resources>`,
 *   and every Ref, Fn::GetAtt, DependsOn and ${Name} in Fn::Sub follows it. A deployment is an
 *   immutable snapshot of the API: "to update the stage with a new deployment, you must create a new
 *   deployment resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html);
 *   the CDK does the same for `RestApi.latestDeployment`
 *   (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_apigateway.Deployment.html).
 *
 * Equal source gives an equal body, and `hash` is the sha256 of the body.
 */
import { createHash } from 'node:crypto';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node, type Pair, type Scalar } from 'yaml';
import { UserError } from '../errors';

export interface SerializedTemplate {
  /** What to send as TemplateBody (or upload for TemplateURL). */
  body: string;
  /** sha256 (hex) of the body. */
  hash: string;
  /** API deployments renamed: old logical id → new logical id. */
  renamed: Record<string, string>;
  /**
   * Parameter values for the stack's first create only (top-level `Metadata: cafe-ops:
   * on-create-parameters:`), e.g. deletion protection off until the create has succeeded: a new stack
   * whose create fails is deleted (OnStackFailure=DELETE), and CloudFormation cannot delete a
   * protected database (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection).
   */
  createParameters: Record<string, string>;
}

const REDEPLOY_METADATA_KEY = 'cafe-ops';
const REDEPLOY_FLAG = 'redeploy-on-change';
/** Resources of an API that its deployment snapshots: everything of API Gateway but deployments and stages. */
const NOT_SNAPSHOTTED = new Set(['AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage']);

export function templateHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Names of the aliases (`*name`) in a YAML text; empty for a text without any. */
export function yamlAliases(source: string): string[] {
  const doc = parseDocument(source, { uniqueKeys: false, logLevel: 'silent' });
  const names: string[] = [];
  visit(doc, { Alias: (_, node) => void names.push(node.source) });
  return names;
}

export function serializeTemplate(source: string, file = 'template'): SerializedTemplate {
  const doc = parseDocument(source, { uniqueKeys: true, logLevel: 'silent' });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new UserError(`${file}${line ? `:${line}` : ''}: template does not parse: ${error.message.split('\n')[0]}`);
  }
  expandAliases(doc, file);
  const renamed = renameApiDeployments(doc);
  const body = doc.toString({ lineWidth: 0 });
  return { body, hash: templateHash(body), renamed, createParameters: createParameters(doc, file) };
}

function createParameters(doc: Document, file: string): Record<string, string> {
  const block = get(get(get(doc.contents, 'Metadata'), REDEPLOY_METADATA_KEY), 'on-create-parameters');
  if (block === undefined) return {};
  const declared = get(doc.contents, 'Parameters');
  const values: Record<string, string> = {};
  if (!isMap(block)) throw new UserError(`${file}: Metadata.cafe-ops.on-create-parameters must map parameter names to values`);
  for (const pair of block.items) {
    const name = keyOf(pair);
    const value = scalarValue(pair.value);
    if (!name || value === undefined || value === null || typeof value === 'object') {
      throw new UserError(`${file}: Metadata.cafe-ops.on-create-parameters.${name ?? '?'} must be a plain value`);
    }
    if (get(declared, name) === undefined) throw new UserError(`${file}: Metadata.cafe-ops.on-create-parameters names ${name}, which is not a parameter of the template`);
    values[name] = String(value);
  }
  return values;
}

/** Replaces every alias by a copy of its anchored node, then drops the anchors. */
function expandAliases(doc: Document, file: string): void {
  for (let pass = 0; ; pass++) {
    let found = false;
    visit(doc, {
      Alias: (_, alias) => {
        found = true;
        const target = alias.resolve(doc);
        if (!target) throw new UserError(`${file}: alias *${alias.source} has no anchor`);
        const copy = target.clone() as Node;
        copy.anchor = undefined;
        return copy;
      },
    });
    if (!found) break;
    // Aliases inside anchored nodes are copied too; nesting deeper than this is a loop.
    if (pass > 100) throw new UserError(`${file}: YAML aliases nest too deep to expand`);
  }
  visit(doc, {
    Node: (_, node) => {
      if ('anchor' in node && node.anchor) node.anchor = undefined;
    },
    Pair: (_, pair) => {
      if (isScalar(pair.key) && pair.key.value === '<<') {
        throw new UserError(`${file}: YAML merge keys (<<) are not CloudFormation; write the keys out`);
      }
    },
  });
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function get(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => keyOf(p) === key)?.value;
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** Renames each deployment that asks for it, and rewrites the references to it. */
function renameApiDeployments(doc: Document): Record<string, string> {
  const resources = get(doc.contents, 'Resources');
  if (!isMap(resources)) return {};
  const byId = new Map<string, unknown>();
  for (const pair of resources.items) {
    const id = keyOf(pair);
    if (id) byId.set(id, pair.value);
  }
  const typeOf = (resource: unknown) => String(scalarValue(get(resource, 'Type')) ?? '');
  const renamed: Record<string, string> = {};
  for (const pair of resources.items) {
    const id = keyOf(pair);
    const resource = pair.value;
    if (!id || typeOf(resource) !== 'AWS::ApiGateway::Deployment') continue;
    if (scalarValue(get(get(get(resource, 'Metadata'), REDEPLOY_METADATA_KEY), REDEPLOY_FLAG)) !== true) continue;
    const snapshot = new Set<string>();
    for (const [other, r] of byId) if (typeOf(r).startsWith('AWS::ApiGateway::') && !NOT_SNAPSHOTTED.has(typeOf(r))) snapshot.add(other);
    for (const dep of dependsOn(resource)) if (byId.has(dep)) snapshot.add(dep);
    const canonical = `[${[...snapshot].sort().map((r) => `[${JSON.stringify(r)},${canonicalJson(byId.get(r))}]`).join(',')}]`;
    renamed[id] = `${id}${templateHash(canonical).slice(0, 10)}`;
  }
  for (const [from, to] of Object.entries(renamed)) {
    const pair = resources.items.find((p) => keyOf(p) === from)!;
    (pair.key as Scalar).value = to;
    rewriteReferences(doc, from, to);
  }
  return renamed;
}

function dependsOn(resource: unknown): string[] {
  const value = get(resource, 'DependsOn');
  if (isScalar(value)) return [String(value.value)];
  if (isSeq(value)) return value.items.filter(isScalar).map((s) => String(s.value));
  return [];
}

/** The long-form name of a short-form tag: !Ref → Ref, !Condition → Condition, !Sub → Fn::Sub. */
function intrinsic(tag: string): string {
  const name = tag.replace(/^!/, '');
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** Canonical JSON of a node (sorted keys, tags as their long form), for hashing. */
function canonicalJson(node: unknown): string {
  const tagged = (n: { tag?: string | undefined }, json: string) => (n.tag?.startsWith('!') ? `{${JSON.stringify(intrinsic(n.tag))}:${json}}` : json);
  if (isScalar(node)) return tagged(node, JSON.stringify(node.value ?? null));
  if (isMap(node)) {
    const entries = node.items.map((p) => [String(isScalar(p.key) ? p.key.value : canonicalJson(p.key)), canonicalJson(p.value)] as const);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return tagged(node, `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
  }
  if (isSeq(node)) return tagged(node, `[${node.items.map(canonicalJson).join(',')}]`);
  if (isPair(node) || isAlias(node)) throw new Error('unexpected YAML node in a template value');
  return 'null';
}

/** Every Ref, Fn::GetAtt, DependsOn and ${Name} of Fn::Sub naming `from` now names `to`. */
function rewriteReferences(doc: Document, from: string, to: string): void {
  const sub = new RegExp(`\\$\\{${from.replace(/[^A-Za-z0-9]/g, '\\$&')}(?=[.}])`, 'g');
  const rewriteSub = (s: unknown) => {
    if (isScalar(s) && typeof s.value === 'string') s.value = s.value.replace(sub, `\${${to}`);
  };
  const rewriteGetAtt = (value: unknown) => {
    if (isScalar(value) && typeof value.value === 'string' && value.value.startsWith(`${from}.`)) value.value = `${to}${value.value.slice(from.length)}`;
    if (isSeq(value) && isScalar(value.items[0]) && value.items[0].value === from) value.items[0].value = to;
  };
  const rename = (s: unknown) => {
    if (isScalar(s) && s.value === from) s.value = to;
  };
  visit(doc, {
    Scalar: (_, node) => {
      if (node.tag === '!Ref') rename(node);
      else if (node.tag === '!GetAtt') rewriteGetAtt(node);
      else if (node.tag === '!Sub') rewriteSub(node);
    },
    Seq: (_, node) => {
      if (node.tag === '!GetAtt') rewriteGetAtt(node);
      else if (node.tag === '!Sub') rewriteSub(node.items[0]);
    },
    Pair: (_, pair) => {
      const key = keyOf(pair);
      if (key === 'Ref') rename(pair.value);
      else if (key === 'Fn::GetAtt') rewriteGetAtt(pair.value);
      else if (key === 'Fn::Sub') rewriteSub(isSeq(pair.value) ? pair.value.items[0] : pair.value);
      else if (key === 'DependsOn') {
        rename(pair.value);
        if (isSeq(pair.value)) pair.value.items.forEach(rename);
      }
    },
  });
}
