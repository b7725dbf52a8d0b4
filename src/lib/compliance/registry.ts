/**
 * The rule registry: every file of rules/ is one rule (its default export), named after the rule
 * id. Adding a rule is adding one file (and its test cases); nothing else lists them.
 */
import { join } from 'node:path';
import { loadRuleFiles } from '../rule-files';
import { SEVERITIES, type Rule } from './types';

const RULES_DIR = join(__dirname, 'rules');

export function loadRules(dir = RULES_DIR): Rule[] {
  return loadRuleFiles<Rule>(
    dir,
    (rule, file) => {
      if (!SEVERITIES.includes(rule.severity)) throw new Error(`${file}: unknown severity ${String(rule.severity)}`);
    },
    dir === RULES_DIR,
  );
}

/** Rules chosen by id or control (case-insensitive); every rule when `only` is empty. */
export function selectRules(rules: Rule[], only: string[] | undefined): Rule[] {
  if (!only || only.length === 0) return rules;
  const wanted = new Set(only.map((o) => o.toLowerCase()));
  return rules.filter((r) => wanted.has(r.id.toLowerCase()) || (r.control && wanted.has(r.control.toLowerCase())));
}
