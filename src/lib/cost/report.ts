/**
 * The cost report engine: spend of one environment (by its Project and Environment tags) against
 * its budgets, from Cost Explorer, AWS Budgets and CloudWatch billing. It asks Cost Explorer the
 * fewest questions the answer needs — one monthly query grouped by service and region, one daily
 * query grouped by service, one forecast — and takes everything else from those answers.
 */
import type { Budget, Notification } from '@aws-sdk/client-budgets';
import type { Expression, ResultByTime } from '@aws-sdk/client-cost-explorer';
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { budgetStatus, cents, findSpikes, percent, usd as usdText, type BudgetStatus, type DailyCost, type Spike } from './analysis';
import { addDays, daysBetween, isoDay, monthOf, monthStart } from './dates';
import { CostExplorerUnavailable, PRICE_PER_REQUEST, type MeteredCostExplorer } from './explorer';
import type { BillingMetricsApi, BudgetsApi, Clock } from './ports';

export const FAIL_ON = ['forecast-over', 'actual-over'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ReportRequest {
  project: string;
  environment: string;
  accountId: string;
  /** The environment's monthly budget from cafe-ops.yml, used when no AWS budget matches. */
  monthlyBudget: number;
  /** Previous months to compare with (at least 1). */
  months: number;
  /** Days of the daily trend. */
  days: number;
  /** One budget by name instead of every budget of the environment. */
  budgetName?: string;
  /** Only the cost incurred in this region (e.g. the secondary: what disaster recovery costs). */
  region?: string;
  failOn?: FailOn;
}

export interface ReportPorts {
  explorer: MeteredCostExplorer;
  budgets: BudgetsApi;
  billing: BillingMetricsApi;
  clock: Clock;
  out: Output;
}

export interface BudgetLine {
  name: string;
  source: 'aws-budgets' | 'config';
  timeUnit: string;
  limit: number;
  actual: number;
  forecast: number | null;
  actualPercent: number | null;
  forecastPercent: number | null;
  status: BudgetStatus;
  notifications: { type: string; comparison: string; threshold: number; thresholdType: string }[];
}

export interface ServiceLine {
  service: string;
  monthToDate: number;
  lastMonth: number;
  /** Last month's cost over the same number of days (prorated). */
  lastMonthSamePeriod: number;
  change: number;
  changePercent: number | null;
}

export interface RegionLine {
  region: string;
  monthToDate: number;
  lastMonth: number;
  sharePercent: number | null;
}

export interface CostReport {
  environment: string;
  accountId: string;
  filter: { Project: string; Environment: string; Region?: string };
  currency: 'USD';
  source: 'cost-explorer' | 'cloudwatch';
  generatedAt: string;
  /** Actual figures cover monthStart up to (not including) `through`. */
  period: { monthStart: string; through: string; monthEnd: string; daysElapsed: number; daysInMonth: number };
  monthToDate: number;
  lastMonth: number;
  forecast: { total: number; low: number | null; high: number | null; method: 'cost-explorer' | 'linear' } | null;
  months: { month: string; total: number }[];
  budgets: BudgetLine[];
  services: ServiceLine[];
  regions: RegionLine[];
  daily: { date: string; amount: number }[];
  spikes: Spike[];
  /** CloudWatch's account-wide month-to-date estimate (all tags), as a cross-check. */
  cloudWatchEstimate: { amount: number; at: string } | null;
  requests: { costExplorerPaid: number; costExplorerCached: number; costExplorerUsd: number; budgets: number; cloudWatch: number };
  warnings: string[];
  failOn: { rule: FailOn; failed: boolean; reason: string } | null;
}

const METRIC = 'UnblendedCost';

export function tagFilter(project: string, environment: string, region?: string): Expression {
  return {
    And: [
      { Tags: { Key: 'Project', Values: [project], MatchOptions: ['EQUALS'] } },
      { Tags: { Key: 'Environment', Values: [environment], MatchOptions: ['EQUALS'] } },
      ...(region ? [{ Dimensions: { Key: 'REGION' as const, Values: [region], MatchOptions: ['EQUALS' as const] } }] : []),
    ],
  };
}

function amountOf(result: { Metrics?: Record<string, { Amount?: string }> } | undefined): number {
  return Number(result?.Metrics?.[METRIC]?.Amount ?? 0);
}

function totalOf(result: ResultByTime): number {
  if (result.Groups?.length) return result.Groups.reduce((sum, g) => sum + amountOf(g), 0);
  return Number(result.Total?.[METRIC]?.Amount ?? 0);
}

export async function buildCostReport(request: ReportRequest, ports: ReportPorts): Promise<CostReport> {
  if (request.months < 1) throw new UserError('--months must be at least 1 (the report compares with last month)');
  const now = ports.clock.now();
  const today = isoDay(now);
  const current = monthStart(today);
  const previous = monthStart(today, -1);
  const next = monthStart(today, 1);
  const filter = tagFilter(request.project, request.environment, request.region);
  const warnings: string[] = [];
  const counts = { budgets: 0, cloudWatch: 0 };
  const period = { monthStart: current, through: today, monthEnd: next, daysElapsed: daysBetween(current, today), daysInMonth: daysBetween(current, next) };

  const cloudWatch = () => cloudWatchEstimate(ports.billing, now, counts).catch((error: unknown) => {
    warnings.push(`CloudWatch billing cross-check unavailable: ${(error as Error).message}`);
    return null;
  });

  let monthly: ResultByTime[];
  try {
    monthly = await ports.explorer.costAndUsage({
      TimePeriod: { Start: monthStart(today, -request.months), End: today },
      Granularity: 'MONTHLY',
      Metrics: [METRIC],
      Filter: filter,
      GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'REGION' }],
    });
  } catch (error) {
    if (!(error instanceof CostExplorerUnavailable)) throw error;
    const estimate = await cloudWatch();
    if (!estimate) throw new CostExplorerUnavailable(error.reason, error.message, `${error.hint ?? ''}; CloudWatch billing metrics (the fallback) have no data either: enable "Receive Billing Alerts" in the Billing preferences`);
    warnings.push(`${error.message}: showing CloudWatch's account-wide estimate instead (all projects, no breakdown)`);
    return fallbackReport(request, ports, { now, period, estimate, warnings, counts });
  }

  const services = new Map<string, Map<string, number>>();
  const regions = new Map<string, Map<string, number>>();
  const monthTotals = new Map<string, number>();
  for (const result of monthly) {
    const month = monthOf(result.TimePeriod?.Start ?? '');
    monthTotals.set(month, (monthTotals.get(month) ?? 0) + totalOf(result));
    for (const group of result.Groups ?? []) {
      const [service = 'unknown', region = 'global'] = group.Keys ?? [];
      const amount = amountOf(group);
      add(services, service, month, amount);
      add(regions, region || 'global', month, amount);
    }
  }

  const dailyResults = await ports.explorer.costAndUsage({
    TimePeriod: { Start: addDays(today, -request.days), End: today },
    Granularity: 'DAILY',
    Metrics: [METRIC],
    Filter: filter,
    GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
  });
  const daily: DailyCost[] = dailyResults.map((r) => ({
    date: r.TimePeriod?.Start ?? '',
    amount: totalOf(r),
    services: Object.fromEntries((r.Groups ?? []).map((g) => [g.Keys?.[0] ?? 'unknown', amountOf(g)])),
  }));

  const monthToDate = monthTotals.get(monthOf(current)) ?? 0;
  const lastMonth = monthTotals.get(monthOf(previous)) ?? 0;
  const forecast = await forecastToMonthEnd(ports.explorer, today, next, filter, monthToDate, warnings);
  const [budgets, estimate] = await Promise.all([readBudgets(request, ports.budgets, counts, monthToDate, forecast?.total ?? null), cloudWatch()]);

  const pace = period.daysElapsed / daysBetween(previous, current);
  const serviceLines: ServiceLine[] = [...services.entries()]
    .map(([service, byMonth]) => {
      const mtd = byMonth.get(monthOf(current)) ?? 0;
      const last = byMonth.get(monthOf(previous)) ?? 0;
      const samePeriod = last * pace;
      return { service, monthToDate: cents(mtd), lastMonth: cents(last), lastMonthSamePeriod: cents(samePeriod), change: cents(mtd - samePeriod), changePercent: samePeriod > 0 ? percent(mtd - samePeriod, samePeriod) : null };
    })
    .filter((s) => s.monthToDate !== 0 || s.lastMonth !== 0)
    .sort((a, b) => b.monthToDate - a.monthToDate || b.lastMonth - a.lastMonth);
  const regionLines: RegionLine[] = [...regions.entries()]
    .map(([region, byMonth]) => {
      const mtd = byMonth.get(monthOf(current)) ?? 0;
      return { region, monthToDate: cents(mtd), lastMonth: cents(byMonth.get(monthOf(previous)) ?? 0), sharePercent: percent(mtd, monthToDate) };
    })
    .filter((r) => r.monthToDate !== 0 || r.lastMonth !== 0)
    .sort((a, b) => b.monthToDate - a.monthToDate);

  if (estimate && monthToDate > estimate.amount * 1.1 + 1) {
    warnings.push(`Cost Explorer's month to date for these tags (${usdText(monthToDate)}) exceeds CloudWatch's estimate for the whole account (${usdText(estimate.amount)}): one of them lags; compare again in a few hours`);
  }
  if (monthly.every((r) => totalOf(r) === 0)) {
    warnings.push(`no cost carries the tags Project=${request.project} and Environment=${request.environment}: activate both as cost allocation tags in the Billing console (it applies from the day of activation)`);
  }
  const report: CostReport = {
    environment: request.environment,
    accountId: request.accountId,
    filter: { Project: request.project, Environment: request.environment, ...(request.region ? { Region: request.region } : {}) },
    currency: 'USD',
    source: 'cost-explorer',
    generatedAt: now.toISOString(),
    period,
    monthToDate: cents(monthToDate),
    lastMonth: cents(lastMonth),
    forecast,
    months: [...monthTotals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, total]) => ({ month, total: cents(total) })),
    budgets,
    services: serviceLines,
    regions: regionLines,
    daily: daily.map((d) => ({ date: d.date, amount: cents(d.amount) })),
    spikes: findSpikes(daily),
    cloudWatchEstimate: estimate,
    requests: requestCounts(ports.explorer, counts),
    warnings,
    failOn: null,
  };
  if (ports.explorer.cacheError) warnings.push(`Cost Explorer answers were not cached: ${ports.explorer.cacheError}`);
  report.failOn = evaluateFailOn(request.failOn, report.budgets);
  return report;
}

