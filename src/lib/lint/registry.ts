/**
 * The deployability rules of `cafe-ops lint`: every file of rules/ is one rule (its default export),
 * named after the rule id. Adding a rule is adding one file (and its test); nothing else lists them.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Catalog } from '../stacks/catalog';
import type { Graph } from '../stacks/graph';
import type { LoadedTemplate } from '../templates/load';
import { DeployContext, type DeployRule } from './context';
import type { Finding } from './lint';

const RULES_DIR = join(__dirname, 'rules');
let cached: DeployRule[] | undefined;

export function loadDeployRules(dir = RULES_DIR): DeployRule[] {
  if (dir === RULES_DIR && cached) return cached;
  const files = readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .sort();
  const rules = files.map((file) => {
    const rule = (require(join(dir, file)) as { default?: DeployRule }).default;
    const id = basename(file, extname(file));
    if (!rule || rule.id !== id) throw new Error(`${file}: the default export must be the rule with id ${id}`);
    if (rule.level !== 'error' && rule.level !== 'warning') throw new Error(`${file}: unknown level ${String(rule.level)}`);
    return rule;
  });
  if (dir === RULES_DIR) cached = rules;
  return rules;
}

/** Runs rules over the catalog as a whole; one finding per file, line, rule and message. */
export function runDeployRules(catalog: Catalog, templates: Map<string, LoadedTemplate>, graph: Graph, rules: DeployRule[] = loadDeployRules()): Finding[] {
  const ctx = new DeployContext(catalog, templates, graph);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const f of rule.check(ctx)) {
      const file = f.template?.file ?? ctx.catalogFile;
      const line = f.line ?? (f.template && f.path ? f.template.lineOf(f.path) : 1);
      const key = `${file}:${line}:${rule.id}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ file, line, level: f.level ?? rule.level, rule: rule.id, message: f.message, source: 'cafe-ops' });
    }
  }
  return findings;
}
