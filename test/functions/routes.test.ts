/**
 * The one route matcher (functions/shared/routes.ts): the functions' router matches an event without an
 * API Gateway `resource` with it, and `cafe-ops dev`'s local API Gateway matches every request with it.
 */
import { findRoute, json, type Route as FunctionRoute } from '../../functions/shared/http';
import { matchRoute } from '../../functions/shared/routes';
import type { Route } from '../../src/lib/dev/app-model';
import type { RouteMatcher } from '../../src/lib/dev/events';

const routes: Route[] = [
  { method: 'GET', resource: '/orders', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/orders/{orderId}', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/orders/mine', authorization: 'NONE', function: 'special' },
  { method: 'POST', resource: '/orders/{orderId}/cancel', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/health', authorization: 'NONE', function: 'health' },
  { method: 'ANY', resource: '/anything', authorization: 'NONE', function: 'any' },
  { method: 'GET', resource: '/anything', authorization: 'NONE', function: 'get' },
];

describe('matchRoute', () => {
  it('matches path parameters, decoded', () => {
    const found = matchRoute(routes, 'POST', '/orders/a%20b/cancel');
    expect(found).toEqual({ kind: 'match', match: { route: routes[3], pathParameters: { orderId: 'a b' } } });
  });

  it('prefers a literal path part to a parameter, as API Gateway does', () => {
    const found = matchRoute(routes, 'GET', '/orders/mine');
    expect(found.kind === 'match' && found.match.route.function).toBe('special');
    const other = matchRoute(routes, 'GET', '/orders/o-1');
    expect(other.kind === 'match' && other.match.route.function).toBe('orders');
  });

  it('tells a known path with another method from an unknown path', () => {
    expect(matchRoute(routes, 'DELETE', '/health')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(matchRoute(routes, 'GET', '/nowhere')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'GET', '/orders/x/y')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'GET', '/orders/%E0%A4%A')).toEqual({ kind: 'none' });
  });

  it('ignores a trailing slash and the method case; ANY only takes the methods not defined otherwise', () => {
    expect(matchRoute(routes, 'get', '/health/').kind).toBe('match');
    const get = matchRoute(routes, 'GET', '/anything');
    const put = matchRoute(routes, 'PUT', '/anything');
    expect([get.kind === 'match' && get.match.route.function, put.kind === 'match' && put.match.route.function]).toEqual(['get', 'any']);
  });

  it('is the matcher the local API Gateway takes from the functions bundle (same shape)', () => {
    const matcher: RouteMatcher = matchRoute;
    expect(matcher(routes, 'GET', '/health').kind).toBe('match');
  });

  it('is the matcher the functions route a path with, so both pick the same route', () => {
    const handle = async () => json(200, {});
    const fnRoutes: FunctionRoute[] = routes.filter((r) => r.method !== 'ANY').map((r) => ({ method: r.method, resource: r.resource, access: 'public', handle }));
    for (const [method, path] of [['GET', '/orders/mine'], ['GET', '/orders/o-7'], ['POST', '/orders/o%2F7/cancel'], ['GET', '/health/']] as const) {
      const local = matchRoute(routes, method, path);
      const inFunction = findRoute(fnRoutes, { httpMethod: method, path });
      expect(local.kind).toBe('match');
      if (local.kind !== 'match') continue;
      expect(inFunction.route?.resource).toBe(local.match.route.resource);
      expect(inFunction.params).toEqual(local.match.pathParameters);
    }
  });
});
