import { deployedSiteConfig, localSiteConfig } from '../../../src/lib/site/config';

describe('the storefront config.json', () => {
  it('points the local storefront at the same origin and the local sign-in', () => {
    expect(localSiteConfig()).toEqual({ apiUrl: '', environment: 'local', auth: { kind: 'local', tokenUrl: '/_dev/token' } });
  });

  it('points the deployed storefront at the API failover name and Cognito\'s hosted UI, from the stack outputs', () => {
    expect(
      deployedSiteConfig({
        environment: 'staging',
        identityRegion: 'eu-west-1',
        apiUrl: 'https://api.staging.cafe.example.com/',
        siteUrl: 'https://staging.cafe.example.com',
        userPoolDomain: 'cafe-staging-111111111111',
        userPoolClientId: 'abc123',
      }),
    ).toEqual({
      apiUrl: 'https://api.staging.cafe.example.com',
      environment: 'staging',
      auth: { kind: 'cognito', domain: 'cafe-staging-111111111111.auth.eu-west-1.amazoncognito.com', clientId: 'abc123', redirectUri: 'https://staging.cafe.example.com/' },
    });
  });

  it('keeps a custom hosted UI domain as it is', () => {
    const config = deployedSiteConfig({ environment: 'p', identityRegion: 'eu-west-1', apiUrl: 'https://a', siteUrl: 'https://s/', userPoolDomain: 'auth.cafe.example.com', userPoolClientId: 'c' });
    expect(config.auth).toMatchObject({ domain: 'auth.cafe.example.com', redirectUri: 'https://s/' });
  });
});
