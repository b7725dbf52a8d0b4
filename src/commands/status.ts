import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, regionFlag } from '../lib/cli/flags';
import { runStatus } from '../lib/lifecycle/service';
import type { StatusReport } from '../lib/lifecycle/status';

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show every stack instance: status, last update, drift, termination protection, stack policy, change set in review.';
  static override description =
    'Drift is the last known result (DescribeStacks); --detect-drift runs a new detection on every deployed stack and waits for it, up to --drift-timeout seconds.';
  static override examples = [
    '<%= config.bin %> status --env staging',
    '<%= config.bin %> status --env production --detect-drift',
    '<%= config.bin %> status --env staging --stack data --json',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags };
  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Only this stack, in every region it runs in (repeatable).', multiple: true }),
    'detect-drift': Flags.boolean({ summary: 'Run drift detection now and wait for it.', default: false }),
    'drift-timeout': Flags.integer({ summary: 'Seconds to wait for each drift detection.', default: 300, min: 1 }),
    ...catalogFlag,
  };

  async run(): Promise<StatusReport> {
    const report = await runStatus(
      {
        env: await this.environment(),
        catalogFile: this.flags.catalog,
        ...(this.flags.stack ? { stacks: this.flags.stack } : {}),
        ...(this.flags.region ? { region: this.flags.region } : {}),
        detectDrift: this.flags['detect-drift'],
        driftTimeoutSeconds: this.flags['drift-timeout'],
      },
      this.out,
      () => this.aws(),
    );
    if (report.stacks.some((s) => s.error)) process.exitCode = 1;
    return report;
  }
}
