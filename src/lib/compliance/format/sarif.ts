/** SARIF 2.1.0 for code scanning: one run, the rules as the driver's rules, findings as results. */
import type { ComplianceReport } from '../report';
import type { Finding, Severity } from '../types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning reads this property to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function renderSarif(report: ComplianceReport): string {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cafe-ops',
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]/g, ''),
              shortDescription: { text: r.title },
              ...(r.remediation ? { help: { text: r.remediation } } : {}),
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ['security', ...(r.control ? [`aws-securityhub/${r.control}`] : [])], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results: report.findings.map((f) => result(f, index.get(f.rule))),
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function result(f: Finding, ruleIndex: number | undefined) {
  const logical = [f.region, f.stack, f.logicalId ?? f.resourceId].filter(Boolean).join('/');
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
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed.reason }] } : {}),
    properties: { severity: f.severity, source: f.source, ...(f.control ? { control: f.control } : {}) },
  };
}
