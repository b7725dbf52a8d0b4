/**
 * The cost report cold (every Cost Explorer answer fetched) against warm (every answer from the
 * disk cache), on aws-sdk-client-mock with the real SDK clients: first with instant answers, then
 * with a typical Cost Explorer latency injected, which is what the cache saves in practice.
 */
import { BudgetsClient, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../src/lib/aws/clients';
import { awsCostPorts, runCostReport } from '../../src/lib/cost/service';
import { createMemoryOutput } from '../support/memory-output';
import { BILLING_DATAPOINTS, ENV, FORECAST, MONTHLY_PAGES, NOTIFICATIONS, NOW, budget, dailyResponse } from '../lib/cost/fixtures';
import type { Benchmark } from './run';
import { median } from './stats';

const RUNS = 20;
/** A typical round trip of one Cost Explorer request (ms). */
const CE_LATENCY_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(latencyMs: number, runs: number) {
  const ce = mockClient(CostExplorerClient);
  const budgets = mockClient(BudgetsClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const daily = dailyResponse();
  ce.on(GetCostAndUsageCommand, { Granularity: 'MONTHLY' }).callsFake(async (input: { NextPageToken?: string }) => {
    await sleep(latencyMs);
    return input.NextPageToken ? MONTHLY_PAGES[1] : MONTHLY_PAGES[0];
  });
  ce.on(GetCostAndUsageCommand, { Granularity: 'DAILY' }).callsFake(async () => (await sleep(latencyMs), daily));
  ce.on(GetCostForecastCommand).callsFake(async () => (await sleep(latencyMs), FORECAST));
  budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [budget('cafe-production-monthly', '1500', '470.97', '823.37')] });
  budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS });
  cloudWatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: BILLING_DATAPOINTS });
  const aws = new AwsClients();
  const ports = { ...(await awsCostPorts(aws)), clock: { now: () => NOW } };
  const cold: number[] = [];
  const warm: number[] = [];
  let paid = { cold: 0, warm: 0 };
  try {
    for (let i = 0; i < runs; i++) {
      const cacheDir = mkdtempSync(join(tmpdir(), 'cost-bench-'));
      const options = { env: ENV, months: 3, days: 30, format: 'table' as const, cache: true, cacheDir };
      let started = performance.now();
      const first = await runCostReport(options, createMemoryOutput().output, ports);
      cold.push(performance.now() - started);
      started = performance.now();
      const second = await runCostReport(options, createMemoryOutput().output, ports);
      warm.push(performance.now() - started);
      paid = { cold: first.requests.costExplorerPaid, warm: second.requests.costExplorerPaid };
      rmSync(cacheDir, { recursive: true, force: true });
    }
  } finally {
    aws.destroy();
    ce.restore();
    budgets.restore();
    cloudWatch.restore();
  }
  return { cold: median(cold), warm: median(warm), paid };
}


const bench: Benchmark = {
  title: 'Cost report: cold against cached',
  async run() {
    const instant = await measure(0, RUNS);
    const realistic = await measure(CE_LATENCY_MS, 5);
    const row = (label: string, r: typeof instant) =>
      `| ${label} | ${r.cold.toFixed(1)} ms (${r.paid.cold} paid requests) | ${r.warm.toFixed(1)} ms (${r.paid.warm} paid requests) | ${(r.cold / r.warm).toFixed(1)}× |`;
    return [
      'One `cafe-ops cost report` of the production fixture (two pages of the monthly query, the daily query, the forecast, budgets and the billing metric) on aws-sdk-client-mock; median of runs.',
      '',
      '| Cost Explorer answers | cold | from the cache | ratio |',
      '| --- | ---: | ---: | ---: |',
      row(`instant (${RUNS} runs)`, instant),
      row(`after ${CE_LATENCY_MS} ms each (5 runs)`, realistic),
      '',
      'A cached report makes no paid request and stays well under a second. Cold, the four Cost Explorer requests run one after another, so a real cold run costs about four round trips and $0.04.',
    ].join('\n');
  },
};

export default bench;
