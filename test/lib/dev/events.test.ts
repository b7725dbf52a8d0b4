import type { Route } from '../../../src/lib/dev/app-model';
import { toProxyEvent } from '../../../src/lib/dev/events';

const routes: Route[] = [
  { method: 'GET', resource: '/orders', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/orders/{orderId}', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/orders/mine', authorization: 'NONE', function: 'special' },
  { method: 'POST', resource: '/orders/{orderId}/cancel', authorization: 'COGNITO_USER_POOLS', function: 'orders' },
  { method: 'GET', resource: '/health', authorization: 'NONE', function: 'health' },
];

describe('toProxyEvent', () => {
  const match = { route: routes[1]!, pathParameters: { orderId: 'o-1' } };
  const now = new Date('2026-11-25T10:00:00Z');

  it('builds a REST API proxy event (payload 1.0) with the authorizer claims', () => {
    const event = toProxyEvent(
      { method: 'get', url: '/orders/o-1?limit=5&tag=a&tag=b', headers: { 'content-type': 'application/json', 'x-multi': ['1', '2'] }, body: Buffer.alloc(0) },
      match,
      { sub: 'u-1', 'cognito:groups': 'admin' },
      now,
    );
    expect(event).toMatchObject({
      resource: '/orders/{orderId}',
      path: '/orders/o-1',
      httpMethod: 'GET',
      pathParameters: { orderId: 'o-1' },
      queryStringParameters: { limit: '5', tag: 'b' },
      multiValueQueryStringParameters: { limit: ['5'], tag: ['a', 'b'] },
      headers: { 'content-type': 'application/json', 'x-multi': '2' },
      multiValueHeaders: { 'x-multi': ['1', '2'] },
      body: null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: { resourcePath: '/orders/{orderId}', httpMethod: 'GET', stage: 'local', requestTimeEpoch: now.getTime(), authorizer: { claims: { sub: 'u-1', 'cognito:groups': 'admin' } } },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves out the authorizer on public methods, and the query when there is none', () => {
    const event = toProxyEvent({ method: 'GET', url: '/health', headers: {}, body: Buffer.alloc(0) }, { route: routes[4]!, pathParameters: {} }, undefined, now);
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(event.queryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
  });

  it('passes text bodies as text and binary bodies base64-encoded', () => {
    const text = toProxyEvent({ method: 'POST', url: '/x', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') }, match, undefined, now);
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const binary = toProxyEvent({ method: 'POST', url: '/x', headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2, 3]) }, match, undefined, now);
    expect(binary).toMatchObject({ body: 'AQID', isBase64Encoded: true });
  });
});
