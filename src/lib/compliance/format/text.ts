import { renderTable } from '../../ui/output';
import { locationOf, resourceOf, type ComplianceReport } from '../report';
import { SEVERITIES } from '../types';

/**
 * The report for people: the open findings first, one table per severity (with the key path a
 * suppression would name); then, with --show-suppressed, the suppressed findings; then the number of
 * suppressions per rule, and the verdict.
 */
export function renderText(report: ComplianceReport, options: { showSuppressed?: boolean } = {}): string {
  const parts: string[] = [];
  if (report.live) parts.push(renderLiveStatus(report.live));
  const open = report.findings.filter((f) => !f.suppressed);
  for (const severity of SEVERITIES) {
    const rows = open.filter((f) => f.severity === severity);
    if (rows.length === 0) continue;
    parts.push(`${severity.toUpperCase()} (${rows.length})`);
    parts.push(renderTable(['control', 'where', 'resource', 'path', 'finding'], rows.map((f) => [f.control ?? f.rule, locationOf(f), resourceOf(f), f.path ?? '', f.message])));
  }
  const suppressed = report.findings.filter((f) => f.suppressed);
  if (options.showSuppressed && suppressed.length > 0) {
    parts.push(`SUPPRESSED (${suppressed.length})`);
    parts.push(renderTable(['control', 'where', 'resource', 'path', 'reason'], suppressed.map((f) => [f.control ?? f.rule, locationOf(f), resourceOf(f), f.path ?? '', f.suppressed!.reason])));
  }
  const perRule = suppressionCounts(report);
  if (perRule) parts.push(`Suppressed by rule: ${perRule}${options.showSuppressed || suppressed.length === 0 ? '' : ' (--show-suppressed lists them)'}\n`);
  parts.push(summaryLine(report));
  return parts.join('\n');
}

/** `IAM.21 36 (36 suppressions), S3.9 2 (2 suppressions)`, or '' when nothing is suppressed. */
export function suppressionCounts(report: ComplianceReport): string {
  return Object.entries(report.summary.suppressedByRule)
    .map(([rule, c]) => `${rule} ${c.findings} (${c.suppressions} suppression${c.suppressions === 1 ? '' : 's'})`)
    .join(', ');
}

export function summaryLine(report: ComplianceReport): string {
  const counts = SEVERITIES.filter((s) => report.summary.bySeverity[s] > 0).map((s) => `${report.summary.bySeverity[s]} ${s}`);
  const scope = [
    report.static ? `${report.static.templates.length} templates, ${report.static.rules} rules${report.static.cfnLint === 'ran' ? ' + cfn-lint' : ''}` : '',
    report.live ? `live ${report.live.regions.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  const verdict = report.failOn === 'never' ? '' : report.failed ? ` — FAIL (--fail-on ${report.failOn})` : ` — pass (--fail-on ${report.failOn})`;
  return `${report.summary.findings} findings${counts.length ? ` (${counts.join(', ')})` : ''}, ${report.summary.suppressed} suppressed [${scope}]${verdict}\n`;
}

/** What the live audit saw, before its findings: every stack with its state and drift, Config and CloudTrail per region. */
export function renderLiveStatus(live: NonNullable<ComplianceReport['live']>): string {
  const parts = [`LIVE ${live.environment} (${live.regions.join(', ')})`];
  if (live.stacks.length) {
    parts.push(renderTable(['region', 'stack', 'state', 'status', 'drift'], live.stacks.map((s) => [s.region, s.name, s.state, s.status ?? '', s.drift ? `${s.drift}${s.driftedResources ? ` (${s.driftedResources})` : ''}` : ''])));
  }
  const regions = live.regions.filter((r) => live.configRules.some((c) => c.region === r) || live.trails.some((t) => t.region === r));
  if (regions.length) {
    parts.push(
      renderTable(
        ['region', 'Config rules', 'non-compliant', 'conformance packs', 'trails logging'],
        regions.map((r) => {
          const config = live.configRules.find((c) => c.region === r);
          const packs = live.conformancePacks.filter((p) => p.region === r);
          const trails = live.trails.filter((t) => t.region === r);
          return [r, config?.rules ?? '-', config?.nonCompliant ?? '-', packs.length ? packs.map((p) => `${p.name} (${p.nonCompliantRules.length} failing)`).join(', ') : '-', trails.length ? trails.map((t) => `${t.name}: ${t.logging ? 'yes' : 'NO'}`).join(', ') : '-'];
        }),
      ),
    );
  }
  return parts.join('\n');
}
