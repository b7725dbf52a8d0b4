/**
 * What `cafe-ops dev` runs, read from the same files deploy uses: the app template's REST API
 * (AWS::ApiGateway::Resource tree + Method → its Lambda function), each function's bundle entry
 * (template Code.S3Key → catalog parameter → artifact → functions/<name>/handler.ts), each
 * function's environment variables, and the DynamoDB tables of the data template.
 */
import { resolve } from 'node:path';
import { UserError } from '../errors';
import { sourceFor, type Catalog } from '../stacks/catalog';
import type { CfnTemplate } from '../templates/load';

/**
 * AWS_IAM methods accept any SigV4-signed request locally: there is no IAM to check the signature against.
 * CUSTOM methods run their Lambda authorizer (a TOKEN authorizer of the template, one of its functions).
 */
export type Authorization = 'NONE' | 'COGNITO_USER_POOLS' | 'AWS_IAM' | 'CUSTOM';

export interface LocalFunction {
  /** Logical id in the app template, e.g. MenuFunction. */
  logicalId: string;
  /** Short name, the folder under functions/: menu, orders, order-workflow... */
  name: string;
  /** Catalog artifact, e.g. menu-fn. */
  artifact: string;
  /** Absolute path of the handler module. */
  entry: string;
  /** Environment variables as the template sets them, resolved with local values. */
  environment: Record<string, string>;
  timeoutSeconds: number;
}

export interface Route {
  method: string;
  /** API Gateway resource path, e.g. /orders/{orderId}/cancel. */
  resource: string;
  authorization: Authorization;
  /** Function name (LocalFunction.name) the method integrates with. */
  function: string;
  /** CUSTOM methods: the function (LocalFunction.name) of their TOKEN authorizer. */
  authorizer?: string;
  /** CUSTOM methods: how long a result is cached per token (AuthorizerResultTtlInSeconds; API Gateway's default 300). */
  authorizerTtlSeconds?: number;
}

export interface TableDefinition {
  logicalId: string;
  tableName: string;
  attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  keySchema: { AttributeName: string; KeyType: string }[];
  globalSecondaryIndexes?: unknown[];
  timeToLiveAttribute?: string;
}

export interface AppModel {
  functions: LocalFunction[];
  routes: Route[];
  tables: TableDefinition[];
  /** The state machine's DefinitionSubstitutions, mapped to function names. */
  stateMachine?: { definitionFile: string; substitutions: Record<string, string> };
}

/** Values the local café gives to template parameters and pseudo parameters. */
export type LocalValues = Record<string, string>;

type Json = unknown;

/** Evaluates the intrinsics a local run can answer: Ref to parameters, Fn::Sub, Fn::Join, Fn::Select/Split. */
export function evaluate(value: Json, values: LocalValues, where = ''): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const [fn, arg] = Object.entries(value as Record<string, Json>)[0] ?? [];
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? values[arg] : undefined;
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1] as Record<string, Json>] : [arg, {}];
      if (typeof text !== 'string') return undefined;
      let missing = false;
      const out = text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        const local = vars && name in vars ? evaluate(vars[name], values, where) : values[name];
        if (local === undefined) missing = true;
        return local ?? '';
      });
      return missing ? undefined : out;
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return undefined;
      const parts = (arg[1] as Json[]).map((part) => evaluate(part, values, where));
      return parts.some((p) => p === undefined) ? undefined : parts.join(arg[0]);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg)) return undefined;
      const list = Array.isArray(arg[1]) ? (arg[1] as Json[]).map((v) => evaluate(v, values, where)) : evaluateList(arg[1], values);
      const picked = list?.[Number(arg[0])];
      return picked ?? undefined;
    }
    default:
      return undefined;
  }
}

function evaluateList(value: Json, values: LocalValues): (string | undefined)[] | undefined {
  if (value && typeof value === 'object' && 'Fn::Split' in value) {
    const [sep, text] = (value as { 'Fn::Split': [string, Json] })['Fn::Split'];
    return evaluate(text, values)?.split(sep);
  }
  return undefined;
}

/** The function a method integration invokes: `${XFunction.Arn}`, or `${XAlias}` of an alias of it, in its Uri. */
function integrationTarget(method: Record<string, Json>, resources: CfnTemplate['Resources']): string | undefined {
  const uri = (method.Integration as { Uri?: Json } | undefined)?.Uri;
  const text = typeof uri === 'string' ? uri : (uri as { 'Fn::Sub'?: Json } | undefined)?.['Fn::Sub'];
  const match = typeof text === 'string' ? /\$\{([A-Za-z0-9]+)(\.Arn)?\}/.exec(text) : null;
  return match?.[1] ? aliasedFunction(match[1], resources) : undefined;
}

