import { BudgetsClient, DescribeBudgetCommand, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand, NotFoundException } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, CostExplorerServiceException, DataUnavailableException, GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../src/lib/aws/clients';
import { awsCostPorts, runCostReport, type CostReportOptions } from '../../../src/lib/cost/service';
import { UserError } from '../../../src/lib/errors';
import { createMemoryOutput } from '../../support/memory-output';
import { BILLING_DATAPOINTS, CLOUDFRONT, ENV, FORECAST, LAMBDA, MONTHLY_PAGES, NOTIFICATIONS, NOW, RDS, budget, dailyResponse } from './fixtures';

const ce = mockClient(CostExplorerClient);

/** Cost Explorer does not model AccessDeniedException: the SDK raises its service exception under that name. */
function accessDenied(message: string): CostExplorerServiceException {
  return new CostExplorerServiceException({ name: 'AccessDeniedException', $fault: 'client', message, $metadata: { httpStatusCode: 400, requestId: 'req-1' } });
}
const budgets = mockClient(BudgetsClient);
const cloudWatch = mockClient(CloudWatchClient);

function seedCostExplorer(): void {
  ce.on(GetCostAndUsageCommand, { Granularity: 'MONTHLY' }).callsFake((input: { NextPageToken?: string }) => (input.NextPageToken === 'page-2' ? MONTHLY_PAGES[1] : MONTHLY_PAGES[0]));
  ce.on(GetCostAndUsageCommand, { Granularity: 'DAILY' }).resolves(dailyResponse());
  ce.on(GetCostForecastCommand).resolves(FORECAST);
}

function seedBudgets(page2 = [budget('other-team-monthly', '100', '99'), budget('cafe-production-data-transfer', '700', '650', '900')]): void {
  budgets
    .on(DescribeBudgetsCommand)
    .resolvesOnce({ Budgets: [budget('cafe-production-monthly', '1500.0', '470.97', '823.37')], NextToken: 'budgets-2' })
    .resolvesOnce({ Budgets: page2 });
  budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS });
}

async function report(options: Partial<CostReportOptions> = {}, cacheDir = mkdtempSync(join(tmpdir(), 'cost-cache-')), now = NOW) {
  const memory = createMemoryOutput();
  const ports = { ...(await awsCostPorts(new AwsClients())), clock: { now: () => now } };
  const result = await runCostReport({ env: ENV, months: 1, days: 30, format: 'table', cache: true, cacheDir, ...options }, memory.output, ports);
  return { result, memory, cacheDir };
}

beforeEach(() => {
  ce.reset();
  budgets.reset();
  cloudWatch.reset();
  cloudWatch.on(GetMetricStatisticsCommand).resolves({ Label: 'EstimatedCharges', Datapoints: BILLING_DATAPOINTS });
});
afterAll(() => {
  ce.restore();
  budgets.restore();
  cloudWatch.restore();
});

