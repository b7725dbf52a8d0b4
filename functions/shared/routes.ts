/**
 * The one route matcher of the café: the functions' router (./http.ts) finds its route with it when
 * an event carries no API Gateway `resource`, and `cafe-ops dev`'s local API Gateway
 * (src/lib/dev/api-server.ts, through the functions bundle) matches every request with it. Path
 * parameters are decoded and an exact match wins over a {parameter}, `ANY` only matching methods
 * not defined otherwise — the precedence API Gateway documents for its routes:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html#http-api-develop-routes.evaluation
 * A trailing slash is ignored. Pure: no imports, so the CLI can load it from the functions bundle.
 */

export interface RouteShape {
  method: string;
  /** API Gateway resource path, e.g. /orders/{orderId}/cancel. */
  resource: string;
}

export interface RouteMatch<R extends RouteShape = RouteShape> {
  route: R;
  pathParameters: Record<string, string>;
}

export type MatchResult<R extends RouteShape = RouteShape> =
  | { kind: 'match'; match: RouteMatch<R> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'none' };

function splitPath(path: string): string[] | undefined {
  const parts = path.split('/').filter(Boolean);
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

/** The route for a method and a path (without the query string). */
export function matchRoute<R extends RouteShape>(routes: readonly R[], method: string, path: string): MatchResult<R> {
  const segments = splitPath(path);
  if (!segments) return { kind: 'none' };
  const candidates: { route: R; params: Record<string, string>; score: number }[] = [];
  for (const route of routes) {
    const parts = splitPath(route.resource) ?? [];
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    parts.forEach((part, i) => {
      const seg = segments[i]!;
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
      if (param) params[param[1]!] = seg;
      else if (part === seg) score += 1;
      else ok = false;
    });
    if (ok) candidates.push({ route, params, score });
  }
  if (candidates.length === 0) return { kind: 'none' };
  const best = Math.max(...candidates.map((c) => c.score));
  const atBest = candidates.filter((c) => c.score === best);
  const wanted = method.toUpperCase();
  const hit = atBest.find((c) => c.route.method === wanted) ?? atBest.find((c) => c.route.method === 'ANY');
  if (!hit) return { kind: 'method-not-allowed', allowed: [...new Set(atBest.map((c) => c.route.method))] };
  return { kind: 'match', match: { route: hit.route, pathParameters: hit.params } };
}
