/**
 * The rule registry: every file of rules/ is one rule (its default export), named after the rule
 * id. Adding a rule is adding one file (and its test cases); nothing else lists them.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { SEVERITIES, type Rule } from './types';

const RULES_DIR = join(__dirname, 'rules');
let cached: Rule[] | undefined;

export function loadRules(dir = RULES_DIR): Rule[] {
  if (dir === RULES_DIR && cached) return cached;
  const files = readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .sort();
  const rules = files.map((file) => {
    const rule = (require(join(dir, file)) as { default?: Rule }).default;
    const id = basename(file, extname(file));
    if (!rule || rule.id !== id) throw new Error(`${file}: the default export must be the rule with id ${id}`);
    if (!SEVERITIES.includes(rule.severity)) throw new Error(`${file}: unknown severity ${String(rule.severity)}`);
    return rule;
  });
  if (dir === RULES_DIR) cached = rules;
  return rules;
}

/** Rules chosen by id or control (case-insensitive); every rule when `only` is empty. */
export function selectRules(rules: Rule[], only: string[] | undefined): Rule[] {
  if (!only || only.length === 0) return rules;
  const wanted = new Set(only.map((o) => o.toLowerCase()));
  return rules.filter((r) => wanted.has(r.id.toLowerCase()) || (r.control && wanted.has(r.control.toLowerCase())));
}
