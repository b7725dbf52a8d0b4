import { ruleDocUrl } from '../kit';
import type { RuleInfo } from '../types';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The rule list of docs/compliance.md, generated from the registry (a test keeps the two equal). */
export function renderRuleTable(rules: RuleInfo[]): string {
  const rows = [...rules]
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
    .map((r) => {
      const url = ruleDocUrl(r);
      const id = url ? `[\`${r.id}\`](${url})` : `\`${r.id}\``;
      const controls = [r.control, ...(r.alsoControls ?? [])].filter(Boolean).join(', ') || '—';
      const types = r.resourceTypes.map((t) => (t === '*' ? 'any' : `\`${t.replace(/^AWS::/, '')}\``)).join(', ');
      return `| ${id} | ${controls} | ${(r.checkov ?? []).join(', ') || '—'} | ${r.severity} | ${cell(r.title)} | ${types} | ${cell(r.remediation)} |`;
    });
  return ['| rule | Security Hub control | Checkov | severity | checks | resources | remediation |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