function add(map: Map<string, Map<string, number>>, key: string, month: string, amount: number): void {
  const byMonth = map.get(key) ?? new Map<string, number>();
  byMonth.set(month, (byMonth.get(month) ?? 0) + amount);
  map.set(key, byMonth);
}

function requestCounts(explorer: MeteredCostExplorer, counts: { budgets: number; cloudWatch: number }): CostReport['requests'] {
  return {
    costExplorerPaid: explorer.counts.paid,
    costExplorerCached: explorer.counts.cached,
    costExplorerUsd: cents(explorer.counts.paid * PRICE_PER_REQUEST),
    budgets: counts.budgets,
    cloudWatch: counts.cloudWatch,
  };
}

/** Month-end forecast: actual month to date plus Cost Explorer's forecast from today to month end. */
async function forecastToMonthEnd(explorer: MeteredCostExplorer, today: string, next: string, filter: Expression, monthToDate: number, warnings: string[]): Promise<CostReport['forecast']> {
  try {
    const result = await explorer.costForecast({ TimePeriod: { Start: today, End: next }, Granularity: 'MONTHLY', Metric: 'UNBLENDED_COST', Filter: filter, PredictionIntervalLevel: 80 });
    const rest = Number(result.Total?.Amount ?? 0);
    const intervals = result.ForecastResultsByTime ?? [];
    const bound = (key: 'PredictionIntervalLowerBound' | 'PredictionIntervalUpperBound') =>
      intervals.length && intervals.every((i) => i[key] !== undefined) ? cents(monthToDate + intervals.reduce((sum, i) => sum + Number(i[key]), 0)) : null;
    return { total: cents(monthToDate + rest), low: bound('PredictionIntervalLowerBound'), high: bound('PredictionIntervalUpperBound'), method: 'cost-explorer' };
  } catch (error) {
    if (error instanceof CostExplorerUnavailable && error.reason === 'no-data') {
      warnings.push('Cost Explorer has too little history to forecast this month yet');
      return null;
    }
    throw error;
  }
}

