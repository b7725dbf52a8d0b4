import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../../src/lib/config/load';
import { estimateCosts, type Estimate } from '../../../src/lib/cost/estimate/estimate';
import { DEFAULT_PROFILE, parseUsageProfile, usageProfileSchema } from '../../../src/lib/cost/estimate/profile';
import { budgetLine, estimateMarkdown } from '../../../src/lib/cost/estimate/render';
import { UserError } from '../../../src/lib/errors';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { ENV } from './fixtures';

const root = join(__dirname, '../../..');
const fixtureCatalog = () => {
  const file = join(__dirname, 'fixtures/stacks.yaml');
  return parseCatalog(readFileSync(file, 'utf8'), file);
};
/** A profile small enough to price by hand: 240 orders/day = 10 an hour, 7,300 a month (730 h ÷ 24 = 30.4167 days). */
const PROFILE = usageProfileSchema.parse({
  ordersPerDay: 240, lunchPeakFactor: 3, peakHoursPerDay: 2, pageViewsPerDay: 0, dataStoredGb: 20, dynamoStoredGb: 2,
  apiCallsPerOrder: 10, apiCallsPerPageView: 0, lambdaMsPerCall: 100, dynamoWritesPerOrder: 5, dynamoReadsPerCall: 1,
  auroraIoPerOrder: 100, ordersPerAcuHour: 10, natGbPerMonth: 10,
});

function line(e: Estimate, instance: string, resource: string, item: string) {
  const found = e.lines.find((l) => l.instance === instance && l.resource === resource && l.item === item);
  if (!found) throw new Error(`no line ${instance} ${resource} ${item}; lines: ${e.lines.map((l) => `${l.instance} ${l.resource} ${l.item}`).join(', ')}`);
  return found;
}

