import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, regionFlag } from '../lib/cli/flags';
import { runOutputs } from '../lib/lifecycle/service';
import type { OutputsReport } from '../lib/lifecycle/outputs';

export default class Outputs extends BaseCommand<typeof Outputs> {
  static override summary = "Show every stack instance's outputs.";
  static override description = 'With --json: a map from stack instance (stack@role) to its stack name, region and outputs (name → value).';
  static override examples = [
    '<%= config.bin %> outputs --env staging',
    '<%= config.bin %> outputs --env staging --stack edge --json',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags };
  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Only this stack, in every region it runs in (repeatable).', multiple: true }),
    ...catalogFlag,
  };

  async run(): Promise<OutputsReport> {
    return runOutputs(
      { env: await this.environment(), catalogFile: this.flags.catalog, ...(this.flags.stack ? { stacks: this.flags.stack } : {}), ...(this.flags.region ? { region: this.flags.region } : {}) },
      this.out,
      () => this.aws(),
    );
  }
}
