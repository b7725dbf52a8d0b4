import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { runOutputs } from '../lib/lifecycle/service';
import type { OutputsReport } from '../lib/lifecycle/outputs';
import { DEFAULT_CATALOG_FILE } from '../lib/stacks/catalog';

export default class Outputs extends BaseCommand<typeof Outputs> {
  static override summary = "Show every stack instance's outputs.";
  static override description = 'With --json: a map from stack instance (stack@role) to its stack name, region and outputs (name → value).';
  static override examples = [
    '<%= config.bin %> outputs --env staging',
    '<%= config.bin %> outputs --env staging --stack edge --json',
  ];

  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Only this stack, in every region it runs in (repeatable).', multiple: true }),
    catalog: Flags.string({ summary: 'Path of the stack catalog.', default: DEFAULT_CATALOG_FILE }),
  };

  async run(): Promise<OutputsReport> {
    return runOutputs(
      { env: await this.environment(), catalogFile: this.flags.catalog, ...(this.flags.stack ? { stacks: this.flags.stack } : {}), ...(this.flags.region ? { region: this.flags.region } : {}) },
      this.out,
      () => this.aws(),
    );
  }
}
