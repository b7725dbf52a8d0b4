import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import schema from './sarif-2.1.0.subset.schema.json';
import { buildReport, type ComplianceReport } from '../../../src/lib/compliance/report';
import { renderReport } from '../../../src/lib/compliance/format';
import { loadRules } from '../../../src/lib/compliance/registry';
import type { Finding } from '../../../src/lib/compliance/types';
import { auditFragments, NOW, stack } from './helpers';
import { auditTemplates } from '../../../src/lib/compliance/static';

function sampleReport(failOn: ComplianceReport['failOn'] = 'high'): ComplianceReport {
  const yaml =
    'Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Metadata:\n      cafe-ops:\n        suppress:\n          - { rule: S3.9, path: Type, reason: "The log destination <itself> & cannot log to itself." }\n    Properties:\n      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: false\n';
  const { templates } = auditFragments({ main: { yaml } });
  const rules = loadRules().filter((r) => ['S3.9', 'S3.5', 'KMS.3', 'KMS.4'].includes(r.id));
  const staticResult = auditTemplates({ file: 'stacks.yaml', root: '.', stacks: { main: stack('main.yaml', ['primary']) }, artifacts: {} }, templates, { rules, now: NOW });
  const drift: Finding = { rule: 'Drift', severity: 'high', title: 'Deployed resources match their templates', message: 'cafe-staging-data: Cluster was changed outside CloudFormation: /DeletionProtection "true" -> "false" | 1 < 2', source: 'drift', region: 'eu-west-1', stack: 'cafe-staging-data', logicalId: 'Cluster', resourceType: 'AWS::RDS::DBCluster' };
  return buildReport({
    now: NOW,
    toolVersion: '1.2.3',
    environment: 'staging',
    staticResult,
    rules,
    live: { environment: 'staging', regions: ['eu-west-1'], stacks: [], configRules: [], conformancePacks: [], trails: [], findings: [drift] },
    failOn,
  });
}

describe('report', () => {
  it('counts open findings by severity and fails at --fail-on', () => {
    const report = sampleReport();
    expect(report.summary).toEqual({ findings: 4, suppressed: 1, bySeverity: { critical: 1, high: 1, medium: 2, low: 0, info: 0 }, suppressedByRule: { 'S3.9': { findings: 1, suppressions: 1 } } });
    expect(report.findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'medium', 'medium']);
    expect(report.failed).toBe(true);
    expect(sampleReport('never').failed).toBe(false);
    expect(sampleReport('info').failed).toBe(true);
    const onlyMedium = buildReport({ now: NOW, failOn: 'high', staticResult: { templates: [], rules: 1, findings: [{ rule: 'X', severity: 'medium', title: 't', message: 'm', source: 'template' }], suppressions: [], cfnLint: 'off' } });
    expect(onlyMedium.failed).toBe(false);
  });
});

describe('SARIF', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid SARIF 2.1.0 with rules, locations, logical locations and in-source suppressions', () => {
    const sarif = JSON.parse(renderReport(sampleReport(), 'sarif'));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(5);
    const suppressed = run.results.filter((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed).toEqual([expect.objectContaining({ ruleId: 'S3.9', suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'The log destination <itself> & cannot log to itself.' }] })]);
    expect(run.properties.suppressedByRule).toEqual({ 'S3.9': { findings: 1, suppressions: 1 } });
    const kms = run.results.find((r: { ruleId: string }) => r.ruleId === 'KMS.3');
    expect(kms.level).toBe('error');
    expect(kms.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'main.yaml' }, region: { startLine: 13 } });
    expect(run.tool.driver.rules[kms.ruleIndex].id).toBe('KMS.3');
    expect(run.tool.driver.rules[kms.ruleIndex].properties['security-severity']).toBe('9.5');
    const drift = run.results.find((r: { ruleId: string }) => r.ruleId === 'Drift');
    expect(drift.locations[0]).toEqual({ logicalLocations: [{ name: 'Cluster', fullyQualifiedName: 'eu-west-1/cafe-staging-data/Cluster', kind: 'resource' }] });
  });

  it('carries what GitHub code scanning reads: tool version and documentation, help per rule, one category per environment, stable fingerprints', () => {
    const sarif = JSON.parse(renderReport(sampleReport(), 'sarif', { informationUri: 'https://github.example/acme/cafe/blob/abc/docs/compliance.md' }));
    expect(validate(sarif)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'cafe-ops', version: '1.2.3', informationUri: 'https://github.example/acme/cafe/blob/abc/docs/compliance.md' });
    const helpOf = (id: string) => run.tool.driver.rules.find((r: { id: string }) => r.id === id).helpUri;
    expect(helpOf('S3.9')).toBe('https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9');
    expect(helpOf('KMS.3')).toBe('https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3');
    expect(helpOf('Drift')).toBe('https://github.example/acme/cafe/blob/abc/docs/compliance.md');
    expect(run.tool.driver.rules.every((r: { helpUri?: string }) => typeof r.helpUri === 'string')).toBe(true);
    // The category (everything before the last /) names the environment, so each one's alerts are tracked apart.
    expect(run.automationDetails.id).toBe('cafe-ops/compliance/staging/2026-11-25T09:00:00.000Z');
    const templatesOnly = JSON.parse(renderReport({ ...sampleReport(), environment: undefined } as ComplianceReport, 'sarif'));
    expect(templatesOnly.runs[0].automationDetails.id).toMatch(/^cafe-ops\/compliance\/templates\//);
    // The same finding on another line keeps its fingerprint; another finding gets another one.
    const prints = run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['cafeOpsFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
    const moved = sampleReport();
    moved.findings = moved.findings.map((f) => ({ ...f, line: (f.line ?? 1) + 7 }));
    expect(JSON.parse(renderReport(moved, 'sarif')).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['cafeOpsFinding/v1'])).toEqual(prints);
  });

  it('the schema rejects what SARIF forbids (so the check above can fail)', () => {
    const sarif = JSON.parse(renderReport(sampleReport(), 'sarif'));
    sarif.runs[0].results[0].level = 'critical';
    delete sarif.runs[0].tool.driver.name;
    expect(validate(sarif)).toBe(false);
  });
});

