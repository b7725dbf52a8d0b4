/** The caller, from the Cognito authorizer's claims (event.requestContext.authorizer.claims). */
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
