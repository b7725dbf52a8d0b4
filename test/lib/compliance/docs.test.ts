import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules } from '../../../src/lib/compliance/registry';
import { renderRuleTable } from '../../../src/lib/compliance/format/rules-doc';
import { coverage, renderCoverage } from '../../../src/lib/compliance/format/coverage-doc';
import { CHECKOV, SECURITY_HUB } from '../../../src/lib/compliance/coverage';

const doc = () => readFileSync(join(__dirname, '../../../docs/compliance.md'), 'utf8');
const section = (name: string) => new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(doc())?.[1];

describe('docs/compliance.md', () => {
  it('lists exactly the rules of the registry (regenerate the table with renderRuleTable when a rule changes)', () => {
    expect(section('rules')).toBe(renderRuleTable(loadRules()));
  });

  it('shows the coverage of the Security Hub and Checkov lists as the registry has it (regenerate with renderCoverage)', () => {
    expect(section('coverage')).toBe(renderCoverage(loadRules()));
  });
});

describe('coverage of the Security Hub and Checkov lists', () => {
  const rules = loadRules();
  const templateTypes = new Set(
    [...readFileSync(join(__dirname, '../../../templates/app.yaml'), 'utf8').matchAll(/Type: (AWS::\w+::\w+)/g)].map((m) => m[1]),
  );
  for (const f of ['bootstrap', 'ci', 'data', 'edge', 'identity', 'keys', 'network', 'network-peering', 'observability', 'security'])
    for (const m of readFileSync(join(__dirname, `../../../templates/${f}.yaml`), 'utf8').matchAll(/Type: (AWS::\w+::\w+)/g)) templateTypes.add(m[1]!);

  it.each([
    ['Security Hub', SECURITY_HUB],
    ['Checkov', CHECKOV],
  ])('covers at least 95%% of the applicable %s entries', (_name, list) => {
    expect(coverage(list, rules).percent).toBeGreaterThanOrEqual(95);
  });

  it('lists only entries on resource types the templates use, each once', () => {
    for (const e of [...SECURITY_HUB, ...CHECKOV]) expect([e.id, templateTypes.has(e.resourceType)]).toEqual([e.id, true]);
    const ids = [...SECURITY_HUB, ...CHECKOV].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names in the rules only Checkov checks that exist in the Checkov list or target types the templates do not use', () => {
    const known = new Set(CHECKOV.map((c) => c.id));
    const unlisted = rules.flatMap((r) => (r.checkov ?? []).filter((c) => !known.has(c)));
    // CKV_AWS_258 is AWS::Lambda::Url, which no template uses; Lambda.1 covers it for when one does.
    expect(unlisted).toEqual(['CKV_AWS_258']);
  });
});
