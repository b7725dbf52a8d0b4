/**
 * The template body cafe-ops sends to CloudFormation, from a template's source text.
 *
 * - YAML aliases are expanded and anchors dropped. CloudFormation refuses them: "Template error: YAML
 *   aliases are not allowed in CloudFormation templates" (it accepts the YAML 1.1 subset documented in
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html; the AWS CLI's
 *   `cloudformation package` unrolls them the same way: https://github.com/aws/aws-cli/pull/3827).
 * - It stays YAML, so the short-form intrinsic tags (!Ref, !Sub, !GetAtt ...) are kept as written.
 * - A resource whose Metadata says `cafe-ops: { redeploy-on-change: true }` is a snapshot that CloudFormation
 *   takes once, when it creates the resource; it gets a logical id that follows what it snapshots,
 *   `<LogicalId><first 10 hex of a sha256>`, and every Ref, Fn::GetAtt, DependsOn and ${Name} in Fn::Sub follows
 *   it. The sha256 covers the snapshotted resources' properties (canonical JSON, so formatting does not count),
 *   the values of the parameters they reference (as passed, else the Default) and the conditions and mappings
 *   they use. Two types are snapshots (SNAPSHOTS below):
 *   - `AWS::ApiGateway::Deployment`, of its REST API: "to update the stage with a new deployment, you must
 *     create a new deployment resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html);
 *     the CDK does the same for `RestApi.latestDeployment`
 *     (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_apigateway.Deployment.html).
 *   - `AWS::Lambda::Version`, of its function's code and configuration: a version "creates a snapshot of your
 *     function code and configuration that doesn't change", and its own properties require replacement
 *     (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html), so
 *     a change of the function alone publishes nothing and an alias on the version keeps running the old
 *     settings. The hash covers the function properties a version locks (VERSION_LOCKED; "its code, runtime,
 *     architecture, memory, layers, and most other configuration settings are immutable",
 *     https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), and what would replace a resource of
 *     the template that they name (REPLACED_BY: a replaced role or log group has a new name); the CDK's
 *     `Function.currentVersion` hashes the function and its layers the same way
 *     (https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-lambda/lib/function-hash.ts).
 *     Lambda refuses to publish a version while $LATEST equals the last one ("If $LATEST is identical to a
 *     previously published version, you won't be able to create a new version", same page; CloudFormation
 *     fails the new Version with "A version for this Lambda function exists ( N ). Modify the function to
 *     create a new version.", as users report it: https://github.com/serverless/serverless/issues/6349). So the
 *     function's Description carries the same hash, `(version <hash>)`: a new
 *     Version always comes with a change of $LATEST, also when the hash changed for a reason Lambda does not
 *     see (a value written differently, or the first deploy after this naming came in).
 *
 * Equal source and parameter values give an equal body, and `hash` is the sha256 of the body.
 */
import { createHash } from 'node:crypto';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { UserError } from '../errors';

