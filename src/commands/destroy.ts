import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, yesFlag } from '../lib/cli/flags';
import type { DestroyReport } from '../lib/lifecycle/destroy';
import { runDestroy } from '../lib/lifecycle/service';

export default class Destroy extends BaseCommand<typeof Destroy> {
  static override summary = "Delete an environment's stacks, in reverse dependency order, keeping retained data.";
  static override description =
    'Shows what CloudFormation keeps by DeletionPolicy, then asks for the environment name (or takes --yes --confirm-env NAME). ' +
    'Stacks with termination protection are deleted only with --disable-termination-protection; production only with --allow-production. See docs/teardown.md.';
  static override examples = [
    '<%= config.bin %> destroy --env staging',
    '<%= config.bin %> destroy --env staging --yes --confirm-env staging --disable-termination-protection',
    '<%= config.bin %> destroy --env staging --stack app --stack edge',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags, ...yesFlag };
  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Delete only this stack, in every region it runs in (repeatable); refused while a deployed stack outside the selection needs it.', multiple: true }),
    'confirm-env': Flags.string({ summary: 'The environment name, as the confirmation without a prompt (with --yes).' }),
    'disable-termination-protection': Flags.boolean({ summary: 'Turn termination protection off on each stack just before deleting it.', default: false }),
    'allow-production': Flags.boolean({ summary: 'Allow destroying the production environment.', default: false }),
    concurrency: Flags.integer({ summary: 'Stack instances deleted at once.', default: 4, min: 1, max: 32 }),
    'delete-timeout': Flags.integer({ summary: "Seconds to wait for each stack's deletion.", default: 3600, min: 1 }),
    ...catalogFlag,
  };

  async run(): Promise<DestroyReport> {
    const report = await runDestroy(
      {
        env: await this.environment(),
        catalogFile: this.flags.catalog,
        ...(this.flags.stack?.length ? { stacks: this.flags.stack } : {}),
        ...(this.flags['confirm-env'] !== undefined ? { confirmEnv: this.flags['confirm-env'] } : {}),
        yes: this.flags.yes,
        allowProduction: this.flags['allow-production'],
        disableTerminationProtection: this.flags['disable-termination-protection'],
        concurrency: this.flags.concurrency,
        deleteTimeoutSeconds: this.flags['delete-timeout'],
      },
      this.out,
      () => this.aws(),
    );
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