describe('cost estimate of a small template, computed by hand', () => {
  let e: Estimate;
  beforeAll(async () => {
    e = await estimateCosts(fixtureCatalog(), ENV, PROFILE);
  });

  it('prices NAT gateways and their addresses per region, with data only where customers are served', () => {
    expect(line(e, 'small@primary', 'NatGatewayA', 'hours')).toMatchObject({ region: 'eu-west-1', idle: 35.04, atProfile: 35.04, formula: '730 h × $0.048/h', nat: true });
    expect(line(e, 'small@primary', 'NatGatewayB', 'data processed')).toMatchObject({ idle: 0, atProfile: 0.24, formula: '10 GB ÷ 2 gateways × $0.048/GB' });
    expect(line(e, 'small@secondary', 'NatGatewayB', 'hours')).toMatchObject({ region: 'eu-central-1', idle: 37.96, atProfile: 37.96 });
    expect(line(e, 'small@secondary', 'NatGatewayA', 'data processed').atProfile).toBe(0);
    expect(line(e, 'small@primary', 'NatAddressA', 'public IPv4 address')).toMatchObject({ idle: 3.65, atProfile: 3.65, formula: '730 h × $0.005/h', nat: true });
  });

  it('prices Aurora Serverless v2 at the minimum capacity idle and scales the serving region with the lunch peak', () => {
    expect(line(e, 'small@primary', 'WriterInstance', 'minimum capacity')).toMatchObject({ idle: 94.9, atProfile: 94.9, formula: '1 ACU × 730 h × $0.13/ACU-h' });
    // 10 orders/h ÷ 10 per ACU-h = +1 ACU off-peak; ×3 at the peak = +3 ACU (within max 4 ACU):
    // 30.4167 d × (2 h × 3 + 22 h × 1) = 851.67 ACU-h × $0.13 = $110.72.
    const scaling = line(e, 'small@primary', 'WriterInstance', 'capacity above minimum');
    expect(scaling).toMatchObject({ idle: 0, atProfile: 110.72 });
    expect(scaling.formula).toContain('(2 h × 3 ACU + 22 h × 1 ACU)');
    expect(line(e, 'small@secondary', 'WriterInstance', 'minimum capacity')).toMatchObject({ idle: 51.1, formula: '0.5 ACU × 730 h × $0.14/ACU-h' });
    expect(e.lines.some((l) => l.instance === 'small@secondary' && l.item === 'capacity above minimum')).toBe(false);
    expect(line(e, 'small@primary', 'Cluster', 'storage (a full copy per region)')).toMatchObject({ idle: 0, atProfile: 2.2, formula: '20 GB × $0.11/GB-month' });
    expect(line(e, 'small@primary', 'Cluster', 'I/O').atProfile).toBe(0.16); // 730,000 I/Os × $0.22/M
    expect(line(e, 'small@secondary', 'Cluster', 'replicated write I/O').atProfile).toBe(0.18); // × $0.24/M
  });

  it('prices the global table in each replica region, on the primary stack only', () => {
    expect(line(e, 'small@primary', 'Table', 'storage')).toMatchObject({ region: 'eu-west-1', atProfile: 0.57 });
    expect(line(e, 'small@primary', 'Table', 'point-in-time recovery').atProfile).toBe(0.45);
    expect(line(e, 'small@primary', 'Table', 'replicated writes (replica in eu-central-1)')).toMatchObject({ region: 'eu-central-1', atProfile: 0.03 });
    expect(line(e, 'small@primary', 'Table', 'storage (replica in eu-central-1)')).toMatchObject({ region: 'eu-central-1', atProfile: 0.61 });
    expect(e.lines.some((l) => l.item === 'point-in-time recovery (replica in eu-central-1)')).toBe(false);
    expect(e.lines.some((l) => l.instance === 'small@secondary' && l.resource === 'Table')).toBe(false);
  });

  it('adds up per region, with the secondary region and NAT shares separate, and lists what it cannot price', () => {
    expect(e.total).toEqual({ idle: 306.6, atProfile: 424.45 });
    expect(e.byRegion).toEqual([
      { region: 'eu-west-1', role: 'primary', idle: 172.28, atProfile: 286.91 },
      { region: 'eu-central-1', role: 'secondary', idle: 134.32, atProfile: 137.54 },
    ]);
    expect(e.byStack).toEqual([
      { stack: 'small', idle: 306.6, atProfile: 424.45, regions: { 'eu-west-1': { idle: 172.28, atProfile: 286.91 }, 'eu-central-1': { idle: 134.32, atProfile: 137.54 } } },
    ]);
    expect(e.secondary).toEqual({ region: 'eu-central-1', idle: 134.32, atProfile: 137.54, idlePercent: 43.8, atProfilePercent: 32.4 });
    expect(e.nat).toEqual({ gateways: 4, idle: 160.6, atProfile: 161.08, idlePercent: 52.4, atProfilePercent: 38 });
    expect(e.unpriced).toEqual([
      { instance: 'small@primary', resource: 'Queue', type: 'AWS::SQS::Queue' },
      { instance: 'small@secondary', resource: 'Queue', type: 'AWS::SQS::Queue' },
    ]);
    expect(e.lines.some((l) => l.type === 'AWS::IAM::Role')).toBe(false);
  });

  it('follows the environment sizes: one NAT gateway per region in staging', async () => {
    const config = parseConfig(readFileSync(join(root, 'cafe-ops.yml'), 'utf8'));
    const staging = await estimateCosts(fixtureCatalog(), selectEnvironment(config, 'staging'), PROFILE);
    expect(staging.nat.gateways).toBe(2);
    expect(staging.nat.idle).toBe(cents2(3.65 * 2 + 35.04 + 37.96));
    expect(line(staging, 'small@primary', 'NatGatewayA', 'data processed').formula).toBe('10 GB ÷ 1 gateways × $0.048/GB');
  });
});

const cents2 = (n: number) => Math.round(n * 100) / 100;

