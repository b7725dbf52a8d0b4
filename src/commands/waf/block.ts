import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { awsFlags, environmentFlags, yesFlag } from '../../lib/cli/flags';
import { parseDuration } from '../../lib/waf/duration';
import type { WafResult } from '../../lib/waf/engine';
import { renderWafResult } from '../../lib/waf/render';
import { runWaf } from '../../lib/waf/service';

export default class WafBlock extends BaseCommand<typeof WafBlock> {
  static override summary = 'Block addresses or CIDR ranges at the edge and in both regional APIs, with a reason.';
  static override description =
    'Adds the ranges to the blocklist IP sets of the three web ACLs (CLOUDFRONT scope in us-east-1, REGIONAL in both regions) and records ' +
    'who blocked them, why and until when in the control table. Every range is checked before anything is written: malformed, private or ' +
    'reserved, wider than a /8 (IPv4) or /32 (IPv6) without --force, already blocked, or a full IP set (10,000) refuses the whole command. ' +
    'WAF applies the change within seconds to a few minutes. See docs/waf.md.';
  static override examples = [
    '<%= config.bin %> waf block 198.51.7.0/24 --env production --reason "scraping the menu at lunch" --for 24h',
    '<%= config.bin %> waf block 45.12.3.4 2a01:4f8:10::/48 --env production --reason "card testing on /payments" --yes --json',
    '<%= config.bin %> waf block 30.0.0.0/7 --env production --reason "botnet, ticket SEC-42" --for 7d --force',
  ];
  static override strict = false;
  static override args = { cidr: Args.string({ description: 'Address or CIDR range to block (several may follow).', required: true }) };

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags, ...yesFlag };
  static override flags = {
    reason: Flags.string({ summary: 'Why: shown by `waf list` and kept in the control table.', required: true }),
    for: Flags.string({ summary: 'How long, e.g. 30m, 24h, 7d (default: no end).' }),
    force: Flags.boolean({ summary: 'Allow a range wider than a /8 (IPv4) or /32 (IPv6).', default: false }),
  };

  async run(): Promise<WafResult> {
    const { argv } = await this.parse(WafBlock);
    const env = await this.environment();
    const result = await runWaf(
      env,
      {
        action: 'block',
        request: {
          cidrs: argv as string[],
          reason: this.flags.reason,
          force: this.flags.force,
          yes: this.flags.yes,
          ...(this.flags.for ? { durationMs: parseDuration(this.flags.for) } : {}),
        },
      },
      this.out,
      this.aws(),
    );
    if (!this.jsonEnabled()) renderWafResult(result, this.out);
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
