import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../../src/lib/config/load';
import { UserError } from '../../../src/lib/errors';
import { contextValue } from '../../../src/lib/deploy/plan';

const sample = readFileSync(join(__dirname, '../../../cafe-ops.yml'), 'utf8');

function errorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('accepts the shipped sample', () => {
    const config = parseConfig(sample);
    expect(Object.keys(config.environments)).toEqual(['staging', 'production']);
    expect(config.environments.production?.sizes.natGateways).toBe(2);
  });

  it('names the file, line and key of a region typo and suggests the fix', () => {
    const message = errorOf(sample.replace('primaryRegion: eu-west-1', 'primaryRegion: eu-wst-1'));
    expect(message).toBe('cafe-ops.yml:9: environments.staging.primaryRegion: "eu-wst-1" is not an AWS region (did you mean eu-west-1?)');
  });

  it('reports a missing key and an unknown key', () => {
    expect(errorOf(sample.replace('    alertEmail: ops@cafe.example.com\n', ''))).toMatch(/environments\.staging\.alertEmail: is required/);
    expect(errorOf(sample.replace('natGateways: 0 ', 'natGateway: 0 '))).toMatch(/environments\.staging\.sizes.*unknown key "natGateway"/s);
  });

  it('rejects an unquoted account id, equal regions and min > max capacity', () => {
    expect(errorOf(sample.replace('"111111111111"', '1111'))).toMatch(/accountId: /);
    expect(errorOf(sample.replace('secondaryRegion: eu-central-1', 'secondaryRegion: eu-west-1'))).toMatch(/staging\.secondaryRegion: must differ/);
    expect(errorOf(sample.replace('auroraMaxCapacity: 4', 'auroraMaxCapacity: 0.5'))).toMatch(/auroraMaxCapacity/);
  });

  it('takes what the account already has, and passes it to the stacks that would otherwise collide with it', () => {
    const withExisting = sample.replace(
      '    sizes:\n      natGateways: 0 ',
      '    existing:\n      githubOidcProvider: arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com\n      configServiceLinkedRole: true\n    sizes:\n      natGateways: 0 ',
    );
    const staging = selectEnvironment(parseConfig(withExisting), 'staging');
    expect(contextValue('githubOidcProviderArn', 'primary', staging)).toBe('arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com');
    expect(contextValue('configServiceLinkedRole', 'secondary', staging)).toBe('exists');
    // Without the block the stacks create both.
    const plain = selectEnvironment(parseConfig(sample), 'staging');
    expect([contextValue('githubOidcProviderArn', 'primary', plain), contextValue('configServiceLinkedRole', 'primary', plain)]).toEqual(['', 'create']);
    expect(errorOf(withExisting.replace('oidc-provider/token.actions', 'oidc-provider/accounts.google'))).toMatch(
      /environments\.staging\.existing\.githubOidcProvider: must be the ARN of an IAM OIDC provider for token\.actions\.githubusercontent\.com/,
    );
  });

  it('reports YAML syntax errors with a line', () => {
    expect(errorOf('project: cafe\nenvironments: [\n')).toMatch(/^cafe-ops\.yml:\d+: not valid YAML/);
  });

  it('selects an environment or says which exist', () => {
    const config = parseConfig(sample);
    expect(selectEnvironment(config, 'staging')).toMatchObject({ name: 'staging', project: 'cafe', costCenter: 'cafe-platform' });
    expect(() => selectEnvironment(config, 'prod')).toThrow('unknown environment "prod" (known: staging, production)');
    expect(() => selectEnvironment(config, undefined)).toThrow(/choose an environment with --env/);
  });
});
