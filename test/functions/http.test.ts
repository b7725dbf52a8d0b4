import { z } from 'zod';
import { conflict } from '../../functions/shared/errors';
import { createApiHandler, findRoute, json, parseBody, type Route } from '../../functions/shared/http';
import { identityFromAuthorizer, identityFromClaims, parseGroups } from '../../functions/shared/identity';
import { apiEvent, bodyOf, MemoryLog } from './support/harness';

describe('identity from Cognito claims', () => {
  it.each([
    ['admin', ['admin']],
    ['admin,staff', ['admin', 'staff']],
    ['[admin staff]', ['admin', 'staff']],
    [['staff', 'admin'], ['staff', 'admin']],
    [undefined, []],
    [42, []],
  ])('cognito:groups %p → %p', (value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });

  it('needs a subject; admin only with the admin group', () => {
    expect(identityFromClaims({ email: 'x@example.com' })).toBeUndefined();
    expect(identityFromClaims({ sub: 'a', 'cognito:groups': 'administrators' })?.isAdmin).toBe(false);
    expect(identityFromClaims({ sub: 'a', email: 'a@example.com', 'cognito:groups': '[staff admin]' })).toEqual({ sub: 'a', email: 'a@example.com', groups: ['staff', 'admin'], isAdmin: true });
  });

  it('reads a COGNITO_USER_POOLS authorizer (claims) and the Lambda authorizer (flat context) alike', () => {
    const expected = { sub: 'a', email: 'a@example.com', groups: ['admin'], isAdmin: true };
    expect(identityFromAuthorizer({ claims: { sub: 'a', email: 'a@example.com', 'cognito:groups': 'admin' } })).toEqual(expected);
    // What API Gateway passes from functions/authorizer's context: principalId and string values.
    expect(identityFromAuthorizer({ principalId: 'a', sub: 'a', email: 'a@example.com', username: 'alice', groups: 'admin', integrationLatency: 12 })).toEqual(expected);
    expect(identityFromAuthorizer({ principalId: 'b', sub: 'b', groups: '' })).toEqual({ sub: 'b', groups: [], isAdmin: false });
    expect(identityFromAuthorizer({ principalId: 'x' })).toBeUndefined();
    expect(identityFromAuthorizer(null)).toBeUndefined();
  });
});

