/**
 * The local API Gateway: one HTTP listener that answers the template's routes by invoking the
 * functions with proxy events (running a CUSTOM method's TOKEN authorizer function first, as API Gateway does, and
 * checking ID tokens on COGNITO_USER_POOLS methods; AWS_IAM methods
 * need a SigV4 Authorization header, whose signature is not verified: there is no IAM locally), serves the
 * built storefront at `/`, and offers the local sign-in the storefront uses instead of Cognito's
 * hosted UI (`POST /_dev/token`).
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { join, normalize, sep } from 'node:path';
import type { Route } from './app-model';
import { contentType } from '../site/build';
import { LOCAL_ACCOUNT, LOCAL_STAGE, isProxyResult, toProxyEvent, type ProxyEvent, type ProxyResult, type RouteMatcher } from './events';
import { toAuthorizerClaims, type LocalTokenIssuer } from './tokens';

export interface ApiDeps {
  routes: () => readonly Route[];
  /** The functions' route matcher (functions/shared/routes.ts), from the functions bundle. */
  matchRoute: RouteMatcher;
  /** Runs a function with a proxy event; resolves to what the handler returned. */
  invoke: (fn: string, event: ProxyEvent) => Promise<unknown>;
  issuer: LocalTokenIssuer;
  /** Folder of the built storefront (site/dist). */
  siteDir?: string;
  /** Served as /config.json: what the storefront needs to find the API and sign in. */
  siteConfig: () => Record<string, unknown>;
  /** One line per request, and handler failures. */
  log: (line: string) => void;
  /** Tells the payment sandbox how to answer (POST /_dev/payments {"mode": "decline"}). */
  setPaymentMode?: (mode: 'approve' | 'decline' | 'down') => void;
  /**
   * Why the café cannot serve its routes right now (e.g. its data folder was deleted while running),
   * or undefined: every route, /health included, then answers 503 with that reason.
   */
  unavailable?: () => string | undefined;
  /** Largest accepted request body (API Gateway's limit is 10 MB). */
  maxBodyBytes?: number;
  /** The region in the method ARNs handed to Lambda authorizers. */
  region?: string;
}


