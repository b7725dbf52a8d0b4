/** Adapters of the cost ports over the AWS SDK v3 clients of {@link AwsClients} (loaded lazily). */
import type { AwsClients } from '../aws/clients';
import type { BillingMetricsApi, BudgetsApi, CostExplorerApi } from './ports';

export async function costExplorerApi(aws: AwsClients): Promise<CostExplorerApi> {
  const [client, sdk] = await Promise.all([aws.costExplorer(), import('@aws-sdk/client-cost-explorer')]);
  return {
    getCostAndUsage: (input) => client.send(new sdk.GetCostAndUsageCommand(input)),
    getCostForecast: (input) => client.send(new sdk.GetCostForecastCommand(input)),
  };
}

export async function budgetsApi(aws: AwsClients): Promise<BudgetsApi> {
  const [client, sdk] = await Promise.all([aws.budgets(), import('@aws-sdk/client-budgets')]);
  return {
    describeBudgets: (input) => client.send(new sdk.DescribeBudgetsCommand(input)),
    describeBudget: (input) => client.send(new sdk.DescribeBudgetCommand(input)),
    describeNotificationsForBudget: (input) => client.send(new sdk.DescribeNotificationsForBudgetCommand(input)),
  };
}

/** AWS/Billing metrics are published in us-east-1 only. */
export async function billingMetricsApi(aws: AwsClients): Promise<BillingMetricsApi> {
  const [client, sdk] = await Promise.all([aws.cloudWatch('us-east-1'), import('@aws-sdk/client-cloudwatch')]);
  return { getMetricStatistics: (input) => client.send(new sdk.GetMetricStatisticsCommand(input)) };
}