export interface SerializedTemplate {
  /** What to send as TemplateBody (or upload for TemplateURL). */
  body: string;
  /** sha256 (hex) of the body. */
  hash: string;
  /** Snapshots (API deployments, Lambda versions) renamed: old logical id → new logical id. */
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
/**
 * AWS::Lambda::Function properties by whether a published version keeps them (true) or they stay the
 * function's (false). Locked: what UpdateFunctionConfiguration and UpdateFunctionCode change
 * (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html). Not locked: reserved concurrency
 * (PutFunctionConcurrency), tags (TagResource), the code-signing config (PutFunctionCodeSigningConfig) and
 * tenancy, set on the function. A property not listed here is refused, so that a new one is classified
 * rather than silently left out of the hash.
 */
const VERSION_LOCKED: Record<string, boolean> = {
  Architectures: true, Code: true, DeadLetterConfig: true, Description: true, Environment: true, EphemeralStorage: true,
  FileSystemConfigs: true, FunctionName: true, Handler: true, ImageConfig: true, KmsKeyArn: true, Layers: true,
  LoggingConfig: true, MemorySize: true, PackageType: true, RecursiveLoop: true, Role: true, Runtime: true,
  RuntimeManagementConfig: true, SnapStart: true, Timeout: true, TracingConfig: true, VpcConfig: true,
  CapacityProviderConfig: true, FunctionScalingConfig: true, DurableConfig: true,
  CodeSigningConfigArn: false, ReservedConcurrentExecutions: false, Tags: false, TenancyConfig: false,
};
/**
 * What replaces a resource that a function refers to, by type: a replaced resource has a new name or ARN,
 * which the function's configuration then holds, so these properties count in the version's hash (from the
 * CloudFormation resource schemas, `causesReplacement`, held equal by test/lib/templates/lambda-versions.test.ts).
 * A resource of a type not listed counts with all its properties: a new version too many (the stamp keeps it
 * publishable) rather than an alias left on a version whose role or log group is gone.
 */
export const REPLACED_BY: Record<string, string[]> = {
  'AWS::IAM::Role': ['Path', 'RoleName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
};
/** AWS::Lambda::Version properties whose change replaces the version ("Update requires: Replacement"). */
const VERSION_REPLACED_BY = ['CodeSha256', 'Description', 'FunctionName'];
/** Lambda's limit on a function's Description (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html). */
const DESCRIPTION_MAX = 256;

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

/**
 * `values`: the stack's parameter values (what the change set passes); a snapshot's hash covers those its
 * resources reference. Without them, the Defaults count.
 */
export function serializeTemplate(source: string, file = 'template', values: Record<string, string> = {}): SerializedTemplate {
  const doc = parseDocument(source, { uniqueKeys: true, logLevel: 'silent' });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new UserError(`${file}${line ? `:${line}` : ''}: template does not parse: ${error.message.split('\n')[0]}`);
  }
  expandAliases(doc, file);
  const renamed = renameSnapshots(doc, file, values);
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

/** What a template's snapshots are computed from. */
interface TemplateView {
  file: string;
  byId: Map<string, unknown>;
  typeOf: (resource: unknown) => string;
}

/** A snapshot: the named nodes its hash covers, and what else must change with a new one. */
interface Snapshot {
  parts: [string, unknown][];
  /** Applied once every hash is known (hashes are taken over the template as written). */
  apply?: (hash: string) => void;
}

/** What a `redeploy-on-change` resource of each type snapshots. */
const SNAPSHOTS: Record<string, (id: string, resource: unknown, t: TemplateView) => Snapshot> = {
  'AWS::ApiGateway::Deployment': (_id, resource, t) => {
    const snapshot = new Set<string>();
    for (const [other, r] of t.byId) if (t.typeOf(r).startsWith('AWS::ApiGateway::') && !NOT_SNAPSHOTTED.has(t.typeOf(r))) snapshot.add(other);
    for (const dep of dependsOn(resource)) if (t.byId.has(dep)) snapshot.add(dep);
    return { parts: [...snapshot].sort().map((r) => [r, t.byId.get(r)]) };
  },
  'AWS::Lambda::Version': (id, resource, t) => {
    const fnId = refName(get(get(resource, 'Properties'), 'FunctionName'));
    const fn = fnId === undefined ? undefined : t.byId.get(fnId);
    if (fnId === undefined || t.typeOf(fn) !== 'AWS::Lambda::Function') {
      throw new UserError(`${t.file}: ${id}: a redeploy-on-change version needs FunctionName: !Ref <an AWS::Lambda::Function of this template>`);
    }
    const props = get(fn, 'Properties');
    const parts: [string, unknown][] = [];
    for (const pair of isMap(props) ? props.items : []) {
      const key = keyOf(pair)!;
      const locked = VERSION_LOCKED[key];
      if (locked === undefined) throw new UserError(`${t.file}: ${fnId}.Properties.${key}: unknown to cafe-ops: say in serialize.ts (VERSION_LOCKED) whether a Lambda version keeps it`);
      if (!locked) continue;
      parts.push([`${fnId}.${key}`, pair.value]);
    }
    // The resources of this template that the locked properties name (a role, a log group, a layer, a queue ...):
    // what would replace them, as their new name or ARN reaches $LATEST but not the version.
    for (const other of [...resourceReferences(parts.map(([, node]) => node))].filter((r) => r !== fnId && t.byId.has(r)).sort()) {
      const props = get(t.byId.get(other), 'Properties');
      const identity = REPLACED_BY[t.typeOf(t.byId.get(other))];
      if (!identity) parts.push([other, props ?? null]);
      else for (const key of identity) parts.push([`${other}.${key}`, get(props, key) ?? null]);
    }
    // The version's own properties that replace it (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html):
    // a replacement publishes too, so it must come with the stamp that changes $LATEST.
    for (const key of VERSION_REPLACED_BY) parts.push([`${id}.${key}`, get(get(resource, 'Properties'), key) ?? null]);
    return { parts, apply: (hash) => stampDescription(fn, fnId, hash, t.file) };
  },
};

/** Renames each snapshot that asks for it, and rewrites the references to it. */
function renameSnapshots(doc: Document, file: string, values: Record<string, string>): Record<string, string> {
  const resources = get(doc.contents, 'Resources');
  if (!isMap(resources)) return {};
  const byId = new Map<string, unknown>();
  for (const pair of resources.items) {
    const id = keyOf(pair);
    if (id) byId.set(id, pair.value);
  }
  const view: TemplateView = { file, byId, typeOf: (resource) => String(scalarValue(get(resource, 'Type')) ?? '') };
  const renamed: Record<string, string> = {};
  const after: (() => void)[] = [];
  for (const pair of resources.items) {
    const id = keyOf(pair);
    const resource = pair.value;
    const snapshotOf = SNAPSHOTS[view.typeOf(resource)];
    if (!id || !snapshotOf) continue;
    if (scalarValue(get(get(get(resource, 'Metadata'), REDEPLOY_METADATA_KEY), REDEPLOY_FLAG)) !== true) continue;
    const { parts, apply } = snapshotOf(id, resource, view);
    const inputs = [...parts, ...referencedInputs(doc, parts.map(([, node]) => node), values, `${file}: ${id}`)];
    const hash = templateHash(`[${inputs.map(([name, node]) => `[${JSON.stringify(name)},${canonicalJson(node)}]`).join(',')}]`).slice(0, 10);
    renamed[id] = `${id}${hash}`;
    if (apply) after.push(() => apply(hash));
  }
  for (const step of after) step();
  for (const [from, to] of Object.entries(renamed)) {
    const pair = resources.items.find((p) => keyOf(p) === from)!;
    (pair.key as Scalar).value = to;
    rewriteReferences(doc, from, to);
  }
  return renamed;
}

/**
 * The parameters, conditions and mappings the nodes use, as named nodes to hash: a parameter by its value
 * (passed, else its Default), a condition and a mapping by their definition (whose own references count too).
 */
function referencedInputs(doc: Document, nodes: unknown[], values: Record<string, string>, where: string): [string, unknown][] {
  const parameters = get(doc.contents, 'Parameters');
  const conditions = get(doc.contents, 'Conditions');
  const mappings = get(doc.contents, 'Mappings');
  const seen = new Set<string>();
  const inputs: [string, unknown][] = [];
  const queue = [...nodes];
  while (queue.length) {
    for (const name of references(queue.shift())) {
      if (seen.has(name)) continue;
      seen.add(name);
      const colon = name.indexOf(':');
      const kind = name.slice(0, colon);
      const key = name.slice(colon + 1);
      if (kind === 'Ref') {
        const declared = get(parameters, key);
        if (declared === undefined) continue; // a resource or a pseudo parameter: the same for every deploy of the stack
        if (String(scalarValue(get(declared, 'NoEcho'))) === 'true') {
          throw new UserError(`${where}: refers to NoEcho parameter ${key}, whose value would go into a logical id; pass a secret by its ARN`);
        }
        const fallback = get(declared, 'Default');
        inputs.push([name, new Scalar(key in values ? values[key] : isSeq(fallback) ? fallback.items.map(scalarValue).join(',') : scalarValue(fallback) ?? null)]);
      } else {
        const definition = get(kind === 'Condition' ? conditions : mappings, key);
        inputs.push([name, definition ?? null]);
        queue.push(definition);
      }
    }
  }
  return inputs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `Ref:X`, `Condition:X` and `Mapping:X` for what a node refers to (Ref, ${X} in Fn::Sub, Fn::If, Condition, Fn::FindInMap). */
function references(node: unknown): Set<string> {
  const found = new Set<string>();
  const sub = (s: unknown) => {
    if (!isScalar(s) || typeof s.value !== 'string') return;
    for (const m of s.value.matchAll(/\$\{([^!}][^}]*)\}/g)) if (!m[1]!.includes('.')) found.add(`Ref:${m[1]!.trim()}`);
  };
  const first = (value: unknown) => (isSeq(value) ? scalarValue(value.items[0]) : undefined);
  const walk = (n: unknown): void => {
    if (isScalar(n)) {
      if (n.tag === '!Ref' || n.tag === '!Condition') found.add(`${n.tag.slice(1)}:${String(n.value)}`);
      else if (n.tag === '!Sub') sub(n);
      return;
    }
    if (isSeq(n)) {
      if (n.tag === '!Sub') sub(n.items[0]);
      if (n.tag === '!If' && first(n) !== undefined) found.add(`Condition:${String(first(n))}`);
      if (n.tag === '!FindInMap' && first(n) !== undefined) found.add(`Mapping:${String(first(n))}`);
      n.items.forEach(walk);
      return;
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        const key = keyOf(pair);
        if ((key === 'Ref' || key === 'Condition') && isScalar(pair.value)) found.add(`${key}:${String(pair.value.value)}`);
        else if (key === 'Fn::Sub') sub(isSeq(pair.value) ? pair.value.items[0] : pair.value);
        else if (key === 'Fn::If' && first(pair.value) !== undefined) found.add(`Condition:${String(first(pair.value))}`);
        else if (key === 'Fn::FindInMap' && first(pair.value) !== undefined) found.add(`Mapping:${String(first(pair.value))}`);
        walk(pair.value);
      }
    }
  };
  walk(node);
  return found;
}

