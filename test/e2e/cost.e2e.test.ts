/**
 * The cost report against moto_server: Cost Explorer answers seeded through moto's
 * /moto-api/static/ce/cost-and-usage-results queue, real budgets and a billing metric created in
 * moto, the real SDK adapters. moto has no GetCostForecast, so the forecast stays a fake.
 */
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClients } from '../../src/lib/aws/clients';
import type { CostExplorerApi } from '../../src/lib/cost/ports';
import { awsCostPorts, runCostReport } from '../../src/lib/cost/service';
import { UserError } from '../../src/lib/errors';
import { createMemoryOutput } from '../support/memory-output';
import { BILLING_DATAPOINTS, ENV, FORECAST, MONTHLY_PAGES, NOTIFICATIONS, NOW, RDS, dailyResponse } from '../lib/cost/fixtures';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

describeWithTool(TOOLS.moto, 'cost report end to end against moto_server')('cost report against moto_server', () => {
  let moto: Moto;
  let aws: AwsClients;
  beforeAll(async () => {
    moto = await startMoto();
    aws = new AwsClients({ endpointUrl: moto.endpoint });
  });
  afterAll(async () => {
    aws?.destroy();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  /** Queues answers in the order the report asks: monthly page 1, monthly page 2, daily. */
  async function seedCostExplorer(results: unknown[]): Promise<void> {
    const response = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ results }), // moto's default account, the one its fake credentials map to
    });
    expect(response.status).toBe(201);
  }

  async function seedBudgetAndBilling(): Promise<void> {
    const budgets = new BudgetsClient({ region: 'us-east-1', endpoint: moto.endpoint });
    await budgets.send(
      new CreateBudgetCommand({
        AccountId: ENV.accountId,
        Budget: {
          BudgetName: 'cafe-production-monthly',
          BudgetType: 'COST',
          TimeUnit: 'MONTHLY',
          BudgetLimit: { Amount: '400', Unit: 'USD' },
          CalculatedSpend: { ActualSpend: { Amount: '470.97', Unit: 'USD' }, ForecastedSpend: { Amount: '823.37', Unit: 'USD' } },
        },
        NotificationsWithSubscribers: NOTIFICATIONS.map((n) => ({ Notification: { NotificationType: n.NotificationType!, ComparisonOperator: n.ComparisonOperator!, Threshold: n.Threshold!, ThresholdType: n.ThresholdType! }, Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'oncall@cafe.example.com' }] })),
      }),
    );
    budgets.destroy();
    const cloudWatch = new CloudWatchClient({ region: 'us-east-1', endpoint: moto.endpoint });
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Billing',
        MetricData: BILLING_DATAPOINTS.map((d) => ({ MetricName: 'EstimatedCharges', Dimensions: [{ Name: 'Currency', Value: 'USD' }], Timestamp: d.Timestamp, Value: d.Maximum })),
      }),
    );
    cloudWatch.destroy();
  }

  /** The real adapters on moto, with a fake forecast, counting what reaches moto. */
  async function ports() {
    const real = await awsCostPorts(aws);
    const sent = { costAndUsage: 0, forecast: 0 };
    const costExplorer: CostExplorerApi = {
      getCostAndUsage: (input) => {
        sent.costAndUsage++;
        return real.costExplorer.getCostAndUsage(input);
      },
      getCostForecast: async () => {
        sent.forecast++;
        return FORECAST;
      },
    };
    return { ports: { ...real, costExplorer, clock: { now: () => NOW } }, sent };
  }

  it('reads paged Cost Explorer results, budgets and billing from moto to the cent, then answers from the cache with zero requests', async () => {
    await seedCostExplorer([MONTHLY_PAGES[0], MONTHLY_PAGES[1], dailyResponse()]);
    await seedBudgetAndBilling();
    const cacheDir = mkdtempSync(join(tmpdir(), 'cost-e2e-'));
    const options = { env: ENV, months: 1, days: 30, format: 'table' as const, cache: true, cacheDir, endpoint: moto.endpoint, failOn: 'actual-over' as const };

    const cold = await ports();
    const first = await runCostReport(options, createMemoryOutput().output, cold.ports);
    expect(first.monthToDate).toBe(470.97);
    expect(first.lastMonth).toBe(405);
    expect(first.forecast).toEqual({ total: 823.37, low: 771.07, high: 881.87, method: 'cost-explorer' });
    expect(first.services[0]).toEqual({ service: RDS, monthToDate: 370.75, lastMonth: 300, lastMonthSamePeriod: 232.26, change: 138.49, changePercent: 59.6 });
    expect(first.regions.map((r) => [r.region, r.monthToDate])).toEqual([['eu-west-1', 340.62], ['eu-central-1', 120.25], ['global', 10.1]]);
    expect(first.spikes.map((s) => s.date)).toEqual(['2026-11-20']);
    expect(first.budgets).toEqual([
      expect.objectContaining({ name: 'cafe-production-monthly', source: 'aws-budgets', limit: 400, actual: 470.97, forecast: 823.37, actualPercent: 117.7, status: 'over' }),
    ]);
    expect(first.budgets[0]!.notifications).toHaveLength(2);
    expect(first.cloudWatchEstimate).toEqual({ amount: 1234.5, at: '2026-11-25T06:00:00.000Z' });
    expect(first.failOn).toEqual({ rule: 'actual-over', failed: true, reason: 'cafe-production-monthly: actual spend $470.97 > limit $400.00' });
    // The fewest requests the answer needs: two pages of the monthly query, one daily query, one forecast.
    expect(cold.sent).toEqual({ costAndUsage: 3, forecast: 1 });
    expect(first.requests.costExplorerPaid).toBe(4);

    const warm = await ports();
    const second = await runCostReport(options, createMemoryOutput().output, warm.ports);
    expect(warm.sent).toEqual({ costAndUsage: 0, forecast: 0 });
    expect(second.requests).toMatchObject({ costExplorerPaid: 0, costExplorerCached: 4, costExplorerUsd: 0 });
    expect(second.monthToDate).toBe(470.97);
  });

  it('says which budget does not exist, from moto\'s NotFoundException', async () => {
    await seedCostExplorer([MONTHLY_PAGES[0], MONTHLY_PAGES[1], dailyResponse()]);
    const { ports: p } = await ports();
    const error = await runCostReport({ env: ENV, months: 1, days: 30, format: 'table', cache: false, cacheDir: mkdtempSync(join(tmpdir(), 'cost-e2e-')), budget: 'cafe-production-nope' }, createMemoryOutput().output, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('budget "cafe-production-nope" not found in account 222222222222');
  });
});
