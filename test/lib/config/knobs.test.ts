import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../../src/lib/config/load';
import { resolvedSizes, sizeValue } from '../../../src/lib/config/knobs';
import { configValue } from '../../../src/lib/deploy/plan';
import { UserError } from '../../../src/lib/errors';

const sample = readFileSync(join(__dirname, '../../../cafe-ops.yml'), 'utf8');
const lines = sample.split('\n');
/** The 1-based line of the first line of the sample that contains text. */
const lineOf = (text: string, after = 0) => lines.findIndex((l, i) => i >= after && l.includes(text)) + 1;

function errorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('per-environment knobs', () => {
  it('reads the sample: a pilot-light staging and a warm-standby production', () => {
    const config = parseConfig(sample);
    const staging = selectEnvironment(config, 'staging');
    const production = selectEnvironment(config, 'production');
    expect(configValue('sizes.natGateways', 'secondary', staging)).toBe(0);
    expect(configValue('sizes.interfaceEndpoints', 'primary', staging)).toBe('one-az');
    expect(configValue('sizes.auroraInstances', 'primary', staging)).toBe(1);
    expect(configValue('sizes.auroraInstances', 'secondary', staging)).toBe(0); // headless
    expect(configValue('sizes.auroraInstances', 'secondary', production)).toBe(2);
    expect(configValue('sizes.provisionedConcurrency.orders', 'primary', staging)).toBe(0);
    expect(configValue('sizes.provisionedConcurrency.payments', 'primary', production)).toBe(2);
    expect(configValue('sizes.dynamoDb.menu.mode', 'primary', production)).toBe('provisioned');
    expect(configValue('sizes.dynamoDb.menu.scaling', 'primary', production)).toBe('5,100,70,2,20,70');
    expect(configValue('sizes.dynamoDb.carts.mode', 'primary', production)).toBe('on-demand');
    expect(configValue('sizes.healthCheck.checkerRegions', 'primary', staging)).toBe('eu-west-1,us-east-1,us-west-2');
    expect(configValue('sizes.healthCheck.checkerRegions', 'primary', production)).toBe('');
    // The rotation stack's RotationSchedule: weekly in staging, a quiet Sunday hour in production.
    expect(configValue('sizes.secretRotation', 'primary', staging)).toBe('rate(7 days)');
    expect(configValue('sizes.secretRotation', 'primary', production)).toBe('cron(0 3 ? * SUN *)');
    expect(configValue('sizes.xraySampling', 'primary', staging)).toBe(0);
    expect(configValue('sizes.apiDetailedMetrics', 'primary', production)).toBe(true);
    // The observability stack's Dashboards: one for both regions in staging, one per region in production.
    expect(configValue('sizes.dashboards', 'secondary', staging)).toBe('one');
    expect(configValue('sizes.dashboards', 'secondary', production)).toBe('per-region');
  });

  it('gives the warm standby to a config written before the knobs existed', () => {
    const sizes = resolvedSizes({ natGateways: 2, auroraMinCapacity: 1, auroraMaxCapacity: 4, logRetentionDays: 30, backupRetentionDays: 7 });
    expect(sizes.auroraInstances).toEqual({ primary: 2, secondary: 2 });
    expect(sizes.interfaceEndpoints).toEqual({ primary: 'every-az', secondary: 'every-az' });
    expect(sizes.cognitoTier).toBe('PLUS');
    expect(sizes.healthCheck).toEqual({ intervalSeconds: 10, checkerRegions: '' });
    expect(sizes.secretRotation).toBe('rate(30 days)');
    expect(sizes.dashboards).toBe('per-region');
    expect(sizes.dynamoDb.idempotency).toMatchObject({ mode: 'on-demand', scaling: '1,1,20,1,1,20' });
    expect(() => sizeValue({ natGateways: 1, auroraMinCapacity: 1, auroraMaxCapacity: 4, logRetentionDays: 30, backupRetentionDays: 7 }, 'sizes.dynamoDb.menu', 'staging')).toThrow(
      'catalog parameter reads config sizes.dynamoDb.menu, which environment staging does not set as one value (name a region or a field)',
    );
  });

  const stagingSizes = lineOf('    sizes:');
  const cases: [string, string, string, RegExp][] = [
    ['a NAT count out of range', 'natGateways: 0 ', 'natGateways: 3 ', new RegExp(`^cafe-ops\\.yml:${lineOf('natGateways: 0')}: environments\\.staging\\.sizes\\.natGateways: .*`)],
    ['a NAT count of the wrong type', 'natGateways: 0 ', 'natGateways: "one" ', /^cafe-ops\.yml:\d+: environments\.staging\.sizes\.natGateways: /],
    ['an unknown endpoint setting', 'interfaceEndpoints: one-az', 'interfaceEndpoints: some', new RegExp(`^cafe-ops\\.yml:${lineOf('interfaceEndpoints: one-az')}: environments\\.staging\\.sizes\\.interfaceEndpoints: `)],
    ['an unknown Aurora posture', 'secondaryAurora: headless', 'secondaryAurora: cold', new RegExp(`^cafe-ops\\.yml:${lineOf('secondaryAurora: headless')}: environments\\.staging\\.sizes\\.secondaryAurora: must be warm or headless$`)],
    ['three Aurora instances', 'auroraInstances: 1 ', 'auroraInstances: 3 ', /^cafe-ops\.yml:\d+: environments\.staging\.sizes\.auroraInstances: /],
    ['negative provisioned concurrency', 'provisionedConcurrency: { orders: 0,', 'provisionedConcurrency: { orders: -1,', new RegExp(`^cafe-ops\\.yml:${lineOf('provisionedConcurrency: { orders: 0')}: environments\\.staging\\.sizes\\.provisionedConcurrency\\.orders: `)],
    ['provisioned concurrency of a function it does not know', 'provisionedConcurrency: { orders: 0,', 'provisionedConcurrency: { admin: 1, orders: 0,', /environments\.staging\.sizes\.provisionedConcurrency: unknown key "admin"$/],
    ['an unknown capacity mode', 'menu: { mode: on-demand }', 'menu: { mode: reserved }', new RegExp(`^cafe-ops\\.yml:${lineOf('menu: { mode: on-demand }')}: environments\\.staging\\.sizes\\.dynamoDb\\.menu\\.mode: must be on-demand or provisioned$`)],
    ['provisioned capacity without its scaling', 'menu: { mode: on-demand }', 'menu: { mode: provisioned }', /environments\.staging\.sizes\.dynamoDb\.menu\.read: is required for provisioned capacity: \{ min, max, targetUtilization \} \(and write likewise\)$/],
    ['scaling on an on-demand table', 'carts: { mode: on-demand }', 'carts: { mode: on-demand, read: { min: 1, max: 2, targetUtilization: 70 } }', /environments\.staging\.sizes\.dynamoDb\.carts\.read: applies to provisioned capacity only \(mode is on-demand\)$/],
    ['a target utilisation out of range', 'carts: { mode: on-demand }', 'carts: { mode: provisioned, read: { min: 1, max: 2, targetUtilization: 95 }, write: { min: 1, max: 2, targetUtilization: 70 } }', /environments\.staging\.sizes\.dynamoDb\.carts\.read\.targetUtilization: must be 20-90 \(per cent\)$/],
    ['max below min', 'carts: { mode: on-demand }', 'carts: { mode: provisioned, read: { min: 5, max: 2, targetUtilization: 70 }, write: { min: 1, max: 2, targetUtilization: 70 } }', /environments\.staging\.sizes\.dynamoDb\.carts\.read\.max: must be at least min$/],
    ['a health-check interval Route 53 does not offer', 'intervalSeconds: 30', 'intervalSeconds: 20', new RegExp(`^cafe-ops\\.yml:${lineOf('intervalSeconds: 30')}: environments\\.staging\\.sizes\\.healthCheck\\.intervalSeconds: must be 10 or 30 \\(the Route 53 request intervals\\)$`)],
    ['too few checker regions', 'checkerRegions: [eu-west-1, us-east-1, us-west-2]', 'checkerRegions: [eu-west-1, us-east-1]', /environments\.staging\.sizes\.healthCheck\.checkerRegions: needs at least 3 regions/],
    ['a checker region Route 53 does not have', 'checkerRegions: [eu-west-1, us-east-1, us-west-2]', 'checkerRegions: [eu-west-1, us-east-1, eu-central-1]', /environments\.staging\.sizes\.healthCheck\.checkerRegions\.2: must be a Route 53 checker region: /],
    ['an unknown Cognito tier', 'cognitoTier: PLUS ', 'cognitoTier: GOLD ', /environments\.staging\.sizes\.cognitoTier: must be LITE, ESSENTIALS or PLUS$/],
    ['a sampling rate above 1', 'xraySampling: 0', 'xraySampling: 5', /environments\.staging\.sizes\.xraySampling: /],
    ['an unknown dashboards setting', 'dashboards: one ', 'dashboards: two ', new RegExp(`^cafe-ops\\.yml:${lineOf('dashboards: one ')}: environments\\.staging\\.sizes\\.dashboards: must be per-region or one$`)],
    ['detailed metrics as a string', 'apiDetailedMetrics: false', 'apiDetailedMetrics: "no"', /environments\.staging\.sizes\.apiDetailedMetrics: /],
    ...(
      [
        ['a rotation less often than every 90 days', 'rate(91 days)'],
        ['a rotation more often than Secrets Manager allows', 'rate(2 hours)'],
        ['a rotation rate in weeks', 'rate(1 week)'],
        ['a plural for one day', 'rate(1 days)'],
        ['a cron of five fields', 'cron(0 3 * * SUN)'],
        ['a bare number', '30'],
      ] as const
    ).map(
      ([name, value]) =>
        [
          name,
          'secretRotation: rate(7 days)',
          `secretRotation: '${value}'`,
          new RegExp(
            `^cafe-ops\\.yml:${lineOf('secretRotation: rate(7 days)')}: environments\\.staging\\.sizes\\.secretRotation: must be rate\\(N days\\) with N from 1 to 90, rate\\(N hours\\) with N from 4 to 24, or cron\\(minutes hours day-of-month month day-of-week year\\)$`,
          ),
        ] as [string, string, string, RegExp],
    ),
  ];
  it.each(cases)('refuses %s in one line naming the file, line and key', (_, from, to, expected) => {
    expect(sample).toContain(from);
    const message = errorOf(sample.replace(from, to));
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(expected);
    expect(Number(/^cafe-ops\.yml:(\d+):/.exec(message)?.[1])).toBeGreaterThan(stagingSizes);
  });

  it('accepts the rotation schedules Secrets Manager takes within 90 days', () => {
    for (const value of ['rate(1 day)', 'rate(90 days)', 'rate(4 hours)', 'rate(24 hours)', 'cron(0 16 1,15 * ? *)']) {
      expect(selectEnvironment(parseConfig(sample.replace('secretRotation: rate(7 days)', `secretRotation: '${value}'`)), 'staging').sizes.secretRotation).toBe(value);
    }
  });

  it('refuses no NAT with the interface endpoints off: the functions would reach no AWS API', () => {
    const message = errorOf(sample.replace('interfaceEndpoints: one-az', 'interfaceEndpoints: \'off\''));
    expect(message).toBe(`cafe-ops.yml:${lineOf('natGateways: 0')}: environments.staging.sizes.natGateways: is 0 in the primary and secondary regions while interfaceEndpoints is off there: the functions would reach neither Secrets Manager nor Step Functions`);
    // Per region: a NAT in the primary, none and no endpoints in the secondary.
    const perRegion = sample.replace('natGateways: 0 ', 'natGateways: { primary: 1, secondary: 0 } ').replace('interfaceEndpoints: one-az', 'interfaceEndpoints: { primary: \'off\', secondary: \'off\' }');
    expect(errorOf(perRegion)).toMatch(/environments\.staging\.sizes\.natGateways\.secondary: is 0 in the secondary region while interfaceEndpoints is off there/);
  });

  it('refuses provisioned concurrency above what a provisioned table it writes may scale to', () => {
    const text = sample
      .replace('provisionedConcurrency: { orders: 0,', 'provisionedConcurrency: { orders: 10,')
      .replace('carts: { mode: on-demand }', 'carts: { mode: provisioned, read: { min: 1, max: 50, targetUtilization: 70 }, write: { min: 1, max: 5, targetUtilization: 70 } }');
    expect(errorOf(text)).toMatch(
      /^cafe-ops\.yml:\d+: environments\.staging\.sizes\.dynamoDb\.carts\.write\.max: is 5, below provisionedConcurrency\.orders \(10\): the warm orders function could write faster than the carts table may ever scale to$/,
    );
    // Enough write capacity, or the table on demand: accepted.
    expect(() => parseConfig(text.replace('max: 5, targetUtilization', 'max: 10, targetUtilization'))).not.toThrow();
    expect(() => parseConfig(sample.replace('provisionedConcurrency: { orders: 0,', 'provisionedConcurrency: { orders: 10,'))).not.toThrow();
  });
});
