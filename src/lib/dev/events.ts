/**
 * API Gateway REST proxy integration, locally: match a request against the template's routes and
 * build the event (payload format 1.0) a Lambda proxy integration receives.
 */
import { randomUUID } from 'node:crypto';
import type { Route } from './app-model';
import type { AuthorizerClaims } from './tokens';

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

export type MatchResult = { kind: 'match'; match: RouteMatch } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'none' };

/**
 * Finds the route for a method and path. There is one matcher, the functions' own
 * (functions/shared/routes.ts), which the local café takes from the functions bundle (see
 * platform.ts): the CLI is compiled apart from the functions, so only its shape is declared here.
 */
export type RouteMatcher = (routes: readonly Route[], method: string, path: string) => MatchResult;

export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: null;
  requestContext: {
    accountId: string;
    apiId: string;
    resourcePath: string;
    httpMethod: string;
    path: string;
    stage: string;
    requestId: string;
    requestTimeEpoch: number;
    requestTime: string;
    protocol: string;
    identity: { sourceIp: string; userAgent: string | null };
    /** A COGNITO_USER_POOLS method's claims, or a Lambda authorizer's principalId and context (flat string values). */
    authorizer?: { claims: AuthorizerClaims } | ({ principalId: string } & Record<string, string>);
  };
  body: string | null;
  isBase64Encoded: boolean;
}

export interface IncomingRequest {
  method: string;
  /** Path and query, e.g. /orders?status=open. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp?: string;
}

export const LOCAL_STAGE = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export function toProxyEvent(request: IncomingRequest, match: RouteMatch, claims: AuthorizerClaims | undefined, now = new Date()): ProxyEvent {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    // API Gateway keeps the client's header case; Node lower-cases them, so the handlers must not depend on case.
    headers[name] = values[values.length - 1]!;
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  const hasQuery = Object.keys(query).length > 0;
  const contentType = headers['content-type'] ?? '';
  const textual = request.body.length === 0 || /^(text\/|application\/(json|x-www-form-urlencoded|xml))/.test(contentType) || contentType === '';
  return {
    resource: match.route.resource,
    path: url.pathname,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1]!])) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      resourcePath: match.route.resource,
      httpMethod: request.method.toUpperCase(),
      path: `/${LOCAL_STAGE}${url.pathname}`,
      stage: LOCAL_STAGE,
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      requestTime: now.toUTCString(),
      protocol: 'HTTP/1.1',
      identity: { sourceIp: request.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
      ...(claims ? { authorizer: { claims } } : {}),
    },
    body: request.body.length === 0 ? null : textual ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: request.body.length > 0 && !textual,
  };
}

/** What a proxy integration returns. */
export interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

export function isProxyResult(value: unknown): value is ProxyResult {
  return Boolean(value) && typeof value === 'object' && typeof (value as ProxyResult).statusCode === 'number';
}
