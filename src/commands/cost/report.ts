import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { awsFlags, environmentFlags, regionFlag } from '../../lib/cli/flags';
import { FAIL_ON } from '../../lib/cost/report';
import { awsCostPorts, runCostReport, type CostReportResult } from '../../lib/cost/service';

export default class CostReport extends BaseCommand<typeof CostReport> {
  static override summary = 'Spend of an environment against its budgets: month to date, forecast, services, regions, daily trend.';
  static override description =
    'Reads Cost Explorer (costs tagged Project and Environment), AWS Budgets and CloudWatch billing. Cost Explorer bills every request, ' +
    'so answers are cached in .cafe-ops/cache/ for 6 hours and the paid requests of the run are counted in the output.';
  static override examples = [
    '<%= config.bin %> cost report --env production',
    '<%= config.bin %> cost report --env production --format markdown --fail-on forecast-over',
    '<%= config.bin %> cost report --env staging --out cost.html --no-cache',
    '<%= config.bin %> cost report --env production --region eu-central-1',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags };
  static override flags = {
    months: Flags.integer({ summary: 'Previous months to compare with.', default: 3, min: 1, max: 12 }),
    days: Flags.integer({ summary: 'Days of the daily trend.', default: 30, min: 7, max: 90 }),
    budget: Flags.string({ summary: 'Report this AWS budget (default: every budget named <project>-<env>-*).' }),
    'fail-on': Flags.option({ summary: 'Exit 1 when a budget is over (for CI).', options: FAIL_ON })(),
    format: Flags.option({ summary: 'Output for people.', options: ['table', 'markdown'] as const, default: 'table' as const })(),
    out: Flags.string({ summary: 'Also write the daily chart to FILE (.svg) or a page with the chart and tables (.html).' }),
    cache: Flags.boolean({ summary: 'Reuse Cost Explorer answers younger than 6 hours (--no-cache asks again).', default: true, allowNo: true }),
  };

  async run(): Promise<CostReportResult> {
    const env = await this.environment();
    const result = await runCostReport(
      {
        env,
        months: this.flags.months,
        days: this.flags.days,
        format: this.flags.format,
        cache: this.flags.cache,
        ...(this.flags.budget ? { budget: this.flags.budget } : {}),
        ...(this.flags.region ? { region: this.flags.region } : {}),
        ...(this.flags['fail-on'] ? { failOn: this.flags['fail-on'] } : {}),
        ...(this.flags.out ? { out: this.flags.out } : {}),
        endpoint: [this.flags['endpoint-url'] ?? 'aws', this.flags.profile ?? 'default'].join('|'),
      },
      this.out,
      await awsCostPorts(this.aws()),
    );
    if (result.failOn?.failed) process.exitCode = 1;
    return result;
  }
}
