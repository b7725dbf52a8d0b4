import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { awsFlags, environmentFlags, yesFlag } from '../../lib/cli/flags';
import type { WafResult } from '../../lib/waf/engine';
import { renderWafResult } from '../../lib/waf/render';
import { runWaf } from '../../lib/waf/service';

export default class WafUnblock extends BaseCommand<typeof WafUnblock> {
  static override summary = 'Unblock addresses or CIDR ranges everywhere they are blocked.';
  static override description =
    'Removes the ranges from the blocklist IP sets of the three web ACLs and deletes their records. A place that cannot be reached keeps ' +
    'the range until the next waf command or deploy, which finishes the unblock. See docs/waf.md.';
  static override examples = [
    '<%= config.bin %> waf unblock 198.51.7.0/24 --env production',
    '<%= config.bin %> waf unblock 45.12.3.4/32 2a01:4f8:10::/48 --env production --yes --json',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags, ...yesFlag };
  static override strict = false;
  static override args = { cidr: Args.string({ description: 'Address or CIDR range to unblock (several may follow).', required: true }) };

  async run(): Promise<WafResult> {
    const { argv } = await this.parse(WafUnblock);
    const env = await this.environment();
    const result = await runWaf(env, { action: 'unblock', request: { cidrs: argv as string[], yes: this.flags.yes } }, this.out, this.aws());
    if (!this.jsonEnabled()) renderWafResult(result, this.out);
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