async function readBudgets(request: ReportRequest, api: BudgetsApi, counts: { budgets: number }, monthToDate: number, forecast: number | null): Promise<BudgetLine[]> {
  let budgets: Budget[];
  try {
    if (request.budgetName) {
      counts.budgets++;
      const found = await api.describeBudget({ AccountId: request.accountId, BudgetName: request.budgetName });
      budgets = found.Budget ? [found.Budget] : [];
    } else {
      budgets = [];
      let token: string | undefined;
      do {
        counts.budgets++;
        const page = await api.describeBudgets({ AccountId: request.accountId, MaxResults: 100, ...(token ? { NextToken: token } : {}) });
        budgets.push(...(page.Budgets ?? []));
        token = page.NextToken;
      } while (token);
      budgets = budgets.filter((b) => b.BudgetName?.startsWith(`${request.project}-${request.environment}-`));
    }
  } catch (error) {
    throw translateBudgetsError(error, request);
  }
  if (budgets.length === 0) {
    const limit = request.monthlyBudget;
    return [{ name: `monthlyBudget of ${request.environment} in cafe-ops.yml`, source: 'config', timeUnit: 'MONTHLY', limit, actual: cents(monthToDate), forecast, actualPercent: percent(monthToDate, limit), forecastPercent: forecast === null ? null : percent(forecast, limit), status: budgetStatus(limit, monthToDate, forecast), notifications: [] }];
  }
  return Promise.all(
    budgets.map(async (budget) => {
      counts.budgets++;
      let notifications: Notification[];
      try {
        notifications = (await api.describeNotificationsForBudget({ AccountId: request.accountId, BudgetName: budget.BudgetName!, MaxResults: 100 })).Notifications ?? [];
      } catch (error) {
        throw translateBudgetsError(error, request);
      }
      const limit = Number(budget.BudgetLimit?.Amount ?? 0);
      const actual = Number(budget.CalculatedSpend?.ActualSpend?.Amount ?? 0);
      const forecasted = budget.CalculatedSpend?.ForecastedSpend?.Amount;
      const forecastValue = forecasted !== undefined ? Number(forecasted) : forecast;
      const warnAt = Math.min(80, ...notifications.filter((n) => n.NotificationType === 'ACTUAL' && (n.ThresholdType ?? 'PERCENTAGE') === 'PERCENTAGE').map((n) => n.Threshold ?? 100));
      return {
        name: budget.BudgetName!,
        source: 'aws-budgets' as const,
        timeUnit: budget.TimeUnit ?? 'MONTHLY',
        limit: cents(limit),
        actual: cents(actual),
        forecast: forecastValue === null ? null : cents(forecastValue),
        actualPercent: percent(actual, limit),
        forecastPercent: forecastValue === null ? null : percent(forecastValue, limit),
        status: budgetStatus(limit, actual, forecastValue, warnAt),
        notifications: notifications.map((n) => ({ type: n.NotificationType ?? '', comparison: n.ComparisonOperator ?? '', threshold: n.Threshold ?? 0, thresholdType: n.ThresholdType ?? 'PERCENTAGE' })),
      };
    }),
  );
}

