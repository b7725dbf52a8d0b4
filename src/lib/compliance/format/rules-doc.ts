import type { RuleInfo } from '../types';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The rule list of docs/compliance.md, generated from the registry (a test keeps the two equal). */
export function renderRuleTable(rules: RuleInfo[]): string {
  const rows = [...rules]
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
    .map((r) => `| \`${r.id}\` | ${r.control ?? '—'} | ${r.severity} | ${cell(r.title)} | ${r.resourceTypes.map((t) => (t === '*' ? 'any' : `\`${t.replace(/^AWS::/, '')}\``)).join(', ')} | ${cell(r.remediation)} |`);
  return ['| rule | Security Hub control | severity | checks | resources | remediation |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