describe('cost report on Cost Explorer, Budgets and CloudWatch (real response shapes)', () => {
  it('pages, groups and forecasts to the cent, with three queries filtered by the Project and Environment tags', async () => {
    seedCostExplorer();
    seedBudgets();
    const { result } = await report();

    expect(result.source).toBe('cost-explorer');
    expect(result.period).toEqual({ monthStart: '2026-11-01', through: '2026-11-25', monthEnd: '2026-12-01', daysElapsed: 24, daysInMonth: 30 });
    expect(result.monthToDate).toBe(470.97);
    expect(result.lastMonth).toBe(405);
    expect(result.months).toEqual([{ month: '2026-10', total: 405 }, { month: '2026-11', total: 470.97 }]);
    expect(result.forecast).toEqual({ total: 823.37, low: 771.07, high: 881.87, method: 'cost-explorer' });

    // Services: RDS's November groups from two regions and two pages add up; change is against 24/31 of October.
    expect(result.services).toEqual([
      { service: RDS, monthToDate: 370.75, lastMonth: 300, lastMonthSamePeriod: 232.26, change: 138.49, changePercent: 59.6 },
      { service: LAMBDA, monthToDate: 90.12, lastMonth: 100, lastMonthSamePeriod: 77.42, change: 12.7, changePercent: 16.4 },
      { service: CLOUDFRONT, monthToDate: 10.1, lastMonth: 5, lastMonthSamePeriod: 3.87, change: 6.23, changePercent: 160.9 },
    ]);
    expect(result.regions).toEqual([
      { region: 'eu-west-1', monthToDate: 340.62, lastMonth: 400, sharePercent: 72.3 },
      { region: 'eu-central-1', monthToDate: 120.25, lastMonth: 0, sharePercent: 25.5 },
      { region: 'global', monthToDate: 10.1, lastMonth: 5, sharePercent: 2.1 },
    ]);

    const monthly = ce.commandCalls(GetCostAndUsageCommand, { Granularity: 'MONTHLY' }).map((c) => c.args[0].input);
    expect(monthly).toHaveLength(2);
    expect(monthly[0]).toEqual({
      TimePeriod: { Start: '2026-10-01', End: '2026-11-25' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      Filter: { And: [{ Tags: { Key: 'Project', Values: ['cafe'], MatchOptions: ['EQUALS'] } }, { Tags: { Key: 'Environment', Values: ['production'], MatchOptions: ['EQUALS'] } }] },
      GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'REGION' }],
    });
    expect(monthly[1]!.NextPageToken).toBe('page-2');
    expect(ce.commandCalls(GetCostForecastCommand)[0]!.args[0].input).toMatchObject({ TimePeriod: { Start: '2026-11-25', End: '2026-12-01' }, Granularity: 'MONTHLY', Metric: 'UNBLENDED_COST', PredictionIntervalLevel: 80 });
    expect(result.requests).toEqual({ costExplorerPaid: 4, costExplorerCached: 0, costExplorerUsd: 0.04, budgets: 4, cloudWatch: 1 });
  });

  it('reports budgets under and near their limit from Budgets, with notification thresholds, and ignores other projects', async () => {
    seedCostExplorer();
    seedBudgets();
    const { result } = await report();
    expect(result.budgets.map(({ notifications: _n, ...b }) => b)).toEqual([
      { name: 'cafe-production-monthly', source: 'aws-budgets', timeUnit: 'MONTHLY', limit: 1500, actual: 470.97, forecast: 823.37, actualPercent: 31.4, forecastPercent: 54.9, status: 'ok' },
      { name: 'cafe-production-data-transfer', source: 'aws-budgets', timeUnit: 'MONTHLY', limit: 700, actual: 650, forecast: 900, actualPercent: 92.9, forecastPercent: 128.6, status: 'warn' },
    ]);
    expect(result.budgets[0]!.notifications).toContainEqual({ type: 'FORECASTED', comparison: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' });
    expect(budgets.commandCalls(DescribeBudgetsCommand)[1]!.args[0].input).toEqual({ AccountId: '222222222222', MaxResults: 100, NextToken: 'budgets-2' });
    expect(result.failOn).toBeNull();
  });

  it('marks a budget over its limit and fails --fail-on actual-over; forecast-over fails on a forecast alone', async () => {
    seedCostExplorer();
    seedBudgets([budget('cafe-production-data-transfer', '700', '650', '900'), budget('cafe-production-api', '200', '200.01', '260')]);
    const actual = await report({ failOn: 'actual-over' });
    expect(actual.result.budgets.find((b) => b.name === 'cafe-production-api')!.status).toBe('over');
    expect(actual.result.failOn).toEqual({ rule: 'actual-over', failed: true, reason: 'cafe-production-api: actual spend $200.01 > limit $200.00' });

    budgets.reset();
    seedBudgets([budget('cafe-production-data-transfer', '700', '650', '900')]);
    const forecast = await report({ failOn: 'forecast-over' });
    expect(forecast.result.failOn).toEqual({ rule: 'forecast-over', failed: true, reason: 'cafe-production-data-transfer: forecast $900.00 > limit $700.00' });
    expect(forecast.memory.lines.filter((l) => l.kind === 'warn').map((l) => l.text)).toContain('--fail-on forecast-over: cafe-production-data-transfer: forecast $900.00 > limit $700.00');
  });

  it('falls back to the monthlyBudget of cafe-ops.yml when no AWS budget belongs to the environment', async () => {
    seedCostExplorer();
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [budget('other-team-monthly', '100', '99')] });
    const { result } = await report({ failOn: 'forecast-over' });
    expect(result.budgets).toEqual([
      { name: 'monthlyBudget of production in cafe-ops.yml', source: 'config', timeUnit: 'MONTHLY', limit: 1500, actual: 470.97, forecast: 823.37, actualPercent: 31.4, forecastPercent: 54.9, status: 'ok', notifications: [] },
    ]);
    expect(result.failOn!.failed).toBe(false);
  });

  it('finds the spike day and the service behind it, and draws the trend', async () => {
    seedCostExplorer();
    seedBudgets();
    const { result, memory } = await report();
    expect(result.daily).toHaveLength(30);
    expect(result.spikes).toEqual([{ date: '2026-11-20', amount: 48, baseline: 15, service: RDS, serviceIncrease: 33 }]);
    const text = memory.text();
    expect(text).toContain('Daily cost, last 30 days');
    expect(text).toContain('█');
    expect(text).toContain('spike on 2026-11-20: $48.00 against a typical $15.00 — Amazon Relational Database Service +$33.00');
    expect(text).toContain('Cost Explorer: 4 paid requests ($0.04), 0 from cache');
    expect(text).toContain('Months: 2026-10 $405.00 · 2026-11 $470.97 (to date)');
    expect(text).toContain('CloudWatch estimate for the whole account: $1,234.50 (at 2026-11-25T06:00:00.000Z)');
  });

  it('cross-checks against CloudWatch billing: warns when the tagged month to date exceeds the whole account', async () => {
    seedCostExplorer();
    seedBudgets();
    expect((await report()).result.warnings).toEqual([]);
    budgets.reset();
    seedBudgets();
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Timestamp: new Date('2026-11-25T06:00:00Z'), Maximum: 300 }] });
    const { result } = await report();
    expect(result.warnings).toEqual([
      "Cost Explorer's month to date for these tags ($470.97) exceeds CloudWatch's estimate for the whole account ($300.00): one of them lags; compare again in a few hours",
    ]);
  });

  it('answers a second report from the cache with zero paid requests; --no-cache asks again', async () => {
    seedCostExplorer();
    seedBudgets();
    const first = await report();
    budgets.reset();
    seedBudgets();
    const second = await report({}, first.cacheDir);
    expect(second.result.requests.costExplorerPaid).toBe(0);
    expect(second.result.requests.costExplorerCached).toBe(4);
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(3);
    expect(second.result.monthToDate).toBe(first.result.monthToDate);
    expect(second.result.forecast).toEqual(first.result.forecast);

    budgets.reset();
    seedBudgets();
    const fresh = await report({ cache: false }, first.cacheDir);
    expect(fresh.result.requests.costExplorerPaid).toBe(4);
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(6);
  });

  it('still reports when the cache cannot be written, and says so', async () => {
    seedCostExplorer();
    seedBudgets();
    const blocked = join(mkdtempSync(join(tmpdir(), 'cost-ro-')), 'file');
    writeFileSync(blocked, 'not a directory');
    const { result } = await report({}, join(blocked, 'cache'));
    expect(result.monthToDate).toBe(470.97);
    expect(result.warnings).toEqual([expect.stringMatching(/^Cost Explorer answers were not cached: .*(ENOTDIR|not a directory)/)]);
  });

  it('writes the chart as SVG or an HTML page with --out, and Markdown with --format markdown', async () => {
    seedCostExplorer();
    seedBudgets();
    const dir = mkdtempSync(join(tmpdir(), 'cost-out-'));
    const svg = await report({ out: join(dir, 'trend.svg') });
    const svgText = readFileSync(svg.result.outFile!, 'utf8');
    expect(svgText.startsWith('<svg')).toBe(true);
    expect(svgText.match(/<rect /g)).toHaveLength(30);
    expect(svgText).toContain('<title>2026-11-20: $48.00</title></rect>');
    expect(svgText).toContain('fill="#d62728"><title>2026-11-20');

    budgets.reset();
    seedBudgets();
    const html = await report({ out: join(dir, 'report.html'), format: 'markdown' });
    const page = readFileSync(html.result.outFile!, 'utf8');
    expect(page).toContain('<td>cafe-production-data-transfer</td><td>$700.00</td><td>$650.00</td><td>$900.00</td><td>92.9 %</td><td>128.6 %</td><td>warn</td>');
    const markdown = html.memory.text();
    expect(markdown).toContain('### Cost of cafe/production: $470.97 this month');
    expect(markdown).toContain('| cafe-production-monthly | $1,500.00 | $470.97 | $823.37 | 31.4 % | 54.9 % | **ok** |');
    expect(markdown).toContain(`| ${RDS} | $370.75 | $300.00 | +$138.49 (+60 %) |`);

    await expect(report({ out: join(dir, 'report.png') })).rejects.toThrow('--out');
  });
});

