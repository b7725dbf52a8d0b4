/**
 * The deployability rules of `cafe-ops lint`: every file of rules/ is one rule (its default export),
 * named after the rule id. Adding a rule is adding one file (and its test); nothing else lists them.
 */
import { join } from 'node:path';
import { loadRuleFiles } from '../rule-files';
import type { Catalog } from '../stacks/catalog';
import type { Graph } from '../stacks/graph';
import type { LoadedTemplate } from '../templates/load';
import { DeployContext, type DeployRule } from './context';
import type { Finding } from './lint';

const RULES_DIR = join(__dirname, 'rules');

export function loadDeployRules(dir = RULES_DIR): DeployRule[] {
  return loadRuleFiles<DeployRule>(
    dir,
    (rule, file) => {
      if (rule.level !== 'error' && rule.level !== 'warning') throw new Error(`${file}: unknown level ${String(rule.level)}`);
    },
    dir === RULES_DIR,
  );
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
