import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { catalogFlag } from '../lib/cli/flags';
import { lintCatalog, type LintResult } from '../lib/lint/lint';
import { loadCatalog } from '../lib/stacks/catalog';

export default class Lint extends BaseCommand<typeof Lint> {
  static override summary = 'Check every template against the CloudFormation resource schemas, the catalog wiring and cfn-lint.';
  static override description = 'Works offline. Uses the resource schemas shipped in @aws-cdk/aws-service-spec, and merges the findings of cfn-lint when it is on PATH.';
  static override examples = ['<%= config.bin %> lint', '<%= config.bin %> lint --json', '<%= config.bin %> lint --no-cfn-lint'];

  static override flags = {
    ...catalogFlag,
    'cfn-lint': Flags.boolean({ summary: 'Also run cfn-lint when it is installed.', default: true, allowNo: true }),
  };

  async run(): Promise<LintResult> {
    const catalog = await loadCatalog(this.flags.catalog);
    const result = await lintCatalog(catalog, { cfnLint: this.flags['cfn-lint'] });
    for (const f of result.findings) this.out.info(`${f.file}:${f.line}: ${f.level} ${f.rule}: ${f.message}${f.source === 'cfn-lint' ? ' (cfn-lint)' : ''}`);
    const errors = result.findings.filter((f) => f.level === 'error').length;
    this.out.info(
      `${result.templates.length} templates: ${errors} errors, ${result.findings.length - errors} warnings` +
        (result.cfnLint === 'ran' ? ' (schemas and cfn-lint)' : this.flags['cfn-lint'] ? ' (schemas; cfn-lint not installed: pip install cfn-lint)' : ' (schemas)'),
    );
    if (errors > 0) process.exitCode = 1;
    return result;
  }
}