function translateBudgetsError(error: unknown, request: ReportRequest): unknown {
  const e = error as { name?: string; message?: string };
  if (e?.name === 'NotFoundException') {
    return new UserError(
      `budget "${request.budgetName ?? ''}" not found in account ${request.accountId}`,
      `the observability stack creates ${request.project}-${request.environment}-monthly; deploy it, or pass --budget with an existing name`,
    );
  }
  if (e?.name === 'AccessDeniedException') {
    return new UserError(`access denied reading AWS Budgets: ${e.message ?? ''}`, 'the caller needs budgets:ViewBudget');
  }
  return error;
}

/** The latest AWS/Billing EstimatedCharges (USD) of this month: account-wide, refreshed every few hours. */
async function cloudWatchEstimate(api: BillingMetricsApi, now: Date, counts: { cloudWatch: number }): Promise<CostReport['cloudWatchEstimate']> {
  const start = new Date(Math.max(Date.parse(`${monthStart(isoDay(now))}T00:00:00Z`), now.getTime() - 2 * 86_400_000));
  counts.cloudWatch++;
  const result = await api.getMetricStatistics({
    Namespace: 'AWS/Billing',
    MetricName: 'EstimatedCharges',
    Dimensions: [{ Name: 'Currency', Value: 'USD' }],
    StartTime: start,
    EndTime: now,
    Period: 21_600,
    Statistics: ['Maximum'],
  });
  const latest = (result.Datapoints ?? []).filter((d) => d.Timestamp && d.Maximum !== undefined).sort((a, b) => new Date(b.Timestamp!).getTime() - new Date(a.Timestamp!).getTime())[0];
  return latest ? { amount: cents(latest.Maximum!), at: new Date(latest.Timestamp!).toISOString() } : null;
}

