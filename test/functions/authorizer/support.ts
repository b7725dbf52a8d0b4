/** A stand-in Cognito user pool for the authorizer's tests: an RSA key, its JWKS, and ID tokens signed as Cognito signs them. */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Jwks } from 'aws-jwt-verify/jwk';

export const POOL_ID = 'eu-west-1_TestPool1';
export const CLIENT_ID = 'storefrontclient1';
export const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TestPool {
  readonly privateKey: KeyObject;
  constructor(readonly kid = 'key-1') {
    this.privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  jwks(): Jwks {
    const { n, e } = this.privateKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: this.kid, n: String(n), e: String(e) }] };
  }

  /** An ID token (RS256, RFC 7515 compact form) with the claims Cognito puts in one, overridable. */
  idToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      sub: '7f1c2b3a-1111-4222-8333-444455556666',
      email: 'alice@example.com',
      'cognito:username': 'alice',
      'cognito:groups': ['admin'],
      token_use: 'id',
      iss: ISSUER,
      aud: CLIENT_ID,
      auth_time: now,
      iat: now,
      exp: now + 3600,
      ...claims,
    };
    const input = `${b64({ alg: 'RS256', kid: this.kid, ...header })}.${b64(payload)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(this.privateKey, 'base64url')}`;
  }
}

/** A JWKS endpoint stand-in: answers the pool's JWKS, or fails as an unreachable endpoint does. */
export class FakeJwksEndpoint {
  calls: string[] = [];
  reachable = true;
  constructor(public jwks: () => Jwks) {}
  async fetch(uri: string): Promise<ArrayBuffer> {
    this.calls.push(uri);
    if (!this.reachable) {
      const { FetchError } = await import('aws-jwt-verify/error');
      throw new FetchError(uri, 'connect ETIMEDOUT (the primary region is unreachable)');
    }
    const bytes = Buffer.from(JSON.stringify(this.jwks()));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}