describe('router', () => {
  const routes: Route[] = [
    { method: 'GET', resource: '/things/{id}', access: 'public', handle: async ({ params }) => json(200, { id: params.id }) },
    { method: 'POST', resource: '/things', access: 'customer', writes: true, handle: async () => json(201, {}) },
    {
      method: 'PUT',
      resource: '/things/{id}',
      access: 'admin',
      handle: async () => {
        throw conflict('busy');
      },
    },
    {
      method: 'DELETE',
      resource: '/things/{id}',
      access: 'public',
      handle: async () => {
        throw new Error('secret connection string postgres://user:pw@host');
      },
    },
  ];

  it('matches by resource, or by path when the runner gives no resource', () => {
    expect(findRoute(routes, { httpMethod: 'GET', resource: '/things/{id}', path: '/things/7', pathParameters: { id: '7' } }).params).toEqual({ id: '7' });
    expect(findRoute(routes, { httpMethod: 'GET', path: '/things/a%20b' }).params).toEqual({ id: 'a b' });
    const wrongMethod = findRoute(routes, { httpMethod: 'PATCH', path: '/things/1' });
    expect([wrongMethod.route, wrongMethod.pathKnown]).toEqual([undefined, true]);
    const unknown = findRoute(routes, { httpMethod: 'GET', path: '/nothing' });
    expect([unknown.route, unknown.pathKnown]).toEqual([undefined, false]);
  });

  it('maps refusals and failures to status codes without leaking details', async () => {
    const log = new MemoryLog();
    let paused = false;
    const handler = createApiHandler({ routes, log, writesPaused: async () => ({ paused, retryAfterSeconds: 15 }) });
    expect((await handler(apiEvent('GET', '/nothing'))).statusCode).toBe(404);
    expect((await handler({ httpMethod: 'PATCH', path: '/things/1' })).statusCode).toBe(405);
    expect((await handler(apiEvent('POST', '/things'))).statusCode).toBe(401);
    expect((await handler(apiEvent('PUT', '/things/{id}', { params: { id: '1' }, claims: { sub: 'u' } }))).statusCode).toBe(403);
    expect(bodyOf(await handler(apiEvent('PUT', '/things/{id}', { params: { id: '1' }, claims: { sub: 'u', 'cognito:groups': 'admin' } })))).toEqual({ error: { code: 'conflict', message: 'busy' } });
    paused = true;
    const refused = await handler(apiEvent('POST', '/things', { claims: { sub: 'u' } }));
    expect([refused.statusCode, refused.headers['Retry-After']]).toEqual([503, '15']);
    const failed = await handler(apiEvent('DELETE', '/things/{id}', { params: { id: '1' } }));
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('postgres://');
    expect(bodyOf(failed)).toEqual({ error: { code: 'internal', message: 'internal error', requestId: 'test-request' } });
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(log.lines.filter((l) => l.message === 'request').map((l) => l.fields?.status)).toEqual([404, 405, 401, 403, 409, 503, 500]);
  });

  it('answers the storefront origin with CORS headers, preflights included, and nobody else', async () => {
    const handler = createApiHandler({ routes, log: new MemoryLog(), corsOrigins: ['https://cafe.example.com'] });
    const preflight = await handler(apiEvent('OPTIONS', '/things', { headers: { Origin: 'https://cafe.example.com' } }));
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://cafe.example.com', 'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key' });
    const read = await handler(apiEvent('GET', '/things/{id}', { params: { id: '1' }, headers: { origin: 'https://cafe.example.com' } }));
    expect(read.headers['Access-Control-Allow-Origin']).toBe('https://cafe.example.com');
    const refused = await handler(apiEvent('POST', '/things', { headers: { Origin: 'https://cafe.example.com' } }));
    expect([refused.statusCode, refused.headers['Access-Control-Allow-Origin']]).toEqual([401, 'https://cafe.example.com']);
    const stranger = await handler(apiEvent('GET', '/things/{id}', { params: { id: '1' }, headers: { Origin: 'https://evil.example' } }));
    expect(stranger.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers 503, not 500, when the database is failing over', async () => {
    const handler = createApiHandler({
      log: new MemoryLog(),
      routes: [
        {
          method: 'GET',
          resource: '/x',
          access: 'public',
          handle: async () => {
            throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' });
          },
        },
      ],
    });
    const result = await handler(apiEvent('GET', '/x'));
    expect([result.statusCode, result.headers['Retry-After']]).toEqual([503, '5']);
  });

  it('parses bodies: base64, size limit, JSON errors, every bad field', () => {
    const schema = z.strictObject({ a: z.number(), b: z.string() });
    const headers = { 'Content-Type': 'application/json' };
    expect(parseBody({ httpMethod: 'POST', headers, body: Buffer.from('{"a":1,"b":"x"}').toString('base64'), isBase64Encoded: true }, schema)).toEqual({ a: 1, b: 'x' });
    expect(() => parseBody({ httpMethod: 'POST', headers, body: '{"a":"1","b":2}' }, schema)).toThrow(
      expect.objectContaining({ status: 400, issues: [expect.objectContaining({ field: 'a' }), expect.objectContaining({ field: 'b' })] }),
    );
    expect(() => parseBody({ httpMethod: 'POST', headers, body: 'x'.repeat(20_000) }, schema)).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => parseBody({ httpMethod: 'POST', headers, body: '{' }, schema)).toThrow(expect.objectContaining({ status: 400, message: 'body: is not valid JSON' }));
  });

  it.each([
    ['text/plain', 415],
    ['text/plain;charset=UTF-8', 415],
    ['application/x-www-form-urlencoded', 415],
    ['multipart/form-data; boundary=x', 415],
    ['application/jsonp', 415],
    ['application/json; charset=iso-8859-1', 415],
    [undefined, 415],
    ['application/json', 200],
    ['Application/JSON', 200],
    ['application/json; charset=utf-8', 200],
    ['application/json;charset="UTF-8"', 200],
  ])('a JSON body sent as %p → %p', async (contentType, status) => {
    const handler = createApiHandler({ routes: [{ method: 'POST', resource: '/x', access: 'public', handle: async ({ event }) => json(200, parseBody(event, z.object({ a: z.number() }))) }], log: new MemoryLog() });
    const result = await handler({ httpMethod: 'POST', resource: '/x', path: '/x', headers: contentType ? { 'content-type': contentType } : {}, body: '{"a":1}' });
    expect(result.statusCode).toBe(status);
    if (status === 415) expect(bodyOf<{ error: { code: string; message: string } }>(result).error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('application/json') });
  });

  it('needs no Content-Type for a request without a body', () => {
    expect(parseBody({ httpMethod: 'POST', body: null }, z.optional(z.object({ to: z.string() })))).toBeUndefined();
    expect(parseBody({ httpMethod: 'POST', body: '  ' }, z.optional(z.object({ to: z.string() })))).toBeUndefined();
  });
});