describe('JUnit', () => {
  it('parses back: a suite per rule, a failure per open finding, a skipped case per suppressed one, the suppressions per rule, text escaped', () => {
    const xml = renderReport(sampleReport(), 'junit');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);
    const suites = parsed.testsuites.testsuite as { name: string; tests: string; failures: string; skipped: string; testcase: { name: string; failure?: { type: string; message: string }; skipped?: { message: string } }[] }[];
    expect(parsed.testsuites.failures).toBe('4');
    expect(parsed.testsuites.skipped).toBe('1');
    expect(suites.map((s) => s.name)).toEqual(['KMS.3', 'KMS.4', 'S3.5', 'S3.9', 'Drift']);
    const s39 = suites.find((s) => s.name === 'S3.9')!;
    expect(s39.testcase[0]!.skipped!.message).toBe('suppressed: The log destination <itself> & cannot log to itself.');
    expect((s39 as unknown as { properties: { property: unknown } }).properties.property).toEqual([
      { name: 'suppressed', value: '1' },
      { name: 'suppressions', value: '1' },
    ]);
    const kms4 = suites.find((s) => s.name === 'KMS.4')!;
    expect(kms4.testcase[0]!.failure).toMatchObject({ type: 'medium', message: 'Key does not rotate its key material' });
    const drift = suites.find((s) => s.name === 'Drift')!;
    expect(drift.testcase[0]!.failure!.message).toContain('"true" -> "false" | 1 < 2');
    expect(drift.testcase[0]!.name).toBe('Cluster @ eu-west-1/cafe-staging-data');
  });
});

describe('Markdown and table', () => {
  it('groups by severity, then control, escapes table cells, counts suppressions per rule and lists them with --show-suppressed', () => {
    const md = renderReport(sampleReport(), 'markdown');
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### Critical (1)', '### High (1)', '### Medium (2)', '### Suppressions by rule']);
    expect(md).toContain('"false" \\| 1 < 2');
    expect(md).toContain('| S3.9 | 1 | 1 |');
    expect(md).not.toContain('<details>');
    expect(md.indexOf('| KMS.4 |')).toBeGreaterThan(md.indexOf('### Medium'));
    const shown = renderReport(sampleReport(), 'markdown', { showSuppressed: true });
    expect(shown).toContain('<details><summary>Suppressed (1)</summary>');
    expect(shown).toContain('| S3.9 | `main.yaml:3` | Logs | `Type` | The log destination <itself> & cannot log to itself. |');
  });

  it('prints the open findings first, a table per severity with the key path, then the suppressions per rule and the verdict', () => {
    const text = renderReport(sampleReport(), 'table');
    const order = ['CRITICAL (1)', 'HIGH (1)', 'MEDIUM (2)', 'Suppressed by rule: S3.9 1 (1 suppression) (--show-suppressed lists them)'].map((h) => text.indexOf(h));
    expect(order.every((v, i) => v >= 0 && (i === 0 || v > order[i - 1]!))).toBe(true);
    expect(text).not.toContain('SUPPRESSED (1)');
    expect(text).toMatch(/KMS\.4 +main\.yaml:15 +Key +Properties\.EnableKeyRotation/);
    expect(text.trim().split('\n').pop()).toBe('4 findings (1 critical, 1 high, 2 medium), 1 suppressed [1 templates, 4 rules; live eu-west-1] — FAIL (--fail-on high)');
    const shown = renderReport(sampleReport(), 'table', { showSuppressed: true });
    const at = ['MEDIUM (2)', 'SUPPRESSED (1)', 'Suppressed by rule: S3.9 1 (1 suppression)\n'].map((h) => shown.indexOf(h));
    expect(at.every((v, i) => v >= 0 && (i === 0 || v > at[i - 1]!))).toBe(true);
    expect(shown).toMatch(/S3\.9 +main\.yaml:3 +Logs +Type +The log destination/);
  });
});