function fallbackReport(
  request: ReportRequest,
  ports: ReportPorts,
  ctx: { now: Date; period: CostReport['period']; estimate: NonNullable<CostReport['cloudWatchEstimate']>; warnings: string[]; counts: { budgets: number; cloudWatch: number } },
): Promise<CostReport> {
  const { period, estimate } = ctx;
  // Linear to month end from the days elapsed (at least one, so the first day does not divide by zero).
  const linear = cents((estimate.amount / Math.max(1, period.daysElapsed)) * period.daysInMonth);
  return readBudgets(request, ports.budgets, ctx.counts, estimate.amount, linear).then((budgets) => {
    const report: CostReport = {
      environment: request.environment,
      accountId: request.accountId,
      filter: { Project: request.project, Environment: request.environment },
      currency: 'USD',
      source: 'cloudwatch',
      generatedAt: ctx.now.toISOString(),
      period,
      monthToDate: estimate.amount,
      lastMonth: 0,
      forecast: { total: linear, low: null, high: null, method: 'linear' },
      months: [],
      budgets,
      services: [],
      regions: [],
      daily: [],
      spikes: [],
      cloudWatchEstimate: estimate,
      requests: requestCounts(ports.explorer, ctx.counts),
      warnings: ctx.warnings,
      failOn: null,
    };
    report.failOn = evaluateFailOn(request.failOn, budgets);
    return report;
  });
}

export function evaluateFailOn(rule: FailOn | undefined, budgets: BudgetLine[]): CostReport['failOn'] {
  if (!rule) return null;
  const offenders = budgets.filter((b) => (rule === 'actual-over' ? b.actual > b.limit : (b.forecast ?? b.actual) > b.limit || b.actual > b.limit));
  const what = rule === 'actual-over' ? 'actual spend' : 'forecast';
  return {
    rule,
    failed: offenders.length > 0,
    reason: offenders.length ? offenders.map((b) => `${b.name}: ${what} $${(rule === 'actual-over' ? b.actual : (b.forecast ?? b.actual)).toFixed(2)} > limit $${b.limit.toFixed(2)}`).join('; ') : `no budget's ${what} is over its limit`,
  };
}