/** Logical ids named by Ref, Fn::GetAtt and ${X} / ${X.Attr} of Fn::Sub in the nodes (parameters included). */
function resourceReferences(nodes: unknown[]): Set<string> {
  const found = new Set<string>();
  const sub = (s: unknown) => {
    if (isScalar(s) && typeof s.value === 'string') for (const m of s.value.matchAll(/\$\{([^!}][^}]*)\}/g)) found.add(m[1]!.trim().split('.')[0]!);
  };
  for (const node of nodes) {
    visit(new Document(node), {
      Scalar: (_, n) => {
        if (n.tag === '!Ref' || n.tag === '!GetAtt') found.add(String(n.value).split('.')[0]!);
        else if (n.tag === '!Sub') sub(n);
      },
      Seq: (_, n) => {
        if (n.tag === '!GetAtt' && isScalar(n.items[0])) found.add(String(n.items[0].value));
        else if (n.tag === '!Sub') sub(n.items[0]);
      },
      Pair: (_, pair) => {
        const key = keyOf(pair);
        if (key === 'Ref' && isScalar(pair.value)) found.add(String(pair.value.value));
        else if (key === 'Fn::GetAtt') found.add(String(isSeq(pair.value) ? scalarValue(pair.value.items[0]) : String(scalarValue(pair.value)).split('.')[0]));
        else if (key === 'Fn::Sub') sub(isSeq(pair.value) ? pair.value.items[0] : pair.value);
      },
    });
  }
  return found;
}

