/**
 * The authorizer's domain: verdicts on ID tokens (aws-jwt-verify's Cognito verifier), the policy it answers, and
 * where the JWKS comes from (this region's copy first, then the user pool's endpoint, then the copy whatever its age).
 */
import { RegionalJwksFetcher, allowPolicy, cognitoIdTokenVerifier, judge, stageResource, KeysUnavailableError, type JwksCopy, type JwksStore } from '../../../functions/authorizer/domain';
import { silentLog, type Log } from '../../../functions/shared/ports';
import { CLIENT_ID, FakeJwksEndpoint, JWKS_URI, POOL_ID, TestPool } from './support';

class MemoryStore implements JwksStore {
  copy?: JwksCopy;
  puts = 0;
  failReads = false;
  async get() {
    if (this.failReads) throw new Error('ProvisionedThroughputExceededException');
    return this.copy;
  }
  async put(copy: JwksCopy) {
    this.puts++;
    this.copy = copy;
  }
}

const at = (iso: string) => ({ now: () => new Date(iso) });
const METHOD_ARN = 'arn:aws:execute-api:eu-central-1:111111111111:abc123/live/POST/orders';

describe('judge: the verdict on an ID token', () => {
  const pool = new TestPool();
  const verify = () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    return cognitoIdTokenVerifier({ userPoolId: POOL_ID, clientId: CLIENT_ID }, new RegionalJwksFetcher(endpoint, new MemoryStore(), { now: () => new Date() }, silentLog));
  };

  it('allows a valid ID token, with its claims as string context values (groups comma-separated)', async () => {
    const verdict = await judge(pool.idToken({ 'cognito:groups': ['admin', 'staff'] }), verify());
    expect(verdict).toEqual({
      allow: true,
      principalId: '7f1c2b3a-1111-4222-8333-444455556666',
      context: { sub: '7f1c2b3a-1111-4222-8333-444455556666', email: 'alice@example.com', username: 'alice', groups: 'admin,staff' },
    });
    // "Bearer <token>" is accepted too; a customer without groups has an empty list.
    expect(await judge(`Bearer ${pool.idToken({ 'cognito:groups': undefined })}`, verify())).toMatchObject({ allow: true, context: { groups: '' } });
  });

  it.each<[string, () => string, string]>([
    ['expired', () => pool.idToken({ exp: Math.floor(Date.now() / 1000) - 10 }), 'JwtExpiredError'],
    ['for another app client', () => pool.idToken({ aud: 'someoneelse' }), 'CognitoJwtInvalidClientIdError'],
    ['an access token', () => pool.idToken({ token_use: 'access', client_id: CLIENT_ID, aud: undefined }), 'CognitoJwtInvalidTokenUseError'],
    ['from another user pool', () => pool.idToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }), 'ParameterValidationError'],
    ['signed with a key the pool does not have', () => new TestPool('key-9').idToken(), 'KidNotFoundInJwksError'],
    ['signed by another key under the pool key id', () => new TestPool('key-1').idToken(), 'JwtInvalidSignatureError'],
    ['tampered with (admin group added)', () => {
      const [h, , s] = pool.idToken({ 'cognito:groups': [] }).split('.');
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(pool.idToken().split('.')[1]!, 'base64url').toString()), 'cognito:groups': ['admin'] })).toString('base64url');
      return `${h}.${forged}.${s}`;
    }, 'JwtInvalidSignatureError'],
    ['not a JWT', () => 'garbage', 'JwtParseError'],
  ])('refuses a token %s', async (_what, token, reason) => {
    expect(await judge(token(), verify())).toEqual({ allow: false, reason });
  });

  it('refuses a missing or empty Authorization header', async () => {
    expect(await judge(undefined, verify())).toEqual({ allow: false, reason: 'no token' });
    expect(await judge('Bearer ', verify())).toEqual({ allow: false, reason: 'no token' });
  });

  it('raises KeysUnavailableError (a 500, not a 401) when no key can be had at all', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    endpoint.reachable = false;
    const verifier = cognitoIdTokenVerifier({ userPoolId: POOL_ID, clientId: CLIENT_ID }, new RegionalJwksFetcher(endpoint, new MemoryStore(), { now: () => new Date() }, silentLog));
    await expect(judge(pool.idToken(), verifier)).rejects.toBeInstanceOf(KeysUnavailableError);
  });
});

