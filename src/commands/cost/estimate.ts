import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { catalogFlag, environmentFlags, regionFlag } from '../../lib/cli/flags';
import type { Estimate } from '../../lib/cost/estimate/estimate';
import { runCostEstimate } from '../../lib/cost/estimate/service';

export default class CostEstimate extends BaseCommand<typeof CostEstimate> {
  static override summary = 'Monthly cost of an environment before deploying it: per stack and region, idle and at a usage profile.';
  static override description =
    'Offline: prices every resource of the catalog\'s templates for the environment\'s sizes with a bundled, dated list-price table. ' +
    'Every line shows its formula; the secondary region\'s share (the price of disaster recovery) and the NAT gateways\' share are shown separately.';
  static override examples = [
    '<%= config.bin %> cost estimate --env production',
    '<%= config.bin %> cost estimate --env staging --usage usage.yml --detail',
    '<%= config.bin %> cost estimate --env production --format markdown',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag };
  static override flags = {
    usage: Flags.string({ summary: 'Usage profile (YAML or JSON): ordersPerDay, lunchPeakFactor, pageViewsPerDay, dataStoredGb, ...' }),
    stack: Flags.string({ char: 's', summary: 'Only this stack and what it needs (repeatable).', multiple: true }),
    detail: Flags.boolean({ summary: 'Show every line with its formula, not only the largest.', default: false }),
    format: Flags.option({ summary: 'Output for people.', options: ['table', 'markdown'] as const, default: 'table' as const })(),
    ...catalogFlag,
  };

  async run(): Promise<Estimate> {
    return runCostEstimate(
      {
        env: await this.environment(),
        catalogFile: this.flags.catalog,
        format: this.flags.format,
        detail: this.flags.detail,
        ...(this.flags.usage ? { usageFile: this.flags.usage } : {}),
        ...(this.flags.stack ? { stacks: this.flags.stack } : {}),
        ...(this.flags.region ? { region: this.flags.region } : {}),
      },
      this.out,
    );
  }
}
