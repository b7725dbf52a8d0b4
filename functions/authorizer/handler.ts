/**
 * The API's Lambda authorizer (TOKEN): API Gateway passes { type: "TOKEN", authorizationToken, methodArn }
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html) and
 * gets back an Allow policy for the stage with the caller's claims as context, which the integration receives
 * as requestContext.authorizer.{sub,email,username,groups}
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * A token that fails verification (unknown key, bad signature, expired, another client, not an ID token) makes
 * the handler throw "Unauthorized", which API Gateway answers with 401; any other error is a 500
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html).
 */
import { SimpleFetcher } from 'aws-jwt-verify/https';
import * as z from 'zod/mini';
import type { Deps, IdentityProvider } from '../shared/deps';
import { baseFromEnv, lazyHandler, required } from '../shared/env/base';
import { dynamoFromEnv, tablesFromEnv } from '../shared/env/dynamo';
import { RegionalJwksFetcher, allowPolicy, cognitoIdTokenVerifier, judge, type PolicyResult } from './domain';
import { dynamoJwksStore } from './jwks-store';

export type AuthorizerDeps = Pick<Deps, 'dynamodb' | 'tables' | 'clock' | 'log'> & { identity: IdentityProvider };

const tokenEvent = z.object({ type: z.literal('TOKEN'), authorizationToken: z.optional(z.string()), methodArn: z.string() });

export type TokenEvent = z.infer<typeof tokenEvent>;

/** The JWKS endpoint is asked with a short deadline (twice at most: SimpleFetcher retries once) before the copy is used. */
export const JWKS_FETCH_TIMEOUT_MS = 1000;

export function createHandler(deps: AuthorizerDeps): (event: unknown) => Promise<PolicyResult> {
  const { identity, log } = deps;
  const fetcher = new RegionalJwksFetcher(identity.jwksSource, dynamoJwksStore(deps.dynamodb, deps.tables.control, identity.userPoolId), deps.clock, log);
  const verify = cognitoIdTokenVerifier(identity, fetcher);
  return async (raw) => {
    const parsed = tokenEvent.safeParse(raw);
    if (!parsed.success) throw new Error('not a TOKEN authorizer event: expected { type: "TOKEN", authorizationToken, methodArn }');
    const verdict = await judge(parsed.data.authorizationToken, verify);
    if (!verdict.allow) {
      // The reason only: never the token.
      log.info('token refused', { reason: verdict.reason });
      throw new Error('Unauthorized');
    }
    return allowPolicy(verdict, parsed.data.methodArn);
  };
}

export const handler = lazyHandler(() => {
  const env = process.env;
  const base = baseFromEnv(env);
  return createHandler({
    ...base,
    dynamodb: dynamoFromEnv(env),
    tables: tablesFromEnv(env),
    identity: {
      userPoolId: required(env, 'USER_POOL_ID'),
      clientId: required(env, 'USER_POOL_CLIENT_ID'),
      jwksSource: new SimpleFetcher({ defaultRequestOptions: { timeout: JWKS_FETCH_TIMEOUT_MS, responseTimeout: JWKS_FETCH_TIMEOUT_MS } }),
    },
  });
});
