/**
 * The static audit: every rule of the registry over every template of the catalog, offline,
 * plus the real cfn-lint's findings when it is installed. Findings carry file, line, logical id and
 * key path; suppressions that name their rule, target and reason mark findings without hiding them.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import type { Catalog } from '../stacks/catalog';
import { loadTemplate, type LoadedTemplate } from '../templates/load';
import type { CfnLintFinding } from '../templates/cfn-lint';
import { DEFAULT_CFN_LINT_CACHE, lintCached } from './cfn-lint';
import { get } from './kit';
import { loadRules, selectRules } from './registry';
import suppressionRule, { CFN_LINT_ID } from './rules/Suppression.Reason';
import { describeTarget, fingerprint, formatPath, matchTarget, readSuppressions, type KeyPath, type Suppression } from './suppressions';
import type { CatalogContext, EnvironmentSizes, Finding, Rule, Severity } from './types';
import { severityRank } from './types';

export interface SuppressionRecord {
  file: string;
  line: number;
  logicalId?: string;
  rule: string;
  /** What it covers, as written: `sid VpcNetworkInterfaces`, `path Properties.LoggingConfiguration`. */
  target: string;
  fingerprint?: string;
  reason: string;
  /** How many findings it covers; 0 means it no longer applies (and is itself a finding). */
  used: number;
}

export interface StaticAuditResult {
  templates: string[];
  rules: number;
  findings: Finding[];
  suppressions: SuppressionRecord[];
  cfnLint: 'ran' | 'not installed' | 'off';
  /** When cfn-lint ran: how many templates it linted, and how many results came from its cache. */
  cfnLintFiles?: { linted: number; cached: number };
}

export interface StaticAuditOptions {
  environments?: EnvironmentSizes[];
  now?: Date;
  rules?: Rule[];
  /** Only these rule ids or controls. */
  only?: string[];
  cfnLint?: boolean;
  cfnLintCommand?: string;
  /** Where cfn-lint results are cached by template content (default .cafe-ops/cache/cfn-lint); false: no cache. */
  cfnLintCache?: string | false;
}

/**
 * Loads the catalog's templates (paths relative to the working directory, for readable findings) and
 * audits them; cfn-lint runs over the templates its cache does not hold while the rules run.
 */
export async function auditCatalog(catalog: Catalog, options: StaticAuditOptions = {}): Promise<StaticAuditResult> {
  const templates = new Map<string, LoadedTemplate>();
  const byFile = new Map<string, LoadedTemplate>();
  const files = [...new Set(Object.values(catalog.stacks).map((stack) => relative(process.cwd(), resolve(catalog.root, stack.template)) || stack.template))];
  const lint = options.cfnLint === false ? undefined : lintCached(files, { command: options.cfnLintCommand ?? 'cfn-lint', cacheDir: options.cfnLintCache ?? DEFAULT_CFN_LINT_CACHE });
  // Started before the rules, awaited after them: the linter works while the rules run.
  lint?.catch(() => undefined);
  for (const [name, stack] of Object.entries(catalog.stacks)) {
    const path = relative(process.cwd(), resolve(catalog.root, stack.template)) || stack.template;
    const loaded = byFile.get(path) ?? (await loadTemplate(path));
    byFile.set(path, loaded);
    templates.set(name, loaded);
  }
  const catalogText = await readFile(catalog.file, 'utf8');
  const run = runRules(catalog, templates, { ...options, catalogText });
  const linted = lint ? await lint : undefined;
  const cfnLint: StaticAuditResult['cfnLint'] = !lint ? 'off' : !linted ? 'not installed' : 'ran';
  const lintFindings = (linted?.findings ?? []).map((f) => fromCfnLint(f, byFile.get(f.file)));
  const { findings, records } = applySuppressions([...run.findings, ...lintFindings], run.unique, { ran: run.ran, cfnLint: linted !== undefined });
  return {
    templates: run.unique.map((t) => t.file),
    rules: run.count,
    findings: sortFindings(findings),
    suppressions: records,
    cfnLint,
    ...(linted ? { cfnLintFiles: { linted: linted.linted.length, cached: files.length - linted.linted.length } } : {}),
  };
}

/** The rules over already loaded templates (synchronous: no cfn-lint). */
export function auditTemplates(
  catalog: Catalog,
  templates: Map<string, LoadedTemplate>,
  options: StaticAuditOptions & { catalogText?: string } = {},
): StaticAuditResult {
  const run = runRules(catalog, templates, options);
  const { findings, records } = applySuppressions(run.findings, run.unique, { ran: run.ran, cfnLint: false });
  return { templates: run.unique.map((t) => t.file), rules: run.count, findings: sortFindings(findings), suppressions: records, cfnLint: 'off' };
}

/** A finding before suppressions, with its key path from the template root. */
interface RawFinding extends Finding {
  keyPath?: KeyPath;
}

function runRules(
  catalog: Catalog,
  templates: Map<string, LoadedTemplate>,
  options: StaticAuditOptions & { catalogText?: string },
): { findings: RawFinding[]; unique: LoadedTemplate[]; ran: Rule[]; count: number } {
  const allRules = options.rules ?? loadRules();
  const rules = selectRules(allRules, options.only);
  const now = options.now ?? new Date();
  const catalogFile = relative(process.cwd(), catalog.file) || catalog.file;
  const unique = [...new Set(templates.values())];
  const findings: RawFinding[] = [];
  for (const rule of rules) {
    if (rule.scope === 'resource') {
      for (const t of unique) {
        for (const [id, resource] of Object.entries(t.template.Resources)) {
          if (!resource || typeof resource.Type !== 'string') continue;
          if (!rule.resourceTypes.includes('*') && !rule.resourceTypes.includes(resource.Type)) continue;
          for (const v of rule.check({ id, resource, template: t, now, stacks: { catalog, templates } })) {
            const keyPath = ['Resources', id, ...(v.path ?? [])];
            findings.push({ ...ruleFields(rule), message: v.message, source: 'template', file: t.file, line: t.lineOf(keyPath), logicalId: id, resourceType: resource.Type, keyPath });
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
          ...(v.template && v.path ? { keyPath: v.path } : {}),
        });
      }
    }
  }
  return { findings, unique, ran: rules, count: rules.length };
}

