/**
 * The narrow interfaces the cost report reads through. Requests and responses keep the AWS SDK v3
 * shapes, so the adapters (./aws.ts) are one call each and tests feed real response shapes.
 */
import type { DescribeBudgetCommandInput, DescribeBudgetCommandOutput, DescribeBudgetsCommandInput, DescribeBudgetsCommandOutput, DescribeNotificationsForBudgetCommandInput, DescribeNotificationsForBudgetCommandOutput } from '@aws-sdk/client-budgets';
import type { GetMetricStatisticsCommandInput, GetMetricStatisticsCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput, GetCostForecastCommandInput, GetCostForecastCommandOutput } from '@aws-sdk/client-cost-explorer';

export type CostAndUsageInput = GetCostAndUsageCommandInput;
export type CostAndUsageOutput = Omit<GetCostAndUsageCommandOutput, '$metadata'>;
export type CostForecastInput = GetCostForecastCommandInput;
export type CostForecastOutput = Omit<GetCostForecastCommandOutput, '$metadata'>;

/** AWS Cost Explorer (every request is charged, $0.01 each). */
export interface CostExplorerApi {
  getCostAndUsage(input: CostAndUsageInput): Promise<CostAndUsageOutput>;
  getCostForecast(input: CostForecastInput): Promise<CostForecastOutput>;
}

/** AWS Budgets. */
export interface BudgetsApi {
  describeBudgets(input: DescribeBudgetsCommandInput): Promise<Omit<DescribeBudgetsCommandOutput, '$metadata'>>;
  describeBudget(input: DescribeBudgetCommandInput): Promise<Omit<DescribeBudgetCommandOutput, '$metadata'>>;
  describeNotificationsForBudget(input: DescribeNotificationsForBudgetCommandInput): Promise<Omit<DescribeNotificationsForBudgetCommandOutput, '$metadata'>>;
}

/** CloudWatch in us-east-1, where AWS/Billing EstimatedCharges lives. */
export interface BillingMetricsApi {
  getMetricStatistics(input: GetMetricStatisticsCommandInput): Promise<Omit<GetMetricStatisticsCommandOutput, '$metadata'>>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
