/**
 * API Gateway REST (proxy, v1) events in, JSON responses out: routing on the method and resource,
 * body parsing with zod (400 naming the field and the reason), identity from the Cognito claims,
 * and one error mapping so that client mistakes are 4xx and nothing leaks a stack trace.
 */
import type * as z from 'zod/mini';
import { HttpError, type FieldIssue, badRequest, forbidden, unauthorised } from './errors';
import { identityFromAuthorizer, type AuthorizerContext, type Identity } from './identity';
import type { ControlPort, Log } from './ports';
import { matchRoute } from './routes';
import { isTransientError } from './transient';

export interface ApiEvent {
  resource?: string;
  path?: string;
  httpMethod: string;
  headers?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string; authorizer?: AuthorizerContext } | null;
}

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

export type ApiHandler = (event: ApiEvent, context?: LambdaContext) => Promise<ApiResult>;

/** Largest request body accepted (bytes); larger → 413. */
export const MAX_BODY_BYTES = 16 * 1024;

export type Access = 'public' | 'customer' | 'admin';

export interface Request {
  event: ApiEvent;
  params: Record<string, string>;
  query: Record<string, string>;
  identity?: Identity;
  context?: LambdaContext;
}

export interface Route {
  method: string;
  resource: string;
  access: Access;
  /** True for routes that change data: refused while writes are paused. */
  writes?: boolean;
  handle(request: Request): Promise<ApiResult>;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
export const noContent = (): ApiResult => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' });

/**
 * The route for an event: API Gateway already chose the resource (event.resource), so only the
 * method is left to pick; an event without one (a direct invocation) is matched on its path by the
 * shared matcher (./routes.ts), the one `cafe-ops dev` serves requests with.
 */
export function findRoute(routes: Route[], event: ApiEvent): { route?: Route; params: Record<string, string>; pathKnown: boolean } {
  const method = event.httpMethod.toUpperCase();
  const fromEvent = Object.fromEntries(Object.entries(event.pathParameters ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (event.resource) {
    const atResource = routes.filter((r) => r.resource === event.resource);
    const route = atResource.find((r) => r.method === method) ?? atResource.find((r) => r.method === 'ANY');
    return { ...(route ? { route } : {}), params: fromEvent, pathKnown: atResource.length > 0 };
  }
  const found = matchRoute(routes, method, event.path ?? '');
  if (found.kind !== 'match') return { params: {}, pathKnown: found.kind === 'method-not-allowed' };
  return { route: found.match.route, params: { ...found.match.pathParameters, ...fromEvent }, pathKnown: true };
}

/** A JSON body's Content-Type: application/json, parameters allowed, a charset only if UTF-8. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => {
    const [name, raw] = param.split('=').map((p) => p.trim());
    return name !== 'charset' || (raw ?? '').replace(/^"|"$/g, '') === 'utf-8';
  });
}

const headerOf = (event: ApiEvent, name: string) => Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

export function zodIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.length ? issue.path.map(String).join('.') : 'body', reason: issue.message }));
}

/** Parses a value with a schema; a failure is a 400 naming every bad field. */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error).map((i) => ({ ...i, field: prefix ? (i.field === 'body' ? prefix : `${prefix}.${i.field}`) : i.field }));
  const [first, ...more] = issues;
  throw badRequest(first!.field, first!.reason, more);
}

/** The JSON body of a request, size-limited, parsed with `schema`. */
export function parseBody<S extends z.ZodMiniType>(event: ApiEvent, schema: S): z.infer<S> {
  let raw = event.body ?? '';
  if (event.isBase64Encoded) raw = Buffer.from(raw, 'base64').toString('utf8');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(413, 'too_large', `body: larger than ${MAX_BODY_BYTES} bytes`, [{ field: 'body', reason: `larger than ${MAX_BODY_BYTES} bytes` }]);
  }
  // A body is JSON only when it says so: a text/plain or form POST (which a browser sends
  // cross-origin without a preflight) is refused before it is read.
  const contentType = headerOf(event, 'content-type');
  if (raw.trim() !== '' && !isJsonContentType(contentType)) {
    throw new HttpError(415, 'unsupported_media_type', `the body must be JSON, sent with Content-Type: application/json${contentType ? ` (not ${contentType.slice(0, 60)})` : ''}`, [
      { field: 'Content-Type', reason: 'must be application/json' },
    ]);
  }
  let value: unknown;
  try {
    value = raw.trim() === '' ? undefined : JSON.parse(raw);
  } catch {
    throw badRequest('body', 'is not valid JSON');
  }
  return parseWith(schema, value);
}