describe('cost report of one region', () => {
  it('adds the REGION dimension to every query with --region, and refuses a region outside the environment', async () => {
    seedCostExplorer();
    seedBudgets();
    const { result, memory } = await report({ region: 'eu-central-1' });
    const regionFilter = { Dimensions: { Key: 'REGION', Values: ['eu-central-1'], MatchOptions: ['EQUALS'] } };
    for (const call of ce.commandCalls(GetCostAndUsageCommand)) expect(call.args[0].input.Filter!.And).toContainEqual(regionFilter);
    expect(ce.commandCalls(GetCostForecastCommand)[0]!.args[0].input.Filter!.And).toContainEqual(regionFilter);
    expect(result.filter).toEqual({ Project: 'cafe', Environment: 'production', Region: 'eu-central-1' });
    expect(memory.text()).toContain('Cost of cafe/production in eu-central-1 (account 222222222222)');
    await expect(report({ region: 'us-west-2' })).rejects.toThrow('--region us-west-2 is not a region of environment production (its regions: eu-west-1, eu-central-1, us-east-1)');
  });
});

describe('cost report at the edges of a month', () => {
  it('on the 1st: nothing spent yet this month, no division by zero, the forecast covers the whole month', async () => {
    ce.on(GetCostAndUsageCommand, { Granularity: 'MONTHLY' }).resolves({ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01', End: '2026-12-01' }, Total: {}, Groups: [{ Keys: [RDS, 'eu-west-1'], Metrics: { UnblendedCost: { Amount: '600', Unit: 'USD' } } }], Estimated: false }] });
    ce.on(GetCostAndUsageCommand, { Granularity: 'DAILY' }).resolves({ ResultsByTime: [] });
    ce.on(GetCostForecastCommand).resolves({ Total: { Amount: '620.5', Unit: 'USD' }, ForecastResultsByTime: [{ TimePeriod: { Start: '2026-12-01', End: '2027-01-01' }, MeanValue: '620.5' }] });
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [] });
    const { result } = await report({}, undefined, new Date('2026-12-01T07:00:00Z'));
    expect(result.period).toEqual({ monthStart: '2026-12-01', through: '2026-12-01', monthEnd: '2027-01-01', daysElapsed: 0, daysInMonth: 31 });
    expect(ce.commandCalls(GetCostAndUsageCommand, { Granularity: 'MONTHLY' })[0]!.args[0].input.TimePeriod).toEqual({ Start: '2026-11-01', End: '2026-12-01' });
    expect(result.monthToDate).toBe(0);
    expect(result.lastMonth).toBe(600);
    expect(result.services).toEqual([{ service: RDS, monthToDate: 0, lastMonth: 600, lastMonthSamePeriod: 0, change: 0, changePercent: null }]);
    expect(result.forecast).toEqual({ total: 620.5, low: null, high: null, method: 'cost-explorer' });
    expect(result.budgets[0]).toMatchObject({ source: 'config', actual: 0, forecast: 620.5, status: 'ok' });
  });
});

