/**
 * The caller, from what the API's authorizer passed on in event.requestContext.authorizer: the claims of a
 * COGNITO_USER_POOLS authorizer (under `claims`), or the context of the Lambda authorizer (functions/authorizer:
 * top-level string values sub, email, username, groups, since a Lambda authorizer's context may hold no objects,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 */
export interface Identity {
  sub: string;
  email?: string;
  groups: string[];
  isAdmin: boolean;
}

export type Claims = Record<string, unknown>;

/**
 * API Gateway passes `cognito:groups` as a string: "admin", "admin,staff" or "[admin staff]";
 * a local runner may pass an array.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[,\s]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

export function identityFromClaims(claims: Claims | undefined | null): Identity | undefined {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const groups = parseGroups(claims?.['cognito:groups']);
  const email = typeof claims?.email === 'string' ? claims.email : undefined;
  return { sub, email, groups, isAdmin: groups.includes('admin') };
}

/** What requestContext.authorizer holds: { claims } (COGNITO_USER_POOLS) or the Lambda authorizer's flat context. */
export type AuthorizerContext = ({ claims?: Claims | null } & Record<string, unknown>) | null | undefined;

export function claimsFromAuthorizer(authorizer: AuthorizerContext): Claims | undefined {
  if (!authorizer) return undefined;
  if (authorizer.claims) return authorizer.claims;
  if (typeof authorizer.sub !== 'string') return undefined;
  return {
    sub: authorizer.sub,
    ...(typeof authorizer.email === 'string' && authorizer.email ? { email: authorizer.email } : {}),
    ...(typeof authorizer.username === 'string' ? { 'cognito:username': authorizer.username } : {}),
    'cognito:groups': authorizer.groups,
  };
}

export const identityFromAuthorizer = (authorizer: AuthorizerContext): Identity | undefined => identityFromClaims(claimsFromAuthorizer(authorizer));