function ruleFields(rule: Rule): Pick<Finding, 'rule' | 'control' | 'severity' | 'title' | 'remediation'> {
  return { rule: rule.id, ...(rule.control ? { control: rule.control } : {}), severity: rule.severity, title: rule.title, remediation: rule.remediation };
}

const SUPPRESSION_RULE: Pick<Finding, 'rule' | 'severity' | 'title' | 'remediation'> = ruleFields(suppressionRule);

/**
 * Marks each finding a suppression covers: same file, the resource's Metadata (or the template's for
 * stack-level findings), same rule, and the target the suppression names (path, statement Sid,
 * fingerprint). A suppression of a rule that ran and that covers nothing, or whose fingerprint no
 * longer matches what it covered, is itself a finding.
 */
function applySuppressions(findings: RawFinding[], templates: LoadedTemplate[], ran: { ran: Rule[]; cfnLint: boolean }): { findings: Finding[]; records: SuppressionRecord[] } {
  const records: SuppressionRecord[] = [];
  const byFile = new Map(templates.map((t) => [t.file, t]));
  const index = new Map<string, { s: Suppression; record: SuppressionRecord; changed: string[] }[]>();
  for (const t of templates) {
    const holders: { key: string; base: KeyPath; metadata: unknown; logicalId?: string }[] = [{ key: `${t.file}\u0000`, base: [], metadata: t.template.Metadata }];
    for (const [id, r] of Object.entries(t.template.Resources)) holders.push({ key: `${t.file}\u0000${id}`, base: ['Resources', id], metadata: r?.Metadata, logicalId: id });
    for (const { key, base, metadata, logicalId } of holders) {
      for (const s of readSuppressions(metadata).suppressions) {
        const record: SuppressionRecord = {
          file: t.file,
          line: t.lineOf([...base, ...s.path]),
          ...(logicalId ? { logicalId } : {}),
          rule: s.rule,
          target: describeTarget(s.target),
          ...(s.target.fingerprint ? { fingerprint: s.target.fingerprint } : {}),
          reason: s.reason,
          used: 0,
        };
        records.push(record);
        index.set(key, [...(index.get(key) ?? []), { s, record, changed: [] }]);
      }
    }
  }
  const marked: Finding[] = findings.map(({ keyPath, ...f }) => {
    const t = f.file ? byFile.get(f.file) : undefined;
    if (!t || !keyPath) return f;
    const resource = f.logicalId ? t.template.Resources[f.logicalId] : undefined;
    const onResource = resource !== undefined && keyPath[0] === 'Resources' && keyPath[1] === f.logicalId;
    const holder: unknown = onResource ? resource : t.template;
    const rel = onResource ? keyPath.slice(2) : keyPath;
    const located: Finding = { ...f, path: formatPath(rel), fingerprint: fingerprint(get(holder, ...rel)) };
    if (f.rule === suppressionRule.id) return located;
    for (const entry of index.get(`${t.file}\u0000${f.logicalId ?? ''}`) ?? []) {
      if (entry.s.rule !== f.rule && (f.control === undefined || entry.s.rule !== f.control)) continue;
      const match = matchTarget(entry.s.target, rel, holder);
      if (match === 'changed') entry.changed.push(fingerprint(get(holder, ...rel)));
      if (match !== 'match') continue;
      entry.record.used++;
      return { ...located, suppressed: { reason: entry.s.reason, file: entry.record.file, line: entry.record.line } };
    }
    return located;
  });
  const ranIds = new Set(ran.ran.flatMap((r) => [r.id, ...(r.control ? [r.control] : [])]));
  for (const entries of index.values()) {
    for (const { s, record, changed } of entries) {
      if (record.used > 0) continue;
      const applies = ranIds.has(s.rule) || (ran.cfnLint && CFN_LINT_ID.test(s.rule));
      if (!applies || !ranIds.has(suppressionRule.id)) continue;
      const where = `${s.rule} (${record.target})`;
      marked.push({
        ...SUPPRESSION_RULE,
        source: 'template',
        message: changed.length
          ? `suppression of ${where} was written for fingerprint ${s.target.fingerprint}, but what it covers has changed (now ${changed.join(', ')}): review the change, then update the fingerprint`
          : `suppression of ${where} matches no finding: remove it, or correct its path or sid`,
        file: record.file,
        line: record.line,
        ...(record.logicalId ? { logicalId: record.logicalId, resourceType: byFile.get(record.file)!.template.Resources[record.logicalId]!.Type } : {}),
      });
    }
  }
  return { findings: marked, records };
}

function fromCfnLint(f: CfnLintFinding, t: LoadedTemplate | undefined): RawFinding {
  const logicalId = f.path?.[0] === 'Resources' && typeof f.path[1] === 'string' ? f.path[1] : t ? resourceAtLine(t, f.line) : undefined;
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
    ...(f.path ? { keyPath: f.path } : {}),
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
