import type { Catalog, StackSpec } from '../../../src/lib/stacks/catalog';
import { parseTemplate, type LoadedTemplate } from '../../../src/lib/templates/load';
import { auditTemplates } from '../../../src/lib/compliance/static';
import { loadRules } from '../../../src/lib/compliance/registry';
import type { EnvironmentSizes, Finding } from '../../../src/lib/compliance/types';

export const NOW = new Date('2026-11-25T09:00:00Z');

export function stack(template: string, regions: StackSpec['regions'] = ['primary', 'secondary'], parameters: StackSpec['parameters'] = {}): StackSpec {
  // Built by the catalog schema in real use (which fills its defaults); a literal here.
  return { template, regions, parameters, after: [] } as unknown as StackSpec;
}

/** Audits YAML fragments (one per stack) with the given rules; returns every finding. */
export function auditFragments(
  fragments: Record<string, { yaml: string; spec?: StackSpec }>,
  options: { only?: string[]; environments?: EnvironmentSizes[]; catalogText?: string } = {},
): { findings: Finding[]; templates: Map<string, LoadedTemplate> } {
  const templates = new Map<string, LoadedTemplate>();
  const stacks: Record<string, StackSpec> = {};
  for (const [name, { yaml, spec }] of Object.entries(fragments)) {
    templates.set(name, parseTemplate(yaml, `${name}.yaml`));
    stacks[name] = spec ?? stack(`${name}.yaml`);
  }
  const catalog: Catalog = { file: 'stacks.yaml', root: '.', stacks, artifacts: {} };
  const result = auditTemplates(catalog, templates, {
    now: NOW,
    rules: loadRules(),
    ...(options.only ? { only: options.only } : {}),
    ...(options.environments ? { environments: options.environments } : {}),
    ...(options.catalogText ? { catalogText: options.catalogText } : {}),
  });
  return { findings: result.findings, templates };
}

/** The 1-based line of the line holding `# <-` in a fragment. */
export function markedLine(yaml: string): number {
  const index = yaml.split('\n').findIndex((l) => l.includes('# <-'));
  if (index < 0) throw new Error('fragment has no # <- marker');
  return index + 1;
}
