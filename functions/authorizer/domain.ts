/**
 * The API's Lambda authorizer (TOKEN type): it verifies the customer's Cognito ID token -- signature,
 * issuer, audience (the storefront's app client), token_use "id", expiry -- with aws-jwt-verify, and
 * answers an IAM policy for API Gateway with the claims in its context.
 *
 * Why not API Gateway's COGNITO_USER_POOLS authorizer: it checks tokens against the user pool it names,
 * which lives in the primary region only (Cognito does not replicate it unless multi-Region replication
 * is bought), and AWS does not document how it behaves when that pool's region is down
 * (docs/failover.md, "Sign-in during a regional outage"). This authorizer verifies with keys kept in its
 * own region: the user pool's JWKS, copied into the control table (a DynamoDB global table, so every
 * region has a replica) whenever it is fetched, and read from that copy first. The secondary keeps
 * accepting valid tokens while the primary region, and its Cognito endpoint, is unreachable.
 *
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * https://github.com/awslabs/aws-jwt-verify (CognitoJwtVerifier, cacheJwks, a custom JWKS fetcher)
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, JwtBaseError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, assertIsJwks, type Jwks } from 'aws-jwt-verify/jwk';
import type { Clock, Log } from '../shared/ports';

/** The user pool whose ID tokens the API accepts. */
export interface UserPoolConfig {
  /** <region>_<id>, e.g. eu-west-1_AbC123: fixes the issuer (ORIGINAL or UPDATED format) and the JWKS URI. */
  userPoolId: string;
  /** The storefront's app client: an ID token's aud must be it. */
  clientId: string;
}

/** The copy of a JWKS kept in this region (the control table's replica). */
export interface JwksCopy {
  jwks: Jwks;
  /** When it was fetched from the user pool's endpoint (ISO 8601). */
  fetchedAt: string;
  /** Where it was fetched from. */
  uri: string;
}

export interface JwksStore {
  get(): Promise<JwksCopy | undefined>;
  put(copy: JwksCopy): Promise<void>;
}

/**
 * A copy younger than this is used without asking the user pool. Cognito's keys change rarely; a token
 * signed with a key the copy does not hold (a new key) makes the verifier ask the user pool again anyway.
 */
export const COPY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Where the verifier gets the JWKS: this region's copy when fresh, else the user pool's endpoint (the copy is
 * then rewritten), else -- the endpoint unreachable -- the copy whatever its age. Each JWKS URI is answered
 * from a fresh copy only once per process: a second request for it means the verifier met a key id the copy
 * does not hold, so the endpoint is asked.
 */
export class RegionalJwksFetcher implements Fetcher {
  private readonly servedFromCopy = new Set<string>();

  constructor(
    private readonly upstream: Fetcher,
    private readonly store: JwksStore,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly maxAgeMs = COPY_MAX_AGE_MS,
  ) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const copy = await this.store.get().catch((error: unknown) => {
      this.log.warn('the JWKS copy cannot be read from the control table', { error: (error as Error).message });
      return undefined;
    });
    const age = copy ? this.clock.now().getTime() - Date.parse(copy.fetchedAt) : Infinity;
    if (copy && age < this.maxAgeMs && !this.servedFromCopy.has(uri)) {
      this.servedFromCopy.add(uri);
      return encode(copy.jwks);
    }
    let fetched: Jwks;
    try {
      fetched = parseJwks(await this.upstream.fetch(uri));
    } catch (error) {
      if (!copy) throw error;
      this.log.warn('the user pool JWKS endpoint is unreachable: verifying with the copy kept in this region', {
        uri,
        copyFetchedAt: copy.fetchedAt,
        error: (error as Error).message,
      });
      return encode(copy.jwks);
    }
    if (!copy || JSON.stringify(copy.jwks) !== JSON.stringify(fetched) || age >= this.maxAgeMs) {
      await this.store.put({ jwks: fetched, fetchedAt: this.clock.now().toISOString(), uri }).catch((error: unknown) => {
        this.log.warn('the JWKS copy cannot be written to the control table', { error: (error as Error).message });
      });
    }
    return encode(fetched);
  }
}

function parseJwks(body: ArrayBuffer): Jwks {
  const jwks = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  assertIsJwks(jwks as never);
  return jwks as Jwks;
}

function encode(jwks: Jwks): ArrayBuffer {
  const bytes = Buffer.from(JSON.stringify(jwks), 'utf8');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export type IdTokenVerifier = (token: string) => Promise<Record<string, unknown>>;

/** aws-jwt-verify's Cognito verifier for ID tokens of one app client, its JWKS from `fetcher`. */
export function cognitoIdTokenVerifier(pool: UserPoolConfig, fetcher: Fetcher): IdTokenVerifier {
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: pool.userPoolId, tokenUse: 'id', clientId: pool.clientId },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  return async (token) => (await verifier.verify(token)) as unknown as Record<string, unknown>;
}

/** The claims the functions read, as the authorizer's context: top-level string values only (API Gateway's rule). */
export interface AuthorizerContext {
  [key: string]: string;
  sub: string;
  /** Comma-separated, as the COGNITO_USER_POOLS authorizer passes cognito:groups. */
  groups: string;
}

export type Verdict = { allow: true; principalId: string; context: AuthorizerContext } | { allow: false; reason: string };

/** Raised when no key can be had to check a token with: the API answers 500, not 401 (the token may be valid). */
export class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

/**
 * The verdict on an Authorization header's value: the raw ID token (as the storefront sends it, and as the
 * COGNITO_USER_POOLS authorizer takes it) or "Bearer <token>".
 */
export async function judge(header: string | undefined, verify: IdTokenVerifier): Promise<Verdict> {
  const token = (header ?? '').replace(/^Bearer\s+/i, '').trim();
  if (!token) return { allow: false, reason: 'no token' };
  let claims: Record<string, unknown>;
  try {
    claims = await verify(token);
  } catch (error) {
    if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) {
      throw new KeysUnavailableError(`the user pool's keys are unavailable: ${error.message}`);
    }
    // aws-jwt-verify's error classes leave name at "Error": the class says what failed.
    if (error instanceof JwtBaseError) return { allow: false, reason: error.constructor.name || 'invalid token' };
    throw error;
  }
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (!sub) return { allow: false, reason: 'no sub claim' };
  const groups = claims['cognito:groups'];
  const context: AuthorizerContext = { sub, groups: Array.isArray(groups) ? groups.map(String).join(',') : typeof groups === 'string' ? groups : '' };
  if (typeof claims.email === 'string') context.email = claims.email;
  if (typeof claims['cognito:username'] === 'string') context.username = claims['cognito:username'];
  return { allow: true, principalId: sub, context };
}

/**
 * The resource an Allow names: every method of the stage the request came to. With result caching, API Gateway
 * applies the policy it cached for a token to every method that token calls, so a policy naming only the first
 * method would refuse the customer's next call (the ID token is what is checked; the admin group is checked by
 * the admin routes themselves). https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html
 *   arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{verb}/{resource} -> arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/*
 */
export function stageResource(methodArn: string): string {
  const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\//.exec(methodArn);
  if (!match) throw new Error(`not an API Gateway method ARN: ${methodArn.slice(0, 200)}`);
  return `${match[1]}/*`;
}

export interface PolicyResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow'; Resource: string }[] };
  context: AuthorizerContext;
}

export function allowPolicy(verdict: Extract<Verdict, { allow: true }>, methodArn: string): PolicyResult {
  return {
    principalId: verdict.principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageResource(methodArn) }] },
    context: verdict.context,
  };
}
