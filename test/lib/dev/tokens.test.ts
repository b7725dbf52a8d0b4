import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTokenIssuer, localSub, toAuthorizerClaims } from '../../../src/lib/dev/tokens';

const key = Buffer.alloc(32, 7);

describe('LocalTokenIssuer', () => {
  let now = Date.parse('2026-11-25T10:00:00Z');
  const issuer = new LocalTokenIssuer(key, () => now);
  beforeEach(() => (now = Date.parse('2026-11-25T10:00:00Z')));

  it('issues ID tokens with the claims Cognito puts in them, and verifies them', () => {
    const { token, claims } = issuer.issue({ user: 'alice' });
    expect(token.split('.')).toHaveLength(3);
    expect(claims).toMatchObject({ sub: localSub('alice'), email: 'alice@example.com', 'cognito:username': 'alice', token_use: 'id' });
    expect(claims['cognito:groups']).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(3600);
    expect(issuer.verify(token)).toEqual({ ok: true, claims });
  });

  it('puts admins in the admin group', () => {
    expect(issuer.issue({ user: 'bob', admin: true }).claims['cognito:groups']).toEqual(['admin']);
  });

  it('gives each user a stable UUID-shaped sub', () => {
    expect(localSub('alice')).toBe(localSub('alice'));
    expect(localSub('alice')).not.toBe(localSub('bob'));
    expect(localSub('alice')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses expired, tampered, foreign and malformed tokens', () => {
    const { token } = issuer.issue({ user: 'alice', ttlSeconds: 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), 'cognito:groups': ['admin'] })).toString('base64url');
    expect(issuer.verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'bad signature' });
    expect(new LocalTokenIssuer(Buffer.alloc(32, 8), () => now).verify(token)).toEqual({ ok: false, reason: 'bad signature' });
    expect(issuer.verify('not-a-token')).toEqual({ ok: false, reason: 'not a JWT' });
    expect(issuer.verify('a.b.c')).toEqual({ ok: false, reason: 'not a JWT' });
    expect(issuer.verify(`Bearer ${token}`).ok).toBe(false);
    now += 61_000;
    expect(issuer.verify(token)).toEqual({ ok: false, reason: 'token expired' });
  });

  it.each(['José García', 'Mary Ann', '李', "O'Brien", 'O’Brien', 'Jean-Luc', 'Zoë', 'Ørsted', 'Дмитрий', 'محمد', 'alice@example.com', 'bench-7', 'x'.repeat(64), '李'.repeat(64)])(
    'accepts the name %p (letters of any script, spaces, apostrophes, hyphens; 64 characters at most)',
    (user) => {
      const { claims } = issuer.issue({ user });
      expect(claims['cognito:username']).toBe(user);
      expect(claims.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    },
  );

  it('normalises a name, so one person typed two ways is one user', () => {
    const composed = issuer.issue({ user: 'Jos\u00e9  García ' }).claims;
    const decomposed = issuer.issue({ user: ' Jose\u0301 García' }).claims;
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
  ])('refuses the name %p, saying why', (user, reason) => {
    expect(() => issuer.issue({ user })).toThrow(reason);
  });

  it('keeps its key in the data folder, private, so dev token and dev agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-key-'));
    const file = join(dir, 'nested', 'token.key');
    const first = await LocalTokenIssuer.fromKeyFile(file);
    const second = await LocalTokenIssuer.fromKeyFile(file);
    expect(second.verify(first.issue({ user: 'alice' }).token).ok).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
  });
});

describe('toAuthorizerClaims', () => {
  it('passes every claim as a string, as API Gateway does, groups comma-separated', () => {
    const { claims } = new LocalTokenIssuer(key, () => Date.parse('2026-11-25T10:00:00Z')).issue({ user: 'bob', admin: true });
    const out = toAuthorizerClaims(claims);
    expect(Object.values(out).every((v) => typeof v === 'string')).toBe(true);
    expect(out).toMatchObject({ sub: localSub('bob'), 'cognito:groups': 'admin', email_verified: 'true', exp: 'Wed, 25 Nov 2026 11:00:00 UTC' });
  });
});

describe('the local token key file', () => {
  it('is created once when many issuers start at the same time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cafe-key-')), 'dev', 'token.key');
    const issuers = await Promise.all(Array.from({ length: 8 }, () => LocalTokenIssuer.fromKeyFile(file)));
    const token = issuers[0]!.issue({ user: 'alice' }).token;
    for (const issuer of issuers) expect(issuer.verify(token).ok).toBe(true);
  });
});
