import { BaseCommand } from '../../lib/cli/base-command';
import { awsFlags, environmentFlags } from '../../lib/cli/flags';
import type { WafResult } from '../../lib/waf/engine';
import { renderWafResult } from '../../lib/waf/render';
import { runWaf } from '../../lib/waf/service';

export default class WafList extends BaseCommand<typeof WafList> {
  static override summary = 'What is blocked, in which web ACL, by whom, why and until when.';
  static override description =
    'Reads the blocklist IP sets of the three web ACLs and the records in the control table. Like every waf command, it removes the ranges ' +
    'whose end time has passed and puts back any recorded range a set lacks (after a redeploy reset it, or a place was unreachable). See docs/waf.md.';
  static override examples = ['<%= config.bin %> waf list --env production', '<%= config.bin %> waf list --env staging --json'];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags };

  async run(): Promise<WafResult> {
    const env = await this.environment();
    const result = await runWaf(env, { action: 'list' }, this.out, this.aws());
    if (!this.jsonEnabled()) renderWafResult(result, this.out);
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