export function createApiListener(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const invoked = { value: false };
    handle(deps, req, res, invoked)
      .catch((error: unknown) => {
        deps.log(`error: ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) send(res, 500, { message: 'Internal server error' });
        else res.end();
      })
      .finally(() => {
        // The functions log their own requests; this line covers what API Gateway answers itself.
        if (!invoked.value || res.statusCode >= 500) {
          deps.log(`${req.method} ${req.url} → ${res.statusCode} (${Date.now() - started} ms)`);
        }
      });
  };
}

async function handle(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, invoked: { value: boolean }): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const body = await readBody(req, deps.maxBodyBytes ?? 10 * 1024 * 1024);
  if (body === undefined) return send(res, 413, { message: 'Request Too Long' });

  if (url.pathname.startsWith('/_dev/') && method === 'POST') {
    const refused = controlRefusal(req);
    if (refused) return send(res, refused.status, { message: refused.message });
  }
  if (url.pathname === '/_dev/token' && method === 'POST') return issueToken(deps, body, res);
  if (url.pathname === '/_dev/payments' && method === 'POST' && deps.setPaymentMode) return setPaymentMode(deps.setPaymentMode, body, res);
  if (url.pathname === '/config.json' && (method === 'GET' || method === 'HEAD')) return send(res, 200, deps.siteConfig());

  const found = deps.matchRoute(deps.routes(), method, url.pathname);
  if (found.kind !== 'match') {
    if ((method === 'GET' || method === 'HEAD') && deps.siteDir && (await serveStatic(deps.siteDir, url.pathname, method, res))) return;
    // What API Gateway answers for a path or method the API does not define.
    return send(res, 403, { message: 'Missing Authentication Token' });
  }
  const unavailable = deps.unavailable?.();
  if (unavailable) return send(res, 503, { message: unavailable });
  const { match } = found;
  let claims;
  if (match.route.authorization === 'COGNITO_USER_POOLS') {
    const header = req.headers.authorization;
    const verdict = header ? await deps.issuer.verify(header) : undefined;
    if (!verdict?.ok) return send(res, 401, { message: 'Unauthorized' });
    claims = toAuthorizerClaims(verdict.claims);
  }
  let authorizer: Extract<ProxyEvent['requestContext']['authorizer'], { principalId: string }> | undefined;
  if (match.route.authorization === 'CUSTOM') {
    const outcome = await runAuthorizer(deps, match.route, req.headers.authorization, `${deps.region ?? 'eu-west-1'}`, method, url.pathname);
    if ('status' in outcome) return send(res, outcome.status, { message: outcome.message });
    authorizer = outcome.context;
  }
  // API Gateway answers an unsigned request to an AWS_IAM method 403 before invoking anything.
  if (match.route.authorization === 'AWS_IAM' && !/^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '')) return send(res, 403, { message: 'Missing Authentication Token' });
  const event = toProxyEvent(
    { method, url: req.url ?? '/', headers: req.headers, body, ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}) },
    match,
    claims,
  );
  if (authorizer) event.requestContext.authorizer = authorizer;
  let result: unknown;
  invoked.value = true;
  try {
    result = await deps.invoke(match.route.function, event);
  } catch (error) {
    deps.log(`${match.route.function} failed: ${(error as Error).stack ?? String(error)}`);
    return send(res, 502, { message: 'Internal server error' });
  }
  if (!isProxyResult(result)) {
    deps.log(`${match.route.function} returned no proxy response (statusCode, headers, body) for ${method} ${match.route.resource}`);
    return send(res, 502, { message: 'Internal server error' });
  }
  writeProxyResult(res, result, method);
}

/**
 * A CUSTOM method's TOKEN authorizer, as API Gateway runs it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html): no
 * Authorization header → 401 without invoking it; it throws "Unauthorized" → 401; any other failure or a malformed
 * answer → 500; a policy that does not allow execute-api:Invoke on the method ARN → 403; else its context goes to
 * the integration as requestContext.authorizer. A policy is cached per token for the authorizer's TTL and judged
 * again for each method ARN, as API Gateway does: a policy naming only the first method refuses the token's next call.
 */
async function runAuthorizer(
  deps: ApiDeps,
  route: Route,
  header: string | undefined,
  region: string,
  method: string,
  path: string,
): Promise<{ status: number; message: string | null } | { context: { principalId: string } & Record<string, string> }> {
  if (!header) return { status: 401, message: 'Unauthorized' };
  const fn = route.authorizer ?? '';
  const methodArn = `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT}:local/${LOCAL_STAGE}/${method}${path}`;
  const cache = authorizerCaches.get(deps) ?? new Map<string, CachedPolicy>();
  authorizerCaches.set(deps, cache);
  const key = `${fn}\n${header}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt > Date.now()) {
    return policyAllows(cached.statements, methodArn) ? { context: cached.context } : { status: 403, message: 'User is not authorized to access this resource' };
  }
  let answer: unknown;
  try {
    answer = await deps.invoke(fn, { type: 'TOKEN', authorizationToken: header, methodArn } as unknown as ProxyEvent);
  } catch (error) {
    if ((error as Error).message === 'Unauthorized') return { status: 401, message: 'Unauthorized' };
    deps.log(`${fn} (authorizer) failed: ${(error as Error).stack ?? String(error)}`);
    return { status: 500, message: null };
  }
  const result = answer as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: Record<string, unknown> } | undefined;
  if (!result || typeof result.principalId !== 'string' || !Array.isArray(result.policyDocument?.Statement)) {
    deps.log(`${fn} (authorizer) returned no principalId and policyDocument`);
    return { status: 500, message: null };
  }
  const context: { principalId: string } & Record<string, string> = { principalId: result.principalId };
  // API Gateway passes context values on as strings; objects and arrays are not allowed in it.
  for (const [name, value] of Object.entries(result.context ?? {})) {
    if (value !== null && typeof value === 'object') {
      deps.log(`${fn} (authorizer) put an object in its context (${name}): API Gateway refuses that`);
      return { status: 500, message: null };
    }
    if (value !== undefined && value !== null) context[name] = String(value);
  }
  const ttl = route.authorizerTtlSeconds ?? 300;
  if (ttl > 0) cache.set(key, { expiresAt: Date.now() + ttl * 1000, statements: result.policyDocument.Statement as PolicyStatement[], context });
  if (!policyAllows(result.policyDocument.Statement as PolicyStatement[], methodArn)) return { status: 403, message: 'User is not authorized to access this resource' };
  return { context };
}

