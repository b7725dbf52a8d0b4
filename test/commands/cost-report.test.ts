/** `cafe-ops cost report` in-process on aws-sdk-client-mock: flags reach the engine, --json is the result, --fail-on sets the exit code. */
import { BudgetsClient, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import CostReport from '../../src/commands/cost/report';
import { BILLING_DATAPOINTS, FORECAST, MONTHLY_PAGES, NOTIFICATIONS, budget, dailyResponse } from '../lib/cost/fixtures';

// oclif's config loader imports an ES module (wsl-utils) to detect WSL, which jest's CommonJS runtime cannot.
jest.mock('../../node_modules/@oclif/core/lib/util/os', () => ({
  ...jest.requireActual('../../node_modules/@oclif/core/lib/util/os'),
  getPlatform: async () => process.platform,
}));

const root = join(__dirname, '../..');
const ce = mockClient(CostExplorerClient);
const budgets = mockClient(BudgetsClient);
const cloudWatch = mockClient(CloudWatchClient);

describe('cafe-ops cost report (command, in process)', () => {
  const cwd = process.cwd();
  let dir: string;
  let stdout: string;
  let writeSpy: jest.SpyInstance;
  let logSpy: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cost-cmd-'));
    process.chdir(dir);
    stdout = '';
    writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    // oclif prints --json through console.log, which jest reformats: collect it raw.
    logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      stdout += `${args.join(' ')}\n`;
    });
    ce.on(GetCostAndUsageCommand, { Granularity: 'MONTHLY' }).callsFake((input: { NextPageToken?: string }) => (input.NextPageToken ? MONTHLY_PAGES[1] : MONTHLY_PAGES[0]));
    ce.on(GetCostAndUsageCommand, { Granularity: 'DAILY' }).resolves(dailyResponse());
    ce.on(GetCostForecastCommand).resolves(FORECAST);
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [budget('cafe-production-monthly', '400', '470.97', '823.37')] });
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS });
    cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: BILLING_DATAPOINTS });
  });
  afterEach(() => {
    writeSpy.mockRestore();
    logSpy.mockRestore();
    process.chdir(cwd);
    process.exitCode = undefined;
    ce.reset();
    budgets.reset();
    cloudWatch.reset();
  });
  afterAll(() => {
    ce.restore();
    budgets.restore();
    cloudWatch.restore();
  });

  it('returns the report as --json, caches under .cafe-ops/cache and exits 1 on --fail-on actual-over', async () => {
    const argv = ['--env', 'production', '--config', join(root, 'cafe-ops.yml'), '--json', '--months', '2', '--days', '14', '--fail-on', 'actual-over'];
    await CostReport.run(argv, root);
    const result = JSON.parse(stdout) as { environment: string; budgets: { status: string }[]; failOn: { failed: boolean }; requests: { costExplorerPaid: number } };
    expect(result.environment).toBe('production');
    expect(result.budgets[0]!.status).toBe('over');
    expect(result.failOn.failed).toBe(true);
    expect(process.exitCode).toBe(1);
    expect(result.requests.costExplorerPaid).toBe(4);
    expect(ce.commandCalls(GetCostAndUsageCommand, { Granularity: 'MONTHLY' })[0]!.args[0].input.TimePeriod!.Start).toMatch(/^\d{4}-\d{2}-01$/);
    expect(ce.commandCalls(GetCostAndUsageCommand, { Granularity: 'DAILY' })[0]!.args[0].input.GroupBy).toEqual([{ Type: 'DIMENSION', Key: 'SERVICE' }]);
    expect(existsSync(join(dir, '.cafe-ops/cache'))).toBe(true);
    expect(readdirSync(join(dir, '.cafe-ops/cache'))).toHaveLength(4);

    stdout = '';
    await CostReport.run(argv, root);
    expect((JSON.parse(stdout) as { requests: { costExplorerPaid: number; costExplorerCached: number } }).requests).toMatchObject({ costExplorerPaid: 0, costExplorerCached: 4 });
    stdout = '';
    await CostReport.run([...argv, '--no-cache'], root);
    expect((JSON.parse(stdout) as { requests: { costExplorerPaid: number } }).requests.costExplorerPaid).toBe(4);
  });
});
