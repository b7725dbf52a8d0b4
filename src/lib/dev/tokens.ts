/**
 * The local stand-in for the Cognito user pool: it signs ID tokens as Cognito does (RS256 JWTs made by jose, with a
 * kid naming the key of its JWKS) with a private key kept in the local data folder, and publishes that JWKS, so the
 * API's real Lambda authorizer (functions/authorizer) verifies them locally exactly as it verifies Cognito's tokens
 * in AWS. Its issuer has the shape of a Cognito user pool's (https://cognito-idp.<region>.amazonaws.com/<poolId>,
 * the only issuer aws-jwt-verify's Cognito verifier accepts) for a pool that exists nowhere: the local authorizer is
 * handed this JWKS directly and never fetches it, so nothing leaves the machine.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *
 * `verify` checks tokens the way API Gateway's COGNITO_USER_POOLS authorizer does, for a template whose methods
 * use one: a missing, malformed, badly signed or expired token is refused, and a valid token's claims reach the
 * handler as strings under requestContext.authorizer.claims.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseUserName } from './user-name';

/** The local user pool: its id fixes the issuer, as a Cognito pool id does (<region>_<id>). */
export const LOCAL_USER_POOL_ID = 'eu-west-1_cafeopsdev';
export const LOCAL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${LOCAL_USER_POOL_ID}`;
export const LOCAL_CLIENT_ID = 'cafeopsdevclient';
export const ADMIN_GROUP = 'admin';
/** The signing key's file in the data folder (a PKCS#8 PEM, mode 0600). */
export const TOKEN_KEY_FILE = 'token-signing-key.pem';

export interface PublicJwk {
  [key: string]: string;
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface TokenRequest {
  user: string;
  admin?: boolean;
  email?: string;
  /** Lifetime in seconds (Cognito's ID tokens default to one hour). */
  ttlSeconds?: number;
}

export interface IdTokenClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  'cognito:username': string;
  'cognito:groups'?: string[];
  token_use: 'id';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  auth_time: number;
}

/** Claims as API Gateway hands them to the function: every value a string. */
export type AuthorizerClaims = Record<string, string>;

export type VerifyResult = { ok: true; claims: IdTokenClaims } | { ok: false; reason: string };

/** jose is an ES module: loaded once, on first use. */
let joseModule: Promise<typeof import('jose', { with: { 'resolution-mode': 'import' } })> | undefined;
const jose = () => (joseModule ??= import('jose'));

/** A stable user id per user name, shaped like Cognito's (a UUID). */
export function localSub(user: string): string {
  const hex = createHash('sha256').update(`cafe-ops-dev:${user}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The local user's e-mail: the name itself when it is one, <name>@example.com for a plain ASCII name, else one made from its sub. */
export function localEmail(user: string): string {
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(user)) return user;
  if (/^[A-Za-z0-9._+-]+$/.test(user)) return `${user}@example.com`;
  return `user-${localSub(user).slice(0, 8)}@example.com`;
}

export class LocalTokenIssuer {
  private readonly publicKey: KeyObject;
  readonly kid: string;

  constructor(
    private readonly privateKey: KeyObject,
    private readonly now: () => number = Date.now,
  ) {
    this.publicKey = createPublicKey(privateKey);
    const { n } = this.publicKey.export({ format: 'jwk' });
    this.kid = createHash('sha256').update(String(n)).digest('base64url').slice(0, 16);
  }

  /** A new issuer with a key of its own (tests). */
  static generate(now?: () => number): LocalTokenIssuer {
    return new LocalTokenIssuer(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, now);
  }

  /** The issuer whose signing key lives at `file` (created on first use). */
  static async fromKeyFile(file: string, now?: () => number): Promise<LocalTokenIssuer> {
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await mkdir(dirname(file), { recursive: true });
      // Create-if-absent in one step (write aside, then link): two processes starting at once agree on one key.
      const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(aside, pem, { mode: 0o600 });
      try {
        await link(aside, file);
      } catch (linkError) {
        if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
        pem = await readFile(file, 'utf8');
      } finally {
        await unlink(aside);
      }
    }
    return new LocalTokenIssuer(createPrivateKey(pem), now);
  }

  /** The JWKS the local user pool would publish at <issuer>/.well-known/jwks.json. */
  jwks(): { keys: PublicJwk[] } {
    const { n, e } = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', n: String(n), e: String(e), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  async issue(request: TokenRequest): Promise<{ token: string; claims: IdTokenClaims }> {
    const user = parseUserName(request.user);
    const iat = Math.floor(this.now() / 1000);
    const claims: IdTokenClaims = {
      sub: localSub(user),
      email: request.email ?? localEmail(user),
      email_verified: true,
      'cognito:username': user,
      ...(request.admin ? { 'cognito:groups': [ADMIN_GROUP] } : {}),
      token_use: 'id',
      iss: LOCAL_ISSUER,
      aud: LOCAL_CLIENT_ID,
      iat,
      auth_time: iat,
      exp: iat + (request.ttlSeconds ?? 3600),
    };
    const { SignJWT } = await jose();
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid }).sign(this.privateKey);
    return { token, claims };
  }

  /** What a COGNITO_USER_POOLS authorizer checks: signature (RS256 only), issuer, audience, expiry, and that it is an ID token. */
  async verify(token: string): Promise<VerifyResult> {
    const { jwtVerify, errors } = await jose();
    let claims: IdTokenClaims;
    try {
      const verified = await jwtVerify<IdTokenClaims>(token, this.publicKey, {
        algorithms: ['RS256'],
        issuer: LOCAL_ISSUER,
        audience: LOCAL_CLIENT_ID,
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
        clockTolerance: 0,
      });
      claims = verified.payload as IdTokenClaims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' };
      if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad signature' };
      if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: 'unexpected signing algorithm' };
      if (error instanceof errors.JWTClaimValidationFailed && (error.claim === 'iss' || error.claim === 'aud')) return { ok: false, reason: 'wrong issuer or audience' };
      if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: `claim ${error.claim} is not valid` };
      return { ok: false, reason: 'not a JWT' };
    }
    if (claims.token_use !== 'id') return { ok: false, reason: 'not an ID token' };
    return { ok: true, claims };
  }
}

/** The claims as API Gateway's Cognito authorizer passes them on: strings, groups comma-separated, times as dates. */
export function toAuthorizerClaims(claims: IdTokenClaims): AuthorizerClaims {
  const out: AuthorizerClaims = {};
  for (const [key, value] of Object.entries(claims)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) out[key] = value.join(',');
    else if (key === 'exp' || key === 'iat' || key === 'auth_time') out[key] = new Date(Number(value) * 1000).toUTCString().replace('GMT', 'UTC');
    else out[key] = String(value);
  }
  return out;
}
