import { CHECKOV, SECURITY_HUB, type CoverageEntry } from '../coverage';
import type { RuleInfo } from '../types';

export interface CoverageRow extends CoverageEntry {
  /** Rule ids whose control, alsoControls or checkov name the entry. */
  rules: string[];
}

export interface CoverageSummary {
  rows: CoverageRow[];
  applicable: number;
  covered: number;
  percent: number;
}

/** Each entry with the rules that cover it, and the share of applicable entries covered. */
export function coverage(entries: CoverageEntry[], rules: RuleInfo[]): CoverageSummary {
  const rows = entries.map((e) => ({
    ...e,
    rules: rules.filter((r) => r.control === e.id || r.alsoControls?.includes(e.id) || r.checkov?.includes(e.id)).map((r) => r.id).sort(),
  }));
  const applicable = rows.filter((r) => !r.notApplicable);
  const covered = applicable.filter((r) => r.rules.length > 0).length;
  return { rows, applicable: applicable.length, covered, percent: applicable.length ? Math.round((covered / applicable.length) * 1000) / 10 : 100 };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(title: string, summary: CoverageSummary, heading: string): string {
  const lines = summary.rows.map((r) => {
    const status = r.notApplicable ? `not applicable, because it ${r.notApplicable}` : r.rules.length ? r.rules.map((id) => `\`${id}\``).join(', ') : '**not covered**';
    return `| ${r.id} | ${cell(r.title)} | \`${r.resourceType.replace(/^AWS::/, '')}\` | ${cell(status)} | ${cell(r.note ?? '')} |`;
  });
  return [`#### ${title}: ${summary.covered} of ${summary.applicable} applicable covered (${summary.percent}%)`, '', `| ${heading} | checks | resource | rule | note |`, '|---|---|---|---|---|', ...lines].join('\n');
}

/** The coverage section of docs/compliance.md, generated from the lists and the registry (a test keeps the two equal). */
export function renderCoverage(rules: RuleInfo[]): string {
  return [table('AWS Security Hub (FSBP v1.0.0)', coverage(SECURITY_HUB, rules), 'control'), '', table('Checkov CloudFormation checks', coverage(CHECKOV, rules), 'check')].join('\n');
}
