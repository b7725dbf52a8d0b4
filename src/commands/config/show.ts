import { BaseCommand } from '../../lib/cli/base-command';
import { environmentFlags } from '../../lib/cli/flags';
import type { ResolvedEnvironment } from '../../lib/config/load';

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = 'Validate cafe-ops.yml and show one environment as cafe-ops sees it.';
  static override examples = ['<%= config.bin %> config show --env staging', '<%= config.bin %> config show --env production --json'];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags };

  async run(): Promise<ResolvedEnvironment> {
    const env = await this.environment();
    this.out.table(
      ['key', 'value'],
      [
        ['environment', env.name],
        ['account', env.accountId],
        ['regions', `${env.primaryRegion} (primary), ${env.secondaryRegion} (secondary)`],
        ['domain', `${env.domain} (zone ${env.hostedZoneId})`],
        ['alerts', env.alertEmail],
        ['monthly budget', `$${env.monthlyBudget}`],
        ...Object.entries(env.sizes).map(([key, value]) => [`sizes.${key}`, typeof value === 'object' ? JSON.stringify(value) : String(value)]),
      ],
    );
    return env;
  }
}