describe('cost estimate of the real catalog', () => {
  const config = parseConfig(readFileSync(join(root, 'cafe-ops.yml'), 'utf8'));
  const catalog = () => {
    const file = join(root, 'templates/stacks.yaml');
    return parseCatalog(readFileSync(file, 'utf8'), file);
  };

  jest.setTimeout(30_000);

  it('is stable, prices every resource type it meets, and every line has a formula that adds up', async () => {
    const env = selectEnvironment(config, 'production');
    const [a, b] = [await estimateCosts(catalog(), env, DEFAULT_PROFILE), await estimateCosts(catalog(), env, DEFAULT_PROFILE)];
    expect(b).toEqual(a);
    expect(a.unpriced).toEqual([]);
    expect(a.lines.length).toBeGreaterThan(50);
    for (const l of a.lines) {
      expect(l.formula).toMatch(/×|\$0/);
      expect(l.atProfile).toBeGreaterThanOrEqual(l.idle);
    }
    expect(a.total.idle).toBe(cents2(a.lines.reduce((s, l) => s + l.idle, 0)));
    expect(a.total.atProfile).toBeGreaterThan(a.total.idle);
    expect(new Set(a.byRegion.map((r) => r.region))).toEqual(new Set(['eu-west-1', 'eu-central-1', 'us-east-1']));
    expect(line(a, 'network@primary', 'NatGatewayA', 'hours').atProfile).toBe(35.04);
    expect(a.nat.gateways).toBe(4);
    expect(a.secondary.idle).toBeGreaterThan(0);
    expect(a.secondary.idle).toBe(a.byRegion.find((r) => r.region === 'eu-central-1')!.idle);
    expect(estimateMarkdown(a, true).split('\n').filter((l) => l.startsWith('| ') && l.includes('@')).length).toBe(a.lines.length);
  });

  it('limits the estimate to one region with --region', async () => {
    const env = selectEnvironment(config, 'production');
    const edge = await estimateCosts(catalog(), env, DEFAULT_PROFILE, { region: 'us-east-1' });
    expect(new Set(edge.lines.map((l) => l.instance))).toEqual(new Set(['edge@edge']));
    expect(edge.byRegion.map((r) => r.region)).toEqual(['us-east-1']);
    expect(edge.secondary.atProfile).toBe(0);
  });

  it('prices staging as a pilot light under $150 idle, with the secondary deployed and replicated', async () => {
    const staging = await estimateCosts(catalog(), selectEnvironment(config, 'staging'), DEFAULT_PROFILE);
    expect(staging.unpriced).toEqual([]);
    // The $150 target (docs/cost.md): WAF logs only what a rule blocked, so the health checks add no WAF log records.
    // The app's database user has its own secret, replicated (rotation with alternating users): $0.80, paid for by
    // one dashboard for both regions (dashboards: one) instead of one in each.
    expect(staging.total.idle).toBeLessThanOrEqual(150);
    expect(line(staging, 'security@primary', 'AppDbSecret', 'secret').idle).toBe(0.4);
    expect(staging.lines.filter((l) => l.type === 'AWS::CloudWatch::Dashboard').map((l) => `${l.instance} ${l.resource} ${l.idle}`)).toEqual(['observability@primary Dashboard 3']);
    expect(line(staging, 'app@primary', 'WafLogGroup', 'log ingestion').idle).toBe(0);
    // No NAT; the interface endpoints in one AZ per region.
    expect(staging.nat.gateways).toBe(0);
    expect(line(staging, 'network@secondary', 'SecretsManagerEndpoint', 'interface endpoint hours').formula).toBe('1 AZ × 730 h × $0.012/h');
    // One writer in the primary; the secondary cluster is headless: storage and replication, no instance.
    expect([...new Set(staging.lines.filter((l) => l.type === 'AWS::RDS::DBInstance').map((l) => `${l.instance} ${l.resource}`))]).toEqual(['data@primary WriterInstance']);
    expect(line(staging, 'data@secondary', 'Cluster', 'replicated write I/O').atProfile).toBeGreaterThan(0);
    // Every global table keeps its replica in the secondary region.
    expect(staging.lines.filter((l) => /replica in eu-central-1/.test(l.item) && l.item.startsWith('storage')).length).toBe(4);
    // Health checks every 30 s from 3 checker regions: 3/8 of the checkers, a third of the rate.
    expect(line(staging, 'edge@edge', 'PrimaryHealthCheck', 'health check').formula).toBe('$0.5 + 1 features (HTTPS) × $1');
    expect(line(staging, 'app@primary', 'RestApi', 'REST API requests').formula).toContain('0.526 M health');
    // No tracing, no detailed metrics, no provisioned concurrency.
    expect(staging.lines.filter((l) => l.item === 'X-Ray traces recorded').reduce((sum, l) => sum + l.idle, 0)).toBe(0);
    expect(line(staging, 'app@primary', 'ApiStage', 'detailed metrics').idle).toBe(0);
    expect(line(staging, 'app@primary', 'OrdersAlias', 'provisioned concurrency').idle).toBe(0);
  });

  it('prices production as a warm standby with provisioned concurrency and a capacity mode per table', async () => {
    const production = await estimateCosts(catalog(), selectEnvironment(config, 'production'), DEFAULT_PROFILE);
    const staging = await estimateCosts(catalog(), selectEnvironment(config, 'staging'), DEFAULT_PROFILE);
    expect(production.nat.gateways).toBe(4);
    expect(production.lines.filter((l) => l.type === 'AWS::RDS::DBInstance' && l.item === 'minimum capacity')).toHaveLength(4);
    // 2 warm environments × 0.5 GB × 730 h × 3600 s × $0.0000033334/GB-s = $8.76.
    expect(line(production, 'app@primary', 'OrdersAlias', 'provisioned concurrency')).toMatchObject({ idle: 8.76, atProfile: 8.76 });
    expect(line(production, 'app@secondary', 'PaymentsAlias', 'provisioned concurrency').idle).toBe(4.38);
    expect(line(production, 'app@primary', 'OrdersFunction', 'compute (arm64, on provisioned concurrency)').formula).toContain('$0.0000077778/GB-s');
    // The menu table is provisioned (2 WCU, 5 RCU minimum in each replica); the others on demand.
    expect(line(production, 'data@primary', 'MenuTable', 'provisioned write capacity')).toMatchObject({ idle: 1.07, region: 'eu-west-1' }); // 2 × 730 × $0.000735
    expect(line(production, 'data@primary', 'MenuTable', 'provisioned read capacity (replica in eu-central-1)').idle).toBe(0.58); // 5 × 730 × $0.0001586
    expect(line(production, 'data@primary', 'CartsTable', 'writes').idle).toBe(0);
    // Cognito PLUS has no free tier: 3,000 MAU × $0.02.
    expect(line(production, 'identity@primary', 'UserPool', 'monthly active users (PLUS)').atProfile).toBe(60);
    // Detailed metrics: 5 per method; idle only the health route.
    expect(line(production, 'app@primary', 'ApiStage', 'detailed metrics').idle).toBe(1.5);
    // A dashboard in each region (dashboards: per-region).
    expect(production.lines.filter((l) => l.type === 'AWS::CloudWatch::Dashboard').map((l) => l.instance).sort()).toEqual(['observability@primary', 'observability@secondary']);
    expect(staging.total.idle).toBeLessThan(production.total.idle / 4);
  });

  it('compares the estimate with the environment\'s monthly budget', async () => {
    const env = selectEnvironment(config, 'staging');
    const fits = await estimateCosts(catalog(), { ...env, monthlyBudget: 10_000 }, DEFAULT_PROFILE);
    expect(fits.budget).toEqual({ monthly: 10_000, idlePercent: Math.round(fits.total.idle / 10) / 10, atProfilePercent: Math.round(fits.total.atProfile / 10) / 10, status: 'ok' });
    const between = Math.round((fits.total.idle + fits.total.atProfile) / 2);
    expect((await estimateCosts(catalog(), { ...env, monthlyBudget: between }, DEFAULT_PROFILE)).budget.status).toBe('over at profile');
    const tight = await estimateCosts(catalog(), { ...env, monthlyBudget: 100 }, DEFAULT_PROFILE);
    expect(tight.budget.status).toBe('over idle');
    expect(budgetLine(tight)).toBe(`the environment costs more idle ($${tight.total.idle.toFixed(2)}, ${tight.budget.idlePercent} %) than its monthly budget of $100.00 in cafe-ops.yml`);
  });
});

describe('usage profile', () => {
  it('fills defaults and validates the keys and values of --usage', () => {
    expect(parseUsageProfile('ordersPerDay: 1000\n')).toEqual({ ...DEFAULT_PROFILE, ordersPerDay: 1000 });
    expect(parseUsageProfile('{"pageViewsPerDay": 5}').pageViewsPerDay).toBe(5);
    expect(() => parseUsageProfile('ordersPerDy: 10\n', 'usage.yml')).toThrow('usage.yml: (top level): unknown key "ordersPerDy"');
    expect(() => parseUsageProfile('ordersPerDay: -1\n', 'usage.yml')).toThrow(/^usage.yml: ordersPerDay: /);
    expect(() => parseUsageProfile('lunchPeakFactor: 0.5\n')).toThrow(UserError);
    expect(() => parseUsageProfile('ordersPerDay: [unclosed\n', 'usage.yml')).toThrow('usage.yml: not valid YAML or JSON');
  });
});
