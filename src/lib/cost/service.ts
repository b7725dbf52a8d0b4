/** `cafe-ops cost report`: wires the AWS ports, the cache and the output around the report engine. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AwsClients } from '../aws/clients';
import type { ResolvedEnvironment } from '../config/load';
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { billingMetricsApi, budgetsApi, costExplorerApi } from './aws';
import { DEFAULT_CACHE_DIR, DEFAULT_CACHE_TTL_MS, DiskCache, WriteOnlyCache, type ResponseCache } from './cache';
import { MeteredCostExplorer } from './explorer';
import type { BillingMetricsApi, BudgetsApi, Clock, CostExplorerApi } from './ports';
import { systemClock } from './ports';
import { renderReport, reportFile, reportMarkdown } from './render';
import { buildCostReport, type CostReport, type FailOn } from './report';

export interface CostReportOptions {
  env: ResolvedEnvironment;
  months: number;
  days: number;
  budget?: string;
  /** Only the cost incurred in this region of the environment. */
  region?: string;
  failOn?: FailOn;
  format: 'table' | 'markdown';
  out?: string;
  cache: boolean;
  cacheDir?: string;
  cacheTtlMs?: number;
  /** Included in cache keys so answers of different endpoints or profiles never mix. */
  endpoint?: string;
}

export interface CostPorts {
  costExplorer: CostExplorerApi;
  budgets: BudgetsApi;
  billing: BillingMetricsApi;
  clock: Clock;
}

export type CostReportResult = CostReport & { outFile: string | null };

export async function awsCostPorts(aws: AwsClients): Promise<CostPorts> {
  const [costExplorer, budgets, billing] = await Promise.all([costExplorerApi(aws), budgetsApi(aws), billingMetricsApi(aws)]);
  return { costExplorer, budgets, billing, clock: systemClock };
}

export async function runCostReport(options: CostReportOptions, out: Output, ports: CostPorts): Promise<CostReportResult> {
  if (options.out && !/\.(svg|html?)$/i.test(options.out)) throw new UserError(`--out ${options.out}: write a .svg or .html file`);
  const regions = [options.env.primaryRegion, options.env.secondaryRegion, 'us-east-1'];
  if (options.region && !regions.includes(options.region)) {
    throw new UserError(`--region ${options.region} is not a region of environment ${options.env.name} (its regions: ${regions.join(', ')})`);
  }
  const disk = new DiskCache(options.cacheDir ?? DEFAULT_CACHE_DIR, options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, ports.clock);
  const cache: ResponseCache = options.cache ? disk : new WriteOnlyCache(disk);
  const explorer = new MeteredCostExplorer(ports.costExplorer, cache, `${options.env.accountId}|${options.endpoint ?? 'aws'}`);
  out.progress(`reading the cost of ${options.env.project}/${options.env.name}...`);
  const report = await buildCostReport(
    {
      project: options.env.project,
      environment: options.env.name,
      accountId: options.env.accountId,
      monthlyBudget: options.env.monthlyBudget,
      months: options.months,
      days: options.days,
      ...(options.budget ? { budgetName: options.budget } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.failOn ? { failOn: options.failOn } : {}),
    },
    { explorer, budgets: ports.budgets, billing: ports.billing, clock: ports.clock, out },
  );
  let outFile: string | null = null;
  if (options.out) {
    outFile = resolve(options.out);
    await writeFile(outFile, reportFile(report, options.out));
  }
  if (options.format === 'markdown') out.info(reportMarkdown(report));
  else renderReport(report, out);
  if (outFile) out.progress(`wrote ${outFile}`);
  return { ...report, outFile };
}
