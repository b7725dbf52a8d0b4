import { locationOf, resourceOf, type ComplianceReport } from '../report';
import { SEVERITIES } from '../types';
import { summaryLine } from './text';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The report as a pull-request comment. */
export function renderMarkdown(report: ComplianceReport, options: { showSuppressed?: boolean } = {}): string {
  const lines: string[] = ['## Compliance audit', '', summaryLine(report).trim(), ''];
  const open = report.findings.filter((f) => !f.suppressed);
  if (open.length === 0) lines.push('No open findings.', '');
  for (const severity of SEVERITIES) {
    const rows = open.filter((f) => f.severity === severity);
    if (rows.length === 0) continue;
    lines.push(`### ${severity[0]!.toUpperCase()}${severity.slice(1)} (${rows.length})`, '', '| control | where | resource | path | finding | fix |', '|---|---|---|---|---|---|');
    for (const f of rows) lines.push(`| ${cell(f.control ?? f.rule)} | \`${cell(locationOf(f))}\` | ${cell(resourceOf(f))} | ${f.path ? `\`${cell(f.path)}\`` : ''} | ${cell(f.message)} | ${cell(f.remediation ?? '')} |`);
    lines.push('');
  }
  const perRule = Object.entries(report.summary.suppressedByRule);
  if (perRule.length > 0) {
    lines.push('### Suppressions by rule', '', '| rule | suppressed findings | suppressions |', '|---|---|---|');
    for (const [rule, c] of perRule) lines.push(`| ${cell(rule)} | ${c.findings} | ${c.suppressions} |`);
    lines.push('');
  }
  const suppressed = report.findings.filter((f) => f.suppressed);
  if (options.showSuppressed && suppressed.length > 0) {
    lines.push(`<details><summary>Suppressed (${suppressed.length})</summary>`, '', '| control | where | resource | path | reason |', '|---|---|---|---|---|');
    for (const f of suppressed) lines.push(`| ${cell(f.control ?? f.rule)} | \`${cell(locationOf(f))}\` | ${cell(resourceOf(f))} | ${f.path ? `\`${cell(f.path)}\`` : ''} | ${cell(f.suppressed!.reason)} |`);
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}
