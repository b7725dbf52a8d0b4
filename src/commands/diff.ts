import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, regionFlag } from '../lib/cli/flags';
import { runDiff } from '../lib/lifecycle/service';
import type { DiffReport } from '../lib/lifecycle/diff';

export default class Diff extends BaseCommand<typeof Diff> {
  static override summary = 'Show what a deploy would change: templates, parameters and tags, property by property.';
  static override description =
    'Compares each deployed stack instance (its template, parameters and tags) with what `cafe-ops deploy` would send, and calls out IAM statement and security-group changes as `cdk diff` does. Creates no change set.';
  static override examples = [
    '<%= config.bin %> diff --env staging',
    '<%= config.bin %> diff --env production --stack app',
    '<%= config.bin %> diff --env staging --fail-on-changes --json',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags };
  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Only this stack, in every region it runs in (repeatable).', multiple: true }),
    'fail-on-changes': Flags.boolean({ summary: 'Exit 1 when any stack instance differs (for CI).', default: false }),
    ...catalogFlag,
  };

  async run(): Promise<DiffReport> {
    const report = await runDiff(
      { env: await this.environment(), catalogFile: this.flags.catalog, ...(this.flags.stack ? { stacks: this.flags.stack } : {}), ...(this.flags.region ? { region: this.flags.region } : {}) },
      this.out,
      () => this.aws(),
    );
    if (report.stacks.some((s) => s.state === 'failed') || (this.flags['fail-on-changes'] && report.changed)) process.exitCode = 1;
    return report;
  }
}