describe('cost report errors', () => {
  it('says Cost Explorer is not enabled, and falls back to CloudWatch billing when it has data', async () => {
    ce.on(GetCostAndUsageCommand).rejects(accessDenied('User not enabled for cost explorer access'));
    seedBudgets();
    const { result, memory } = await report({ failOn: 'forecast-over' });
    expect(result.source).toBe('cloudwatch');
    expect(result.monthToDate).toBe(1234.5);
    // Linear: 1234.50 / 24 days × 30 days.
    expect(result.forecast).toEqual({ total: 1543.13, low: null, high: null, method: 'linear' });
    expect(result.budgets.map((b) => b.status)).toEqual(['ok', 'warn']);
    expect(memory.lines.some((l) => l.kind === 'warn' && l.text.startsWith('Cost Explorer is not enabled for this account: showing CloudWatch'))).toBe(true);
    expect(ce.commandCalls(GetCostForecastCommand)).toHaveLength(0);

    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Label: 'EstimatedCharges', Datapoints: [] });
    const error = await report().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('Cost Explorer is not enabled for this account');
    expect((error as UserError).hint).toContain('Receive Billing Alerts');
  });

  it('says when Cost Explorer has no data yet (DataUnavailableException)', async () => {
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    ce.on(GetCostAndUsageCommand).rejects(new DataUnavailableException({ message: 'Data is not available. Please try to adjust the time period. If just enabled Cost Explorer, data might not be ingested yet', $metadata: {} }));
    seedBudgets();
    await expect(report()).rejects.toThrow('Cost Explorer has no data for this period yet');
  });

  it('keeps the report when only the forecast lacks history', async () => {
    seedCostExplorer();
    ce.on(GetCostForecastCommand).rejects(new DataUnavailableException({ message: 'Insufficient amount of historical data to generate forecast.', $metadata: {} }));
    seedBudgets();
    const { result } = await report();
    expect(result.forecast).toBeNull();
    expect(result.warnings).toContain('Cost Explorer has too little history to forecast this month yet');
    expect(result.budgets[0]!.forecast).toBe(823.37); // Budgets' own forecast still shows
  });

  it('names the missing permission on AccessDenied', async () => {
    ce.on(GetCostAndUsageCommand).rejects(accessDenied('User: arn:aws:sts::222222222222:assumed-role/dev/x is not authorized to perform: ce:GetCostAndUsage'));
    const error = (await report().catch((e: unknown) => e)) as UserError;
    expect(error.message).toMatch(/^access denied calling Cost Explorer GetCostAndUsage: User: .* is not authorized/);
    expect(error.hint).toContain('ce:GetCostAndUsage');
  });

  it('says which budget does not exist (NotFoundException)', async () => {
    seedCostExplorer();
    budgets.on(DescribeBudgetCommand).rejects(new NotFoundException({ message: 'Unable to get budget: cafe-production-typo - the budget doesn\'t exist.', $metadata: {} }));
    const error = (await report({ budget: 'cafe-production-typo' }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('budget "cafe-production-typo" not found in account 222222222222');
    expect(error.hint).toContain('cafe-production-monthly');
  });
});
