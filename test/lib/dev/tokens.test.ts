import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, LOCAL_USER_POOL_ID, LocalTokenIssuer, localSub, toAuthorizerClaims } from '../../../src/lib/dev/tokens';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An RS256 JWT made by hand with node:crypto (RFC 7515 compact serialisation), to check jose's against. */
function handMade(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'local' }, signingKey = key): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(signingKey, 'base64url')}`;
}

describe('LocalTokenIssuer', () => {
  let now = Date.parse('2026-11-25T10:00:00Z');
  const issuer = new LocalTokenIssuer(key, () => now);
  beforeEach(() => (now = Date.parse('2026-11-25T10:00:00Z')));
  const iat = () => Math.floor(now / 1000);
  const idClaims = () => ({ sub: localSub('alice'), 'cognito:username': 'alice', token_use: 'id', iss: LOCAL_ISSUER, aud: LOCAL_CLIENT_ID, iat: iat(), exp: iat() + 60 });

  it('issues ID tokens with the claims Cognito puts in them, and verifies them', async () => {
    const { token, claims } = await issuer.issue({ user: 'alice' });
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: issuer.kid });
    expect(claims).toMatchObject({ iss: `https://cognito-idp.eu-west-1.amazonaws.com/${LOCAL_USER_POOL_ID}`, aud: LOCAL_CLIENT_ID });
    expect(claims).toMatchObject({ sub: localSub('alice'), email: 'alice@example.com', 'cognito:username': 'alice', token_use: 'id' });
    expect(claims['cognito:groups']).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(3600);
    expect(await issuer.verify(token)).toEqual({ ok: true, claims });
  });

  it('accepts RS256 tokens signed by hand with its key, and signs what node:crypto signs', async () => {
    const claims = idClaims();
    expect((await issuer.verify(handMade(claims))).ok).toBe(true);
    const { token } = await issuer.issue({ user: 'alice', ttlSeconds: 60 });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    // RSASSA-PKCS1-v1_5 is deterministic: the same input and key give the same signature.
    expect(token.split('.')[2]).toBe(handMade(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), header).split('.')[2]);
  });

  it("signs tokens that aws-jwt-verify's Cognito verifier (the API's authorizer) accepts with the JWKS it publishes", async () => {
    now = Date.now();
    const verifier = CognitoJwtVerifier.create({ userPoolId: LOCAL_USER_POOL_ID, tokenUse: 'id', clientId: LOCAL_CLIENT_ID });
    verifier.cacheJwks(issuer.jwks());
    const { token } = await issuer.issue({ user: 'bob', admin: true });
    expect(await verifier.verify(token)).toMatchObject({ sub: localSub('bob'), 'cognito:groups': ['admin'], token_use: 'id' });
    expect(issuer.jwks().keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: issuer.kid, alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(issuer.jwks())).not.toMatch(/"d"|"p"|"q"/);
  });

  it('puts admins in the admin group', async () => {
    expect((await issuer.issue({ user: 'bob', admin: true })).claims['cognito:groups']).toEqual(['admin']);
  });

  it('gives each user a stable UUID-shaped sub', () => {
    expect(localSub('alice')).toBe(localSub('alice'));
    expect(localSub('alice')).not.toBe(localSub('bob'));
    expect(localSub('alice')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses expired, tampered, foreign, unsigned and malformed tokens', async () => {
    const { token } = await issuer.issue({ user: 'alice', ttlSeconds: 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), 'cognito:groups': ['admin'] });
    expect(await issuer.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'bad signature' });
    expect(await LocalTokenIssuer.generate(() => now).verify(token)).toEqual({ ok: false, reason: 'bad signature' });
    expect(await issuer.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`)).toEqual({ ok: false, reason: 'unexpected signing algorithm' });
    const hs256 = `${b64({ alg: 'HS256', typ: 'JWT' })}.${p}`;
    expect(await issuer.verify(`${hs256}.${createHmac('sha256', 'secret').update(hs256).digest('base64url')}`)).toEqual({ ok: false, reason: 'unexpected signing algorithm' });
    expect(await issuer.verify(handMade({ ...idClaims(), iss: 'https://elsewhere' }))).toEqual({ ok: false, reason: 'wrong issuer or audience' });
    expect(await issuer.verify(handMade({ ...idClaims(), aud: 'another-client' }))).toEqual({ ok: false, reason: 'wrong issuer or audience' });
    expect(await issuer.verify(handMade({ ...idClaims(), token_use: 'access' }))).toEqual({ ok: false, reason: 'not an ID token' });
    expect(await issuer.verify('not-a-token')).toEqual({ ok: false, reason: 'not a JWT' });
    expect(await issuer.verify('a.b.c')).toEqual({ ok: false, reason: 'not a JWT' });
    expect((await issuer.verify(`Bearer ${token}`)).ok).toBe(false);
    now += 61_000;
    expect(await issuer.verify(token)).toEqual({ ok: false, reason: 'token expired' });
  });

  it.each(['José García', 'Mary Ann', '李', "O'Brien", 'O’Brien', 'Jean-Luc', 'Zoë', 'Ørsted', 'Дмитрий', 'محمد', 'alice@example.com', 'bench-7', 'x'.repeat(64), '李'.repeat(64)])(
    'accepts the name %p (letters of any script, spaces, apostrophes, hyphens; 64 characters at most)',
    async (user) => {
      const { claims } = await issuer.issue({ user });
      expect(claims['cognito:username']).toBe(user);
      expect(claims.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    },
  );

  it('normalises a name, so one person typed two ways is one user', async () => {
    const composed = (await issuer.issue({ user: 'Jos\u00e9  García ' })).claims;
    const decomposed = (await issuer.issue({ user: ' Jose\u0301 García' })).claims;
    expect(composed['cognito:username']).toBe('José García');
    expect(decomposed.sub).toBe(composed.sub);
  });

  it.each([
    ['', 'a user name is required'],
    ['   ', 'a user name is required'],
    ['x'.repeat(65), 'must be at most 64 characters'],
    ['<script>', 'may hold letters'],
    ['-dash', 'starting with a letter or a digit'],
    ["'quoted'", 'starting with a letter or a digit'],
    ['bell\u0007char', 'may hold letters'],
    ['emoji ☕', 'may hold letters'],
    ['semi;colon', 'may hold letters'],
  ])('refuses the name %p, saying why', async (user, reason) => {
    await expect(issuer.issue({ user })).rejects.toThrow(reason);
  });

  it('keeps its key in the data folder, private, so dev token and dev agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-key-'));
    const file = join(dir, 'nested', 'token.key');
    const first = await LocalTokenIssuer.fromKeyFile(file);
    const second = await LocalTokenIssuer.fromKeyFile(file);
    expect((await second.verify((await first.issue({ user: 'alice' })).token)).ok).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(first.kid).toBe(second.kid);
  });
});

describe('toAuthorizerClaims', () => {
  it('passes every claim as a string, as API Gateway does, groups comma-separated', async () => {
    const { claims } = await new LocalTokenIssuer(key, () => Date.parse('2026-11-25T10:00:00Z')).issue({ user: 'bob', admin: true });
    const out = toAuthorizerClaims(claims);
    expect(Object.values(out).every((v) => typeof v === 'string')).toBe(true);
    expect(out).toMatchObject({ sub: localSub('bob'), 'cognito:groups': 'admin', email_verified: 'true', exp: 'Wed, 25 Nov 2026 11:00:00 UTC' });
  });
});

describe('the local token key file', () => {
  it('is created once when many issuers start at the same time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cafe-key-')), 'dev', 'token.key');
    const issuers = await Promise.all(Array.from({ length: 8 }, () => LocalTokenIssuer.fromKeyFile(file)));
    const { token } = await issuers[0]!.issue({ user: 'alice' });
    for (const issuer of issuers) expect((await issuer.verify(token)).ok).toBe(true);
  });
});