/** The logical id a `!Ref X`, `{ Ref: X }` or `!GetAtt X.Arn` names. */
function refName(node: unknown): string | undefined {
  if (isScalar(node) && (node.tag === '!Ref' || node.tag === '!GetAtt')) return String(node.value).split('.')[0];
  const ref = scalarValue(get(node, 'Ref'));
  return ref === undefined ? undefined : String(ref);
}

/** Appends `(version <hash>)` to a function's Description: to a plain string, else (an intrinsic) through Fn::Join. */
function stampDescription(fn: unknown, fnId: string, hash: string, file: string): void {
  const props = get(fn, 'Properties') as YAMLMap;
  const stamp = `(version ${hash})`;
  const current: unknown = props.get('Description', true);
  if (current === undefined) {
    props.set('Description', stamp);
  } else if (isScalar(current) && typeof current.value === 'string' && !current.tag) {
    if (current.value.endsWith(stamp)) return; // a second version of the same function
    const text = `${current.value} ${stamp}`;
    if (text.length > DESCRIPTION_MAX) throw new UserError(`${file}: ${fnId}.Properties.Description: over ${DESCRIPTION_MAX - stamp.length - 1} characters, no room for "${stamp}"`);
    current.value = text;
  } else {
    if (canonicalJson(current).endsWith(`${JSON.stringify(` ${stamp}`)}]]}`)) return;
    const joined = new YAMLSeq();
    joined.items.push(current, new Scalar(` ${stamp}`));
    const args = new YAMLSeq();
    args.items.push(new Scalar(''), joined);
    const join = new YAMLMap();
    join.items.push(new Pair(new Scalar('Fn::Join'), args));
    props.set('Description', join);
  }
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
