/**
 * A directory of rules, one file each: every file's default export is one rule whose id is the file's
 * name. Adding a rule is adding one file; nothing else lists them. Used by the compliance rules and
 * the deployability rules of `cafe-ops lint`.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

const cache = new Map<string, unknown[]>();

/** The rules of `dir`, in file-name order; `check` throws for a rule that is not well formed. */
export function loadRuleFiles<T extends { id: string }>(dir: string, check: (rule: T, file: string) => void, cached = true): T[] {
  if (cached && cache.has(dir)) return cache.get(dir) as T[];
  const files = readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .sort();
  const rules = files.map((file) => {
    const rule = (require(join(dir, file)) as { default?: T }).default;
    const id = basename(file, extname(file));
    if (!rule || rule.id !== id) throw new Error(`${file}: the default export must be the rule with id ${id}`);
    check(rule, file);
    return rule;
  });
  if (cached) cache.set(dir, rules);
  return rules;
}
