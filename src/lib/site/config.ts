/**
 * The storefront's config.json: where the API is and how people sign in. `cafe-ops dev` serves the
 * local one; deploy writes the AWS one next to the built site, from the stacks' outputs.
 */
export type SiteConfig =
  | { apiUrl: string; environment: string; auth: { kind: 'local'; tokenUrl: string } }
  | { apiUrl: string; environment: string; auth: { kind: 'cognito'; domain: string; clientId: string; redirectUri: string } };

export function localSiteConfig(): SiteConfig {
  return { apiUrl: '', environment: 'local', auth: { kind: 'local', tokenUrl: '/_dev/token' } };
}

export interface DeployedOutputs {
  environment: string;
  /** Region of the identity stack (Cognito's hosted UI is regional). */
  identityRegion: string;
  /** edge.ApiUrl: the API's failover name. */
  apiUrl: string;
  /** edge.SiteUrl: the storefront, the app client's callback URL. */
  siteUrl: string;
  /** identity.UserPoolDomain: the hosted UI domain prefix. */
  userPoolDomain: string;
  /** identity.UserPoolClientId. */
  userPoolClientId: string;
}

const DEPLOYED_KEYS = ['environment', 'identityRegion', 'apiUrl', 'siteUrl', 'userPoolDomain', 'userPoolClientId'] as const;

/** The deployed config from the values the catalog's site hook gathers (see templates/stacks.yaml, edge). */
export function siteConfigFromValues(values: Record<string, string>): SiteConfig {
  const missing = DEPLOYED_KEYS.filter((key) => !values[key]);
  if (missing.length > 0) throw new Error(`the site hook's config lacks ${missing.join(', ')} (templates/stacks.yaml, edge.after)`);
  return deployedSiteConfig(values as unknown as DeployedOutputs);
}

export function deployedSiteConfig(outputs: DeployedOutputs): SiteConfig {
  const domain = outputs.userPoolDomain.includes('.') ? outputs.userPoolDomain : `${outputs.userPoolDomain}.auth.${outputs.identityRegion}.amazoncognito.com`;
  return {
    apiUrl: outputs.apiUrl.replace(/\/+$/, ''),
    environment: outputs.environment,
    auth: { kind: 'cognito', domain, clientId: outputs.userPoolClientId, redirectUri: outputs.siteUrl.endsWith('/') ? outputs.siteUrl : `${outputs.siteUrl}/` },
  };
}
