/**
 * The local stand-in for the Cognito user pool: it signs ID tokens (HS256 JWTs, made and checked by
 * jose) with a key kept in the local data folder, and checks them the way API Gateway's COGNITO_USER_POOLS authorizer does
 * before a protected method runs: a missing, malformed, badly signed or expired token is refused
 * with 401, and a valid token's claims reach the handler as strings under
 * requestContext.authorizer.claims.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseUserName } from './user-name';

export const LOCAL_ISSUER = 'http://localhost/cafe-ops-dev';
export const LOCAL_CLIENT_ID = 'cafe-ops-dev';
export const ADMIN_GROUP = 'admin';

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
  constructor(
    private readonly key: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  /** The issuer whose signing key lives at `file` (created on first use). */
  static async fromKeyFile(file: string, now?: () => number): Promise<LocalTokenIssuer> {
    let key: Buffer;
    try {
      key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      key = randomBytes(32);
      await mkdir(dirname(file), { recursive: true });
      // Create-if-absent in one step (write aside, then link): two processes starting at once agree on one key.
      const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(aside, key.toString('base64'), { mode: 0o600 });
      try {
        await link(aside, file);
      } catch (linkError) {
        if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
        key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
      } finally {
        await unlink(aside);
      }
    }
    return new LocalTokenIssuer(key, now);
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
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'local' }).sign(this.key);
    return { token, claims };
  }

  /** What the authorizer checks: signature (HS256 only), issuer, audience, expiry, and that it is an ID token. */
  async verify(token: string): Promise<VerifyResult> {
    const { jwtVerify, errors } = await jose();
    let claims: IdTokenClaims;
    try {
      const verified = await jwtVerify<IdTokenClaims>(token, this.key, {
        algorithms: ['HS256'],
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