describe('the policy', () => {
  it('allows every method of the stage, so a cached result serves the next call of the same token', () => {
    expect(stageResource(METHOD_ARN)).toBe('arn:aws:execute-api:eu-central-1:111111111111:abc123/live/*');
    expect(stageResource('arn:aws-us-gov:execute-api:us-gov-west-1:1:api/live/GET/admin/orders/o-1/advance')).toBe('arn:aws-us-gov:execute-api:us-gov-west-1:1:api/live/*');
    expect(() => stageResource('arn:aws:lambda:eu-west-1:1:function:x')).toThrow('not an API Gateway method ARN');
    expect(allowPolicy({ allow: true, principalId: 's', context: { sub: 's', groups: '' } }, METHOD_ARN)).toEqual({
      principalId: 's',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-central-1:111111111111:abc123/live/*' }] },
      context: { sub: 's', groups: '' },
    });
  });
});

describe('RegionalJwksFetcher: where the keys come from', () => {
  const pool = new TestPool();
  const warnings: string[] = [];
  const log: Log = { ...silentLog, warn: (message) => warnings.push(message) };
  beforeEach(() => (warnings.length = 0));
  const read = (body: ArrayBuffer) => JSON.parse(Buffer.from(body).toString()) as unknown;

  it('fetches from the user pool when there is no copy, and writes the copy', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    const store = new MemoryStore();
    const fetcher = new RegionalJwksFetcher(endpoint, store, at('2026-12-01T10:00:00Z'), log);
    expect(read(await fetcher.fetch(JWKS_URI))).toEqual(pool.jwks());
    expect(endpoint.calls).toEqual([JWKS_URI]);
    expect(store.copy).toEqual({ jwks: pool.jwks(), fetchedAt: '2026-12-01T10:00:00.000Z', uri: JWKS_URI });
  });

  it('answers from a fresh copy without asking the user pool; a second request (an unknown key id) asks it', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    const store = new MemoryStore();
    store.copy = { jwks: pool.jwks(), fetchedAt: '2026-12-01T09:00:00.000Z', uri: JWKS_URI };
    const fetcher = new RegionalJwksFetcher(endpoint, store, at('2026-12-01T10:00:00Z'), log);
    expect(read(await fetcher.fetch(JWKS_URI))).toEqual(pool.jwks());
    expect(endpoint.calls).toEqual([]);
    await fetcher.fetch(JWKS_URI);
    expect(endpoint.calls).toEqual([JWKS_URI]);
    // Same keys, copy still fresh: nothing rewritten.
    expect(store.puts).toBe(0);
  });

  it('refreshes a stale copy from the user pool', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    const store = new MemoryStore();
    store.copy = { jwks: pool.jwks(), fetchedAt: '2026-11-29T10:00:00.000Z', uri: JWKS_URI };
    await new RegionalJwksFetcher(endpoint, store, at('2026-12-01T10:00:00Z'), log).fetch(JWKS_URI);
    expect(endpoint.calls).toHaveLength(1);
    expect(store.copy?.fetchedAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('answers from the copy, whatever its age, while the user pool endpoint is unreachable, and says so', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    endpoint.reachable = false;
    const store = new MemoryStore();
    store.copy = { jwks: pool.jwks(), fetchedAt: '2026-10-01T10:00:00.000Z', uri: JWKS_URI };
    expect(read(await new RegionalJwksFetcher(endpoint, store, at('2026-12-01T10:00:00Z'), log).fetch(JWKS_URI))).toEqual(pool.jwks());
    expect(endpoint.calls).toHaveLength(1);
    expect(warnings).toEqual(['the user pool JWKS endpoint is unreachable: verifying with the copy kept in this region']);
    expect(store.puts).toBe(0);
  });

  it('fails when neither the endpoint nor a copy answers, and survives a copy that cannot be read', async () => {
    const endpoint = new FakeJwksEndpoint(() => pool.jwks());
    endpoint.reachable = false;
    await expect(new RegionalJwksFetcher(endpoint, new MemoryStore(), at('2026-12-01T10:00:00Z'), log).fetch(JWKS_URI)).rejects.toThrow('ETIMEDOUT');
    const store = new MemoryStore();
    store.failReads = true;
    endpoint.reachable = true;
    expect(read(await new RegionalJwksFetcher(endpoint, store, at('2026-12-01T10:00:00Z'), log).fetch(JWKS_URI))).toEqual(pool.jwks());
    expect(warnings).toContain('the JWKS copy cannot be read from the control table');
  });
});
