/**
 * Cost Explorer, Budgets and CloudWatch answers in the shapes AWS returns them, for a café
 * production environment on 2026-11-25 (24 full days into November). Shared by the unit,
 * end-to-end and benchmark runs of the cost report.
 */
import type { Budget, Notification } from '@aws-sdk/client-budgets';
import type { GetCostAndUsageCommandOutput, GetCostForecastCommandOutput, ResultByTime } from '@aws-sdk/client-cost-explorer';
import type { ResolvedEnvironment } from '../../../src/lib/config/load';

export const NOW = new Date('2026-11-25T10:00:00Z');

export const ENV: ResolvedEnvironment = {
  name: 'production',
  project: 'cafe',
  costCenter: 'cafe-platform',
  accountId: '222222222222',
  primaryRegion: 'eu-west-1',
  secondaryRegion: 'eu-central-1',
  domain: 'cafe.example.com',
  hostedZoneId: 'Z0PRODUCTION0000000',
  alertEmail: 'oncall@cafe.example.com',
  monthlyBudget: 1500,
  sizes: { natGateways: 2, auroraMinCapacity: 1, auroraMaxCapacity: 16, secondaryAuroraMinCapacity: 0.5, logRetentionDays: 365, backupRetentionDays: 35 },
};

export const LAMBDA = 'AWS Lambda';
export const RDS = 'Amazon Relational Database Service';
export const CLOUDFRONT = 'Amazon CloudFront';

const group = (keys: string[], amount: string) => ({ Keys: keys, Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } } });

/** GetCostAndUsage MONTHLY by SERVICE and REGION, October and November to date, in two pages. */
export const MONTHLY_PAGES: Omit<GetCostAndUsageCommandOutput, '$metadata'>[] = [
  {
    GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'REGION' }],
    ResultsByTime: [
      { TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Total: {}, Groups: [group([LAMBDA, 'eu-west-1'], '100.0000001'), group([RDS, 'eu-west-1'], '300')], Estimated: false },
      { TimePeriod: { Start: '2026-11-01', End: '2026-11-25' }, Total: {}, Groups: [group([LAMBDA, 'eu-west-1'], '90.123')], Estimated: true },
    ],
    DimensionValueAttributes: [],
    NextPageToken: 'page-2',
  },
  {
    GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }, { Type: 'DIMENSION', Key: 'REGION' }],
    ResultsByTime: [
      { TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Total: {}, Groups: [group([CLOUDFRONT, 'global'], '5')], Estimated: false },
      {
        TimePeriod: { Start: '2026-11-01', End: '2026-11-25' },
        Total: {},
        Groups: [group([RDS, 'eu-west-1'], '250.5'), group([RDS, 'eu-central-1'], '120.25'), group([CLOUDFRONT, 'global'], '10.1')],
        Estimated: true,
      },
    ],
    DimensionValueAttributes: [],
  },
];

/** GetCostAndUsage DAILY by SERVICE for the 30 days before 2026-11-25; RDS jumps on 2026-11-20. */
export function dailyResponse(spikeDay = '2026-11-20'): Omit<GetCostAndUsageCommandOutput, '$metadata'> {
  const results: ResultByTime[] = [];
  for (let i = 0; i < 30; i++) {
    const day = new Date(Date.UTC(2026, 9, 26 + i)).toISOString().slice(0, 10);
    const next = new Date(Date.UTC(2026, 9, 27 + i)).toISOString().slice(0, 10);
    results.push({ TimePeriod: { Start: day, End: next }, Total: {}, Groups: [group([LAMBDA], '3'), group([RDS], day === spikeDay ? '45' : '12')], Estimated: true });
  }
  return { GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }], ResultsByTime: results, DimensionValueAttributes: [] };
}

/** GetCostForecast from today to month end with an 80 % prediction interval. */
export const FORECAST: Omit<GetCostForecastCommandOutput, '$metadata'> = {
  Total: { Amount: '352.4012', Unit: 'USD' },
  ForecastResultsByTime: [{ TimePeriod: { Start: '2026-11-25', End: '2026-12-01' }, MeanValue: '352.4012', PredictionIntervalLowerBound: '300.1', PredictionIntervalUpperBound: '410.9' }],
};

export function budget(name: string, limit: string, actual: string, forecast?: string): Budget {
  return {
    BudgetName: name,
    BudgetLimit: { Amount: limit, Unit: 'USD' },
    CostFilters: { TagKeyValue: ['user:Project$cafe'] },
    TimeUnit: 'MONTHLY',
    TimePeriod: { Start: new Date('2026-01-01T00:00:00Z'), End: new Date('2087-06-15T00:00:00Z') },
    CalculatedSpend: { ActualSpend: { Amount: actual, Unit: 'USD' }, ...(forecast ? { ForecastedSpend: { Amount: forecast, Unit: 'USD' } } : {}) },
    BudgetType: 'COST',
  };
}

export const NOTIFICATIONS: Notification[] = [
  { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE', NotificationState: 'OK' },
  { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE', NotificationState: 'OK' },
];

export const BILLING_DATAPOINTS = [
  { Timestamp: new Date('2026-11-24T18:00:00Z'), Maximum: 1200, Unit: 'None' as const },
  { Timestamp: new Date('2026-11-25T06:00:00Z'), Maximum: 1234.5, Unit: 'None' as const },
];