/** An AWS::Lambda::Alias stands for the function it names (locally there are no versions). */
function aliasedFunction(logicalId: string, resources: CfnTemplate['Resources']): string {
  const resource = resources[logicalId];
  return resource?.Type === 'AWS::Lambda::Alias' ? (refOf((resource.Properties ?? {}).FunctionName as Json) ?? logicalId) : logicalId;
}

function refOf(value: Json): string | undefined {
  if (value && typeof value === 'object' && 'Ref' in value) return String((value as { Ref: string }).Ref);
  return undefined;
}

function isRootRef(value: Json): boolean {
  const getAtt = value && typeof value === 'object' ? (value as { 'Fn::GetAtt'?: Json })['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && getAtt[1] === 'RootResourceId';
}

export interface ModelInputs {
  catalog: Catalog;
  /** Catalog stack that holds the API and functions. */
  appStack: string;
  app: CfnTemplate;
  appFile: string;
  /** Template holding the DynamoDB tables (may be the app template). */
  data?: CfnTemplate;
  /** Local values for the app template's parameters and pseudo parameters. */
  values: LocalValues;
}

export function buildAppModel(inputs: ModelInputs): AppModel {
  const { catalog, app, appFile, values } = inputs;
  const resources = app.Resources;
  const stack = catalog.stacks[inputs.appStack];
  if (!stack) throw new UserError(`stack catalog has no "${inputs.appStack}" stack`);

  const functions: LocalFunction[] = [];
  const byLogicalId = new Map<string, LocalFunction>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties ?? {};
    const keyParam = refOf((props.Code as { S3Key?: Json } | undefined)?.S3Key);
    const source = keyParam ? stack.parameters[keyParam] : undefined;
    const artifactSource = source ? sourceFor(source, 'primary') : undefined;
    const artifact = artifactSource && typeof artifactSource === 'object' && 'artifact' in artifactSource ? artifactSource.artifact : undefined;
    const spec = artifact ? catalog.artifacts[artifact] : undefined;
    if (!artifact || !spec || !('bundle' in spec)) {
      throw new UserError(`${appFile}: ${logicalId}: Code.S3Key must be a parameter the catalog fills from a bundle artifact`);
    }
    const entry = resolve(catalog.root, '..', spec.bundle);
    const name = spec.bundle.split('/').slice(-2, -1)[0] ?? artifact;
    const variables = ((props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    const environment: Record<string, string> = {};
    for (const [key, raw] of Object.entries(variables)) {
      const resolved = evaluate(raw, values, `${logicalId}.${key}`);
      if (resolved !== undefined) environment[key] = resolved;
    }
    const fn: LocalFunction = { logicalId, name, artifact, entry, environment, timeoutSeconds: Number(props.Timeout ?? 3) };
    functions.push(fn);
    byLogicalId.set(logicalId, fn);
  }

  // The resource tree: each resource's full path from the root.
  const paths = new Map<string, string>();
  const pathOf = (logicalId: string, seen: string[] = []): string => {
    const known = paths.get(logicalId);
    if (known) return known;
    const resource = resources[logicalId];
    if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') throw new UserError(`${appFile}: ${logicalId} is not an AWS::ApiGateway::Resource`);
    if (seen.includes(logicalId)) throw new UserError(`${appFile}: resource tree loops at ${logicalId}`);
    const props = resource.Properties ?? {};
    const parent = isRootRef(props.ParentId) ? '' : pathOf(refOf(props.ParentId) ?? '', [...seen, logicalId]);
    const path = `${parent}/${String(props.PathPart)}`;
    paths.set(logicalId, path);
    return path;
  };

  const routes: Route[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const props = resource.Properties ?? {};
    const resourceId = props.ResourceId;
    const path = isRootRef(resourceId) ? '/' : pathOf(refOf(resourceId) ?? '');
    const target = integrationTarget(props, resources);
    const fn = target ? byLogicalId.get(target) : undefined;
    if (!fn) throw new UserError(`${appFile}: ${logicalId}: integration does not invoke a function of this template`);
    const authorization = String(props.AuthorizationType ?? 'NONE');
    if (authorization !== 'NONE' && authorization !== 'COGNITO_USER_POOLS' && authorization !== 'AWS_IAM' && authorization !== 'CUSTOM') {
      throw new UserError(`${appFile}: ${logicalId}: authorization ${authorization} is not supported locally`);
    }
    const authorizer = authorization === 'CUSTOM' ? tokenAuthorizer(logicalId, props.AuthorizerId, resources, byLogicalId, appFile) : undefined;
    routes.push({
      method: String(props.HttpMethod).toUpperCase(),
      resource: path,
      authorization: authorization as Authorization,
      function: fn.name,
      ...(authorizer ? { authorizer: authorizer.fn, authorizerTtlSeconds: authorizer.ttlSeconds } : {}),
    });
  }
  routes.sort((a, b) => a.resource.localeCompare(b.resource) || a.method.localeCompare(b.method));

  const tables = readTables(inputs.data ?? app, { ...values });

  let stateMachine: AppModel['stateMachine'];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const props = resource.Properties ?? {};
    const keyParam = refOf((props.DefinitionS3Location as { Key?: Json } | undefined)?.Key);
    const source = keyParam ? sourceFor(stack.parameters[keyParam] ?? '', 'primary') : undefined;
    const artifact = source && typeof source === 'object' && 'artifact' in source ? catalog.artifacts[source.artifact] : undefined;
    if (!artifact || !('file' in artifact)) continue;
    const substitutions: Record<string, string> = {};
    for (const [key, raw] of Object.entries((props.DefinitionSubstitutions ?? {}) as Record<string, Json>)) {
      const getAtt = raw && typeof raw === 'object' ? (raw as { 'Fn::GetAtt'?: Json })['Fn::GetAtt'] : undefined;
      const ref = refOf(raw);
      const fn = Array.isArray(getAtt) ? byLogicalId.get(String(getAtt[0])) : ref ? byLogicalId.get(aliasedFunction(ref, resources)) : undefined;
      if (fn) substitutions[key] = fn.name;
    }
    stateMachine = { definitionFile: resolve(catalog.root, '..', artifact.file), substitutions };
  }
  return { functions, routes, tables, ...(stateMachine ? { stateMachine } : {}) };
}

/** The function of a CUSTOM method's authorizer: an AWS::ApiGateway::Authorizer of type TOKEN whose AuthorizerUri invokes a function of the template. */
function tokenAuthorizer(method: string, authorizerId: Json, resources: CfnTemplate['Resources'], functions: Map<string, LocalFunction>, appFile: string): { fn: string; ttlSeconds: number } {
  const id = refOf(authorizerId);
  const resource = id ? resources[id] : undefined;
  if (!id || resource?.Type !== 'AWS::ApiGateway::Authorizer') throw new UserError(`${appFile}: ${method}: AuthorizationType CUSTOM needs AuthorizerId: !Ref to an AWS::ApiGateway::Authorizer`);
  const props = resource.Properties ?? {};
  if (props.Type !== 'TOKEN') throw new UserError(`${appFile}: ${id}: a ${String(props.Type)} authorizer is not supported locally (TOKEN is)`);
  const target = integrationTarget({ Integration: { Uri: props.AuthorizerUri } }, resources);
  const fn = target ? functions.get(target) : undefined;
  if (!fn) throw new UserError(`${appFile}: ${id}: AuthorizerUri does not invoke a function of this template`);
  // https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html: 300 when unset, 0 turns caching off.
  const ttl = Number(props.AuthorizerResultTtlInSeconds ?? 300);
  return { fn: fn.name, ttlSeconds: Number.isFinite(ttl) && ttl >= 0 ? ttl : 300 };
}

/** DynamoDB tables (AWS::DynamoDB::Table or GlobalTable) with names resolved from local values. */
export function readTables(template: CfnTemplate, values: LocalValues): TableDefinition[] {
  const tables: TableDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table' && resource.Type !== 'AWS::DynamoDB::GlobalTable') continue;
    const props = resource.Properties ?? {};
    const tableName = evaluate(props.TableName, values) ?? logicalId;
    const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    tables.push({
      logicalId,
      tableName,
      attributeDefinitions: props.AttributeDefinitions as TableDefinition['attributeDefinitions'],
      keySchema: props.KeySchema as TableDefinition['keySchema'],
      ...(Array.isArray(props.GlobalSecondaryIndexes) ? { globalSecondaryIndexes: props.GlobalSecondaryIndexes } : {}),
      ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    });
  }
  return tables;
}