interface CachedPolicy {
  expiresAt: number;
  statements: PolicyStatement[];
  context: { principalId: string } & Record<string, string>;
}

/** Each listener's cache of authorizer policies, by authorizer function and Authorization header. */
const authorizerCaches = new WeakMap<ApiDeps, Map<string, CachedPolicy>>();

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

/** An IAM policy allows the call when a statement allows execute-api:Invoke on it and none denies it (wildcards * and ?). */
export function policyAllows(statements: PolicyStatement[], methodArn: string): boolean {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const glob = (pattern: string) => new RegExp('^' + pattern.replace(/[.+^$(){}|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  const applies = (s: PolicyStatement) =>
    list(s.Action).some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke') && list(s.Resource).some((r) => glob(r).test(methodArn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

/**
 * The local control endpoints (/_dev/token, /_dev/payments) change what the local café does, so a
 * web page on another origin must not reach them. A browser sends a cross-origin POST without asking
 * first only as a "simple" request (text/plain, a form), so a JSON Content-Type is required; an
 * Origin (or Sec-Fetch-Site) naming another site is refused; and the Host must be localhost or an IP
 * address, so a DNS name rebound to 127.0.0.1 gets nothing. The storefront, served from the same
 * origin, sends JSON with its own Origin. https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */
export function controlRefusal(req: Pick<IncomingMessage, 'headers'>): { status: number; message: string } | undefined {
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  if (hostname !== 'localhost' && isIP(hostname) === 0) {
    return { status: 403, message: `the local control endpoints answer requests to localhost or an IP address, not ${hostname || 'a missing Host'}` };
  }
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin !== undefined && origin !== `http://${host}`) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    return { status: 403, message: 'cross-origin requests to the local control endpoints are refused' };
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, message: 'send the body as JSON, with Content-Type: application/json' };
  return undefined;
}

async function issueToken(deps: ApiDeps, body: Buffer, res: ServerResponse): Promise<void> {
  let request: { user?: unknown; admin?: unknown };
  try {
    request = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return send(res, 400, { message: 'body must be JSON: {"user": "alice", "admin": false}' });
  }
  if (typeof request.user !== 'string' || !request.user.trim()) return send(res, 400, { message: 'user is required' });
  // The name itself (characters, length) is checked by the issuer, the one place that checks it.
  try {
    const { token, claims } = await deps.issuer.issue({ user: request.user, admin: request.admin === true });
    return send(res, 200, { idToken: token, claims });
  } catch (error) {
    return send(res, 400, { message: (error as Error).message });
  }
}

function setPaymentMode(set: NonNullable<ApiDeps['setPaymentMode']>, body: Buffer, res: ServerResponse): void {
  let mode: unknown;
  try {
    mode = (JSON.parse(body.toString('utf8') || '{}') as { mode?: unknown }).mode;
  } catch {
    mode = undefined;
  }
  if (mode !== 'approve' && mode !== 'decline' && mode !== 'down') return send(res, 400, { message: 'mode must be approve, decline or down' });
  set(mode);
  return send(res, 200, { mode });
}

function writeProxyResult(res: ServerResponse, result: ProxyResult, method: string): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) res.setHeader(name, values.map(String));
  res.statusCode = result.statusCode;
  const body = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  res.end(method === 'HEAD' ? undefined : body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLong = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLong = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLong ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serveStatic(root: string, pathname: string, method: string, res: ServerResponse): Promise<boolean> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    const data = await readFile(file);
    res.writeHead(200, {
      'content-type': contentType(file),
      'content-length': data.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : data);
    return true;
  } catch {
    return false;
  }
}
