/**
 * The static audit: every rule of the registry over every template of the catalog, offline,
 * plus the real cfn-lint's findings when it is installed. Findings carry file, line and logical id;
 * suppressions with a reason mark findings without hiding them.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import type { Catalog } from '../stacks/catalog';
import { loadTemplate, type LoadedTemplate } from '../templates/load';
import { runCfnLint } from '../lint/lint';
import { loadRules, selectRules } from './registry';
import { readSuppressions, type Suppression } from './suppressions';
import type { CatalogContext, EnvironmentSizes, Finding, Rule, Severity } from './types';
import { severityRank } from './types';

export interface SuppressionRecord {
  file: string;
  line: number;
  logicalId?: string;
  rule: string;
  reason: string;
  /** How many findings it covers; 0 means it no longer applies and can go. */
  used: number;
}

export interface StaticAuditResult {
  templates: string[];
  rules: number;
  findings: Finding[];
  suppressions: SuppressionRecord[];
  cfnLint: 'ran' | 'not installed' | 'off';
}

export interface StaticAuditOptions {
  environments?: EnvironmentSizes[];
  now?: Date;
  rules?: Rule[];
  /** Only these rule ids or controls. */
  only?: string[];
  cfnLint?: boolean;
  cfnLintCommand?: string;
}

/** Loads the catalog's templates (paths relative to the working directory, for readable findings) and audits them. */
export async function auditCatalog(catalog: Catalog, options: StaticAuditOptions = {}): Promise<StaticAuditResult> {
  const templates = new Map<string, LoadedTemplate>();
  const byFile = new Map<string, LoadedTemplate>();
  for (const [name, stack] of Object.entries(catalog.stacks)) {
    const path = relative(process.cwd(), resolve(catalog.root, stack.template)) || stack.template;
    const loaded = byFile.get(path) ?? (await loadTemplate(path));
    byFile.set(path, loaded);
    templates.set(name, loaded);
  }
  const catalogText = await readFile(catalog.file, 'utf8');
  const result = auditTemplates(catalog, templates, { ...options, catalogText });
  if (options.cfnLint === false) return { ...result, cfnLint: 'off' };
  const linted = await runCfnLint([...byFile.keys()], options.cfnLintCommand ?? 'cfn-lint');
  if (!linted) return { ...result, cfnLint: 'not installed' };
  const merged = applySuppressions([...result.findings.filter((f) => f.source !== 'cfn-lint'), ...linted.map((f) => fromCfnLint(f, byFile.get(f.file)))], [...byFile.values()], catalog);
  return { ...result, findings: sortFindings(merged.findings), suppressions: merged.records, cfnLint: 'ran' };
}

/** The rules over already loaded templates (synchronous: no cfn-lint). */
export function auditTemplates(
  catalog: Catalog,
  templates: Map<string, LoadedTemplate>,
  options: StaticAuditOptions & { catalogText?: string } = {},
): StaticAuditResult {
  const allRules = options.rules ?? loadRules();
  const rules = selectRules(allRules, options.only);
  const now = options.now ?? new Date();
  const catalogFile = relative(process.cwd(), catalog.file) || catalog.file;
  const unique = [...new Set(templates.values())];
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.scope === 'resource') {
      for (const t of unique) {
        for (const [id, resource] of Object.entries(t.template.Resources)) {
          if (!resource || typeof resource.Type !== 'string') continue;
          if (!rule.resourceTypes.includes('*') && !rule.resourceTypes.includes(resource.Type)) continue;
          for (const v of rule.check({ id, resource, template: t, now })) {
            findings.push({ ...ruleFields(rule), message: v.message, source: 'template', file: t.file, line: t.lineOf(['Resources', id, ...(v.path ?? [])]), logicalId: id, resourceType: resource.Type });
          }
        }
      }
    } else {
      const ctx: CatalogContext = {
        catalog,
        templates,
        environments: options.environments ?? [],
        now,
        ruleIds: new Set(allRules.map((r) => r.id)),
        catalogLine: catalogLineIndex(options.catalogText),
      };
      for (const v of rule.check(ctx)) {
        const type = v.template && v.logicalId ? v.template.template.Resources[v.logicalId]?.Type : undefined;
        findings.push({
          ...ruleFields(rule),
          message: v.message,
          source: v.template ? 'template' : 'catalog',
          file: v.template ? v.template.file : catalogFile,
          line: v.template ? v.template.lineOf(v.path ?? []) : (v.catalogLine ?? 1),
          ...(v.logicalId ? { logicalId: v.logicalId } : {}),
          ...(type ? { resourceType: type } : {}),
        });
      }
    }
  }
  const { findings: marked, records } = applySuppressions(findings, unique, catalog);
  return { templates: unique.map((t) => t.file), rules: rules.length, findings: sortFindings(marked), suppressions: records, cfnLint: 'off' };
}

