import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { awsFlags, catalogFlag, environmentFlags, regionFlag } from '../../lib/cli/flags';
import { FORMATS } from '../../lib/compliance/format';
import { LIVE_CHECKS } from '../../lib/compliance/live/audit';
import { FAIL_ON, type ComplianceReport } from '../../lib/compliance/report';
import { runComplianceAudit } from '../../lib/compliance/service';

export default class AuditCompliance extends BaseCommand<typeof AuditCompliance> {
  static override summary = 'Audit the café against AWS Security Hub controls: the templates offline, the deployed environment with --live.';
  static override description =
    'The static audit runs every rule of docs/compliance.md over every template of the catalog (and merges cfn-lint when installed). ' +
    '--live adds AWS Config rule and conformance-pack compliance, CloudFormation drift of every stack, CloudTrail logging, and missing or extra stacks, in both regions. ' +
    'Suppressions live in the templates (Metadata: cafe-ops: suppress), name the rule and the statement or key path they cover, and always need a reason. ' +
    'cfn-lint results are cached by template content under .cafe-ops/cache/cfn-lint.';
  static override examples = [
    '<%= config.bin %> audit compliance',
    '<%= config.bin %> audit compliance --format sarif --out reports/compliance.sarif --fail-on high',
    '<%= config.bin %> audit compliance --env production --live --format markdown --out comment.md',
    '<%= config.bin %> audit compliance --rule S3.5 --rule RDS.27 --json',
    '<%= config.bin %> audit compliance --show-suppressed',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...regionFlag, ...awsFlags };
  static override flags = {
    live: Flags.boolean({ summary: 'Also audit the deployed environment (needs --env and credentials).', default: false }),
    static: Flags.boolean({ summary: 'Audit the templates (turn off with --no-static for a live-only audit).', default: true, allowNo: true }),
    format: Flags.string({
      char: 'f',
      summary: 'Report format.',
      options: [...FORMATS],
      default: 'table',
      // Without --out the report would go to stdout, which --json already fills.
      relationships: [{ type: 'none', flags: [{ name: 'json', when: async (flags) => flags.out === undefined }] }],
    }),
    out: Flags.string({ char: 'o', summary: 'Write the report to this file instead of stdout.' }),
    'fail-on': Flags.string({ summary: 'Exit 1 when an unsuppressed finding is at least this severe.', options: [...FAIL_ON], default: 'high' }),
    rule: Flags.string({ summary: 'Only this rule id or Security Hub control (repeatable).', multiple: true }),
    check: Flags.string({ summary: 'Only this live check (repeatable).', options: [...LIVE_CHECKS], multiple: true }),
    'cfn-lint': Flags.boolean({ summary: 'Merge the findings of cfn-lint when it is installed.', default: true, allowNo: true }),
    'show-suppressed': Flags.boolean({ summary: 'List the suppressed findings with their reasons in the table and Markdown reports.', default: false }),
    ...catalogFlag,
  };

  async run(): Promise<ComplianceReport> {
    const report = await runComplianceAudit(
      {
        catalogFile: this.flags.catalog,
        configFile: this.flags.config,
        ...(this.flags.env ? { envName: this.flags.env } : {}),
        staticAudit: this.flags.static,
        live: this.flags.live,
        ...(this.flags.region ? { region: this.flags.region } : {}),
        cfnLint: this.flags['cfn-lint'],
        ...(this.flags.rule ? { only: this.flags.rule } : {}),
        ...(this.flags.check ? { checks: this.flags.check as (typeof LIVE_CHECKS)[number][] } : {}),
        failOn: this.flags['fail-on'] as (typeof FAIL_ON)[number],
        format: this.flags.format as (typeof FORMATS)[number],
        showSuppressed: this.flags['show-suppressed'],
        toolVersion: this.config.version,
        ...(this.flags.out ? { outFile: this.flags.out } : {}),
      },
      this.out,
      () => this.aws(),
    );
    if (report.failed) process.exitCode = 1;
    return report;
  }
}