function errorResult(error: HttpError): ApiResult {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.issues.length) body.issues = error.issues;
  return json(error.status, { error: body }, error.headers);
}

export interface RouterOptions {
  routes: Route[];
  log: Log;
  /** Checked before any route with `writes: true`. */
  writesPaused?: () => Promise<{ paused: boolean; retryAfterSeconds: number }>;
  /** Origins allowed to call the API from a browser (the storefront's), e.g. from CORS_ORIGINS. */
  corsOrigins?: string[];
}

/** CORS_ORIGINS: comma-separated origins allowed to call the API from a browser. */
export const corsOriginsFrom = (env: Record<string, string | undefined> = process.env) =>
  (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

function corsHeaders(event: ApiEvent, allowed: string[] | undefined): Record<string, string> {
  const origin = headerOf(event, 'origin');
  if (!origin || !allowed?.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/** A Lambda handler serving `routes`: authorisation, maintenance, errors and one log line per request. */
export function createApiHandler(options: RouterOptions): ApiHandler {
  const { routes, log } = options;
  return async (event, context) => {
    const started = Date.now();
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId;
    let result: ApiResult;
    let route: Route | undefined;
    try {
      const found = findRoute(routes, event);
      route = found.route;
      if (event.httpMethod.toUpperCase() === 'OPTIONS' && found.pathKnown) {
        return { statusCode: 204, headers: { ...corsHeaders(event, options.corsOrigins), 'Cache-Control': 'no-store' }, body: '' };
      }
      if (!route) throw found.pathKnown ? new HttpError(405, 'method_not_allowed', `${event.httpMethod} is not allowed here`) : new HttpError(404, 'not_found', 'no such route');
      const identity = identityFromAuthorizer(event.requestContext?.authorizer);
      if (route.access !== 'public' && !identity) throw unauthorised();
      if (route.access === 'admin' && !identity?.isAdmin) throw forbidden();
      if (route.writes && options.writesPaused) {
        const state = await options.writesPaused();
        if (state.paused) {
          throw new HttpError(503, 'writes_paused', 'the café is switching regions; try again shortly', [], { 'Retry-After': String(state.retryAfterSeconds) });
        }
      }
      const query = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      result = await route.handle({ event, params: found.params, query, identity, ...(context ? { context } : {}) });
    } catch (error) {
      if (error instanceof HttpError) {
        result = errorResult(error);
      } else if (isTransientError(error)) {
        log.warn('database unavailable', { error: { name: (error as Error).name, code: (error as { code?: string }).code, message: (error as Error).message } });
        result = errorResult(new HttpError(503, 'unavailable', 'the database is unavailable; try again shortly', [], { 'Retry-After': '5' }));
      } else {
        log.error('request failed', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
        result = json(500, { error: { code: 'internal', message: 'internal error', requestId } });
      }
    }
    log.info('request', { method: event.httpMethod, resource: route?.resource ?? event.resource ?? event.path, status: result.statusCode, ms: Date.now() - started, requestId });
    return { ...result, headers: { ...result.headers, ...corsHeaders(event, options.corsOrigins) } };
  };
}

/** The router's maintenance check over the control table's switch. */
export function writesPausedFrom(control: ControlPort) {
  return async () => {
    const state = await control.maintenance();
    return { paused: state.writesPaused, retryAfterSeconds: state.retryAfterSeconds };
  };
}