function ruleFields(rule: Rule): Pick<Finding, 'rule' | 'control' | 'severity' | 'title' | 'remediation'> {
  return { rule: rule.id, ...(rule.control ? { control: rule.control } : {}), severity: rule.severity, title: rule.title, remediation: rule.remediation };
}

/** Marks each finding a suppression covers (same file; the resource's Metadata, or the template's for stack-level findings). */
function applySuppressions(findings: Finding[], templates: LoadedTemplate[], catalog: Catalog): { findings: Finding[]; records: SuppressionRecord[] } {
  void catalog;
  const records: SuppressionRecord[] = [];
  const index = new Map<string, { s: Suppression; record: SuppressionRecord }[]>();
  for (const t of templates) {
    const holders: { key: string; base: (string | number)[]; metadata: unknown; logicalId?: string }[] = [{ key: `${t.file}\u0000`, base: [], metadata: t.template.Metadata }];
    for (const [id, r] of Object.entries(t.template.Resources)) holders.push({ key: `${t.file}\u0000${id}`, base: ['Resources', id], metadata: r?.Metadata, logicalId: id });
    for (const { key, base, metadata, logicalId } of holders) {
      for (const s of readSuppressions(metadata).suppressions) {
        const record: SuppressionRecord = { file: t.file, line: t.lineOf([...base, ...s.path]), ...(logicalId ? { logicalId } : {}), rule: s.rule, reason: s.reason, used: 0 };
        records.push(record);
        index.set(key, [...(index.get(key) ?? []), { s, record }]);
      }
    }
  }
  const marked = findings.map((f) => {
    if (f.rule === 'Suppression.Reason' || !f.file) return f;
    const match = (index.get(`${f.file}\u0000${f.logicalId ?? ''}`) ?? []).find(({ s }) => s.rule === f.rule || (f.control !== undefined && s.rule === f.control));
    if (!match) return f;
    match.record.used++;
    return { ...f, suppressed: { reason: match.s.reason } };
  });
  return { findings: marked, records };
}

function fromCfnLint(f: { file: string; line: number; level: string; rule: string; message: string }, t: LoadedTemplate | undefined): Finding {
  const logicalId = t ? resourceAtLine(t, f.line) : undefined;
  const type = logicalId ? t?.template.Resources[logicalId]?.Type : undefined;
  return {
    rule: f.rule,
    severity: f.level === 'error' ? 'high' : 'low',
    title: `cfn-lint ${f.rule}`,
    message: f.message,
    source: 'cfn-lint',
    file: f.file,
    line: f.line,
    ...(logicalId ? { logicalId } : {}),
    ...(type ? { resourceType: type } : {}),
  };
}

/** The logical id of the resource whose definition spans a line, if any. */
export function resourceAtLine(t: LoadedTemplate, line: number): string | undefined {
  const sections = Object.keys(t.template).map((k) => ({ k, line: t.lineOf([k]) })).sort((a, b) => a.line - b.line);
  const start = t.lineOf(['Resources']);
  const end = sections.find((s) => s.line > start)?.line ?? Number.POSITIVE_INFINITY;
  if (line < start || line >= end) return undefined;
  let found: string | undefined;
  let best = 0;
  for (const id of Object.keys(t.template.Resources)) {
    const at = t.lineOf(['Resources', id]);
    if (at <= line && at > best) {
      best = at;
      found = id;
    }
  }
  return found;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.control ?? a.rule).localeCompare(b.control ?? b.rule) ||
      (a.file ?? a.region ?? '').localeCompare(b.file ?? b.region ?? '') ||
      (a.line ?? 0) - (b.line ?? 0),
  );
}

/** Line lookup for key paths of the catalog YAML. */
export function catalogLineIndex(text: string | undefined): (path: (string | number)[]) => number {
  if (!text) return () => 1;
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return (path) => {
    let node = doc.contents as Node | null;
    let line = 1;
    for (const key of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const range = (pair.key as Node).range;
      if (range) line = counter.linePos(range[0]).line;
      node = pair.value as Node | null;
    }
    return line;
  };
}

export type { Severity };
