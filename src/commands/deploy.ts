import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, regionFlag, yesFlag } from '../lib/cli/flags';
import { runDeploy, type DeployResult } from '../lib/deploy/service';

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Deploy every stack of the café, both regions, in dependency order.';
  static override description =
    'Plans offline from the stack catalog, then for each stack instance creates a change set, shows it, asks for confirmation and executes it. ' +
    'Stacks start as soon as the stacks they need are done, in both regions at once.';
  static override examples = [
    '<%= config.bin %> deploy --env staging --dry-run',
    '<%= config.bin %> deploy --env staging',
    '<%= config.bin %> deploy --env production --stack app --no-execute',
    '<%= config.bin %> deploy --env production --no-execute --review-out review.json',
    '<%= config.bin %> deploy --env production --execute review.json --yes',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags, ...yesFlag };
  static override flags = {
    stack: Flags.string({ char: 's', summary: 'Deploy only this stack and what it needs (repeatable).', multiple: true }),
    'dry-run': Flags.boolean({ summary: 'Validate and print the plan offline; no AWS call at all.', default: false, exclusive: ['no-execute', 'execute'] }),
    'no-execute': Flags.boolean({ summary: 'Create and show the change sets, keep them for review.', default: false }),
    'review-out': Flags.string({ summary: 'With --no-execute: write the review here (JSON) and a Markdown summary at FILE.md.', dependsOn: ['no-execute'], exclusive: ['execute', 'dry-run'] }),
    execute: Flags.string({ summary: 'Execute exactly the change sets of this review, refusing any whose stack changed since.', exclusive: ['no-execute', 'dry-run', 'review-out', 'force', 'stack'] }),
    force: Flags.boolean({ summary: 'Create change sets even for stack instances equal to what is deployed.', default: false }),
    'allow-replacement': Flags.boolean({ summary: 'Allow replacing or removing stateful resources (databases, tables, buckets, keys).', default: false }),
    concurrency: Flags.integer({ summary: 'Stack instances deployed at once.', default: 4, min: 1, max: 32 }),
    ...catalogFlag,
  };

  async run(): Promise<DeployResult> {
    const env = await this.environment();
    const abort = new AbortController();
    const onSigint = () => {
      this.out.warn('interrupted: no new stacks will start; stacks already executing continue in AWS');
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const result = await runDeploy(
        {
          env,
          catalogFile: this.flags.catalog,
          ...(this.flags.stack ? { stacks: this.flags.stack } : {}),
          ...(this.flags.region ? { region: this.flags.region } : {}),
          dryRun: this.flags['dry-run'],
          noExecute: this.flags['no-execute'],
          force: this.flags.force,
          ...(this.flags['review-out'] ? { reviewOut: this.flags['review-out'] } : {}),
          ...(this.flags.execute ? { execute: this.flags.execute } : {}),
          yes: this.flags.yes,
          allowReplacement: this.flags['allow-replacement'],
          concurrency: this.flags.concurrency,
          signal: abort.signal,
        },
        this.out,
        () => this.aws(),
      );
      if (result.mode !== 'dry-run' && !result.ok) process.exitCode = 1;
      return result;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
