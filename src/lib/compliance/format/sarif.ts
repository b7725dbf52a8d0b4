/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules as the driver's rules, findings as results.
 * What code scanning reads, per https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning:
 * driver name/version/informationUri; per rule shortDescription, help, helpUri and the
 * `security-severity` property; `runAutomationDetails.id` ("category/run"), so runs of each
 * environment are tracked apart; `partialFingerprints`, so an alert follows its finding when lines move;
 * suppressed results carry `suppressions: [{ kind: 'inSource', justification }]` (the suppression is
 * written in the template), which code scanning shows as closed rather than open.
 */
import { createHash } from 'node:crypto';
import type { ComplianceReport } from '../report';
import type { Finding, Severity } from '../types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning reads this property to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
/** The Security Hub controls reference: one page per service (s3-controls.html#s3-9). */
const SECURITY_HUB_DOCS = 'https://docs.aws.amazon.com/securityhub/latest/userguide';
const CFN_LINT_RULES = 'https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md';

export interface SarifOptions {
  /** Where the tool's documentation lives (the repository's docs/compliance.md); rules without an AWS page link there. */
  informationUri?: string;
}

export function renderSarif(report: ComplianceReport, options: SarifOptions = {}): string {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const informationUri = options.informationUri;
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cafe-ops',
            ...(report.tool ? { version: report.tool.version, semanticVersion: report.tool.version } : {}),
            ...(informationUri ? { informationUri } : {}),
            rules: report.rules.map((r) => {
              const helpUri = helpUriOf(r.id, r.control, informationUri);
              return {
                id: r.id,
                name: r.id.replace(/[^A-Za-z0-9]/g, ''),
                shortDescription: { text: r.title },
                ...(r.remediation ? { help: { text: r.remediation } } : {}),
                ...(helpUri ? { helpUri } : {}),
                defaultConfiguration: { level: LEVEL[r.severity] },
                properties: { tags: ['security', ...(r.control ? [`aws-securityhub/${r.control}`] : [])], 'security-severity': SECURITY_SEVERITY[r.severity] },
              };
            }),
          },
        },
        // "category/run-id": code scanning compares runs of one category, so each environment (or the
        // template-only audit) keeps its own alerts.
        automationDetails: { id: `cafe-ops/compliance/${report.environment ?? 'templates'}/${report.generatedAt}` },
        results: report.findings.map((f) => result(f, index.get(f.rule))),
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
        properties: { suppressedByRule: report.summary.suppressedByRule },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** The AWS page of a Security Hub control, cfn-lint's rule list, or the project's rule list. */
export function helpUriOf(id: string, control: string | undefined, informationUri: string | undefined): string | undefined {
  if (control) {
    const [service, number] = control.split('.');
    if (service && number) return `${SECURITY_HUB_DOCS}/${service.toLowerCase()}-controls.html#${service.toLowerCase()}-${number.toLowerCase()}`;
  }
  if (/^[EWI]\d{4}$/.test(id)) return CFN_LINT_RULES;
  return informationUri;
}

function result(f: Finding, ruleIndex: number | undefined) {
  const logical = [f.region, f.stack, f.logicalId ?? f.resourceId].filter(Boolean).join('/');
  // Stable across line moves: the rule, the file, the resource and the key path (or the message for live findings).
  const identity = [f.rule, f.file ?? f.region ?? '', f.logicalId ?? f.resourceId ?? '', f.path ?? (f.file ? '' : f.message)].join('\u0000');
  return {
    ruleId: f.rule,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        ...(f.file ? { physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, region: { startLine: f.line ?? 1 } } } : {}),
        ...(logical ? { logicalLocations: [{ name: f.logicalId ?? f.resourceId ?? f.stack ?? '', fullyQualifiedName: logical, kind: 'resource' }] } : {}),
      },
    ],
    partialFingerprints: { 'cafeOpsFinding/v1': createHash('sha256').update(identity).digest('hex').slice(0, 32) },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.suppressed.reason }] } : {}),
    properties: { severity: f.severity, source: f.source, ...(f.control ? { control: f.control } : {}), ...(f.path ? { path: f.path } : {}) },
  };
}
