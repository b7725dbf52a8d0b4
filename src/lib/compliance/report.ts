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
  environment?: string;
  static?: { templates: string[]; rules: number; cfnLint: StaticAuditResult['cfnLint'] };
  live?: Omit<LiveAuditResult, 'findings'>;
  /** The rules that ran (static registry rules and the live checks that reported). */
  rules: RuleSummary[];
  /** Every finding, suppressed ones included (they carry `suppressed`). */
  findings: Finding[];
  suppressions: SuppressionRecord[];
  summary: { findings: number; suppressed: number; bySeverity: Record<Severity, number> };
  failOn: FailOn;
  /** Whether an unsuppressed finding is at or above --fail-on. */
  failed: boolean;
}

export function buildReport(input: {
  now: Date;
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
    ...(input.environment ? { environment: input.environment } : {}),
    ...(input.staticResult ? { static: { templates: input.staticResult.templates, rules: input.staticResult.rules, cfnLint: input.staticResult.cfnLint } } : {}),
    ...(live ? { live } : {}),
    rules: [...rules.values()],
    findings,
    suppressions: input.staticResult?.suppressions ?? [],
    summary: { findings: open.length, suppressed: findings.length - open.length, bySeverity },
    failOn: input.failOn,
    failed: open.some((f) => severityRank(f.severity) <= threshold),
  };
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
