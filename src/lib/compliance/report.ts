/** The result of `cafe-ops audit compliance`: findings from every source, the summary, and the verdict. */
import type { LiveAuditResult } from './live/audit';
import type { StaticAuditResult, SuppressionRecord } from './static';
import { sortFindings } from './static';
import { SEVERITIES, severityRank, type Finding, type Rule, type Severity } from './types';

export const FAIL_ON = [...SEVERITIES, 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface RuleSummary {
  id: string;
  control?: string;
  title: string;
  severity: Severity;
  remediation?: string;
}

/** Bumped when a field of the JSON report changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ComplianceReport {
  schemaVersion: number;
  generatedAt: string;
  /** The cafe-ops version that wrote the report. */
  tool?: { name: 'cafe-ops'; version: string };
  environment?: string;
  static?: { templates: string[]; rules: number; cfnLint: StaticAuditResult['cfnLint']; cfnLintFiles?: StaticAuditResult['cfnLintFiles'] };
  live?: Omit<LiveAuditResult, 'findings'>;
  /** The rules that ran (static registry rules and the live checks that reported). */
  rules: RuleSummary[];
  /** Every finding, suppressed ones included (they carry `suppressed`). */
  findings: Finding[];
  suppressions: SuppressionRecord[];
  summary: {
    findings: number;
    suppressed: number;
    bySeverity: Record<Severity, number>;
    /** Per rule id: the suppressed findings and the suppressions written for it (sorted by rule id). */
    suppressedByRule: Record<string, { findings: number; suppressions: number }>;
  };
  failOn: FailOn;
  /** Whether an unsuppressed finding is at or above --fail-on. */
  failed: boolean;
}

export function buildReport(input: {
  now: Date;
  toolVersion?: string;
  environment?: string;
  staticResult?: StaticAuditResult;
  rules?: Rule[];
  live?: LiveAuditResult;
  failOn: FailOn;
}): ComplianceReport {
  const findings = sortFindings([...(input.staticResult?.findings ?? []), ...(input.live?.findings ?? [])]);
  const open = findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const rules = new Map<string, RuleSummary>();
  for (const r of input.rules ?? []) rules.set(r.id, { id: r.id, ...(r.control ? { control: r.control } : {}), title: r.title, severity: r.severity, remediation: r.remediation });
  for (const f of findings) {
    if (!rules.has(f.rule)) rules.set(f.rule, { id: f.rule, ...(f.control ? { control: f.control } : {}), title: f.title, severity: f.severity, ...(f.remediation ? { remediation: f.remediation } : {}) });
  }
  const threshold = input.failOn === 'never' ? -1 : severityRank(input.failOn);
  let live: ComplianceReport['live'];
  if (input.live) {
    const { findings: _liveFindings, ...rest } = input.live;
    void _liveFindings;
    live = rest;
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.now.toISOString(),
    ...(input.toolVersion ? { tool: { name: 'cafe-ops' as const, version: input.toolVersion } } : {}),
    ...(input.environment ? { environment: input.environment } : {}),
    ...(input.staticResult
      ? {
          static: {
            templates: input.staticResult.templates,
            rules: input.staticResult.rules,
            cfnLint: input.staticResult.cfnLint,
            ...(input.staticResult.cfnLintFiles ? { cfnLintFiles: input.staticResult.cfnLintFiles } : {}),
          },
        }
      : {}),
    ...(live ? { live } : {}),
    rules: [...rules.values()],
    findings,
    suppressions: input.staticResult?.suppressions ?? [],
    summary: { findings: open.length, suppressed: findings.length - open.length, bySeverity, suppressedByRule: suppressedByRule(findings, input.staticResult?.suppressions ?? []) },
    failOn: input.failOn,
    failed: open.some((f) => severityRank(f.severity) <= threshold),
  };
}

function suppressedByRule(findings: Finding[], suppressions: SuppressionRecord[]): ComplianceReport['summary']['suppressedByRule'] {
  const counts = new Map<string, { findings: number; suppressions: number }>();
  const entry = (rule: string) => counts.get(rule) ?? counts.set(rule, { findings: 0, suppressions: 0 }).get(rule)!;
  for (const f of findings) if (f.suppressed) entry(f.rule).findings++;
  // A suppression may name the control rather than the rule id; count it under the rule it covered.
  for (const s of suppressions) entry(findings.find((f) => f.suppressed && f.control === s.rule && f.rule !== s.rule)?.rule ?? s.rule).suppressions++;
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** Where a finding is, for people: file:line, or region/stack. */
export function locationOf(f: Finding): string {
  if (f.file) return `${f.file}:${f.line ?? 1}`;
  return [f.region, f.stack].filter(Boolean).join('/') || '-';
}

/** The resource a finding is about. */
export function resourceOf(f: Finding): string {
  return f.logicalId ?? f.resourceId ?? '';
}
