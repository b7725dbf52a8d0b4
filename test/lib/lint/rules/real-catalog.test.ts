import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintDeployability } from '../../../../src/lib/lint/lint';
import { loadDeployRules } from '../../../../src/lib/lint/registry';
import { loadCatalog } from '../../../../src/lib/stacks/catalog';
import { loadTemplate, type LoadedTemplate } from '../../../../src/lib/templates/load';
import { ROOT } from './copy';

describe('deployability rules', () => {
  it('are one file each under rules/, named after the id, with the AWS documentation they rely on', () => {
    const files = readdirSync(join(ROOT, 'src/lib/lint/rules')).map((f) => f.replace(/\.ts$/, '')).sort();
    const rules = loadDeployRules();
    expect(rules.map((r) => r.id)).toEqual(files);
    for (const rule of rules) expect(rule.docs.every((d) => d.startsWith('https://docs.aws.amazon.com/'))).toBe(true);
    for (const rule of rules) expect(readdirSync(__dirname)).toContain(`${rule.id}.test.ts`);
  });

  it('find nothing in the real templates and catalog', async () => {
    const catalog = await loadCatalog(join(ROOT, 'templates/stacks.yaml'));
    const loaded = new Map<string, LoadedTemplate>();
    for (const spec of Object.values(catalog.stacks)) loaded.set(spec.template, await loadTemplate(join(catalog.root, spec.template)));
    const findings = lintDeployability(catalog, loaded).map((f) => `${f.file.replace(`${ROOT}/`, '')}:${f.line} ${f.rule}: ${f.message}`);
    expect(findings).toEqual([]);
  });
});
