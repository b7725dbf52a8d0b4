import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules } from '../../../src/lib/compliance/registry';
import { renderRuleTable } from '../../../src/lib/compliance/format/rules-doc';

describe('docs/compliance.md', () => {
  it('lists exactly the rules of the registry (regenerate the table with renderRuleTable when a rule changes)', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/compliance.md'), 'utf8');
    const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(doc)?.[1];
    expect(table).toBe(renderRuleTable(loadRules()));
  });
});
