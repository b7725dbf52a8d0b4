/**
 * `cafe-ops lint`: every template of the catalog against the CloudFormation resource schemas,
 * the catalog's wiring, the deployability rules over the catalog as a whole (rules/: names, keys,
 * order and regions that only fail on a real account), and (when installed) the real cfn-lint.
 * Findings carry file and line.
 */
import { relative, resolve } from 'node:path';
import { sourceFor, valueSources, type Catalog } from '../stacks/catalog';
import { buildGraph } from '../stacks/graph';
import { runCfnLint } from '../templates/cfn-lint';
import { loadTemplate, type LoadedTemplate } from '../templates/load';
import { errorMessage } from '../errors';
import { editDistance } from '../config/regions';
import { loadResourceSpec, type ResourceSpec, type SpecProperty, type SpecType } from './spec';
import { runDeployRules } from './registry';

export interface Finding {
  file: string;
  line: number;
  level: 'error' | 'warning';
  rule: string;
  message: string;
  source: 'cafe-ops' | 'cfn-lint';
}

export interface LintResult {
  templates: string[];
  findings: Finding[];
  cfnLint: 'ran' | 'not installed';
}

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const INTRINSIC_KEYS = /^(Ref|Condition|Fn::.+)$/;

export interface LintOptions {
  /** Run the real cfn-lint too (when it is on PATH). */
  cfnLint?: boolean;
  cfnLintCommand?: string;
}

export async function lintCatalog(catalog: Catalog, options: LintOptions = {}): Promise<LintResult> {
  const findings: Finding[] = [];
  const files = [...new Set(Object.values(catalog.stacks).map((s) => s.template))];
  const loaded = new Map<string, LoadedTemplate>();
  for (const file of files) {
    const path = relative(process.cwd(), resolve(catalog.root, file)) || file;
    try {
      loaded.set(file, await loadTemplate(path));
    } catch (error) {
      const match = /^(.*?):(\d+): (.*)$/s.exec(errorMessage(error));
      findings.push({ file: path, line: match ? Number(match[2]) : 1, level: 'error', rule: 'parse', message: match ? match[3]! : errorMessage(error), source: 'cafe-ops' });
    }
  }
  const spec = await loadResourceSpec();
  for (const t of loaded.values()) findings.push(...lintTemplate(t, spec));
  findings.push(...lintWiring(catalog, loaded));
  findings.push(...lintDeployability(catalog, loaded));
  let cfnLint: LintResult['cfnLint'] = 'not installed';
  if (options.cfnLint !== false) {
    const result = await runCfnLint(options.cfnLintCommand ?? 'cfn-lint', [...loaded.values()].map((t) => t.file));
    if (result) {
      cfnLint = 'ran';
      findings.push(...result.map(({ path: _path, ...finding }) => ({ ...finding, source: 'cfn-lint' as const })));
    }
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { templates: [...loaded.values()].map((t) => t.file), findings, cfnLint };
}

export function lintTemplate(t: LoadedTemplate, spec: ResourceSpec): Finding[] {
  const findings: Finding[] = [];
  const add = (path: (string | number)[], rule: string, message: string, level: Finding['level'] = 'error') =>
    findings.push({ file: t.file, line: t.lineOf(path), level, rule, message, source: 'cafe-ops' });
  const resources = t.template.Resources;
  const parameters = t.template.Parameters ?? {};
  const conditions = t.template.Conditions ?? {};

  for (const [id, resource] of Object.entries(resources)) {
    const base = ['Resources', id];
    if (typeof resource?.Type !== 'string') {
      add(base, 'resource-type', `${id} has no Type`);
      continue;
    }
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') continue;
    const schema = spec.resource(resource.Type);
    if (!schema) {
      add([...base, 'Type'], 'resource-type', `${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    if (resource.Condition && !(resource.Condition in conditions)) add([...base, 'Condition'], 'condition', `${id}: unknown condition ${resource.Condition}`);
    checkProperties(resource.Properties ?? {}, schema.properties, [...base, 'Properties'], `${id}`, spec, add);
  }

  // Refs and GetAtts anywhere in the template.
  const refTargets = new Set([...Object.keys(parameters), ...Object.keys(resources), ...PSEUDO]);
  walk(t.template, [], (value, path) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string' && !refTargets.has(v.Ref)) add(path, 'ref', `Ref to ${v.Ref}, which is neither a parameter nor a resource`);
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const target = resources[getAtt[0]];
      if (!target) add(path, 'getatt', `GetAtt of ${getAtt[0]}, which is not a resource`);
      else {
        const schema = spec.resource(target.Type);
        const [head] = getAtt[1].split('.');
        if (schema && !(getAtt[1] in schema.attributes) && !(head! in schema.attributes)) {
          add(path, 'getatt', `${target.Type} has no attribute ${getAtt[1]} (it has: ${Object.keys(schema.attributes).join(', ') || 'none'})`);
        }
      }
    }
    const sub = v['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    if (subText) {
      const locals = Array.isArray(sub) && sub[1] && typeof sub[1] === 'object' ? Object.keys(sub[1] as object) : [];
      for (const [, name] of subText.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const [head, attr] = name!.split(/\.(.*)/s);
        if (locals.includes(name!) || refTargets.has(name!)) continue;
        if (attr && resources[head!]) continue;
        add(path, 'sub', `\${${name}} in Fn::Sub names nothing in the template`);
      }
    }
  });
  for (const [name, output] of Object.entries(t.template.Outputs ?? {})) {
    if (output?.Value === undefined) add(['Outputs', name], 'output', `output ${name} has no Value`);
  }
  return findings;
}

type Add = (path: (string | number)[], rule: string, message: string, level?: Finding['level']) => void;

function checkProperties(props: Record<string, unknown>, schema: Record<string, SpecProperty>, path: (string | number)[], owner: string, spec: ResourceSpec, add: Add): void {
  if (!props || typeof props !== 'object' || Array.isArray(props)) return;
  if (Object.keys(props).some((k) => INTRINSIC_KEYS.test(k))) return;
  for (const [name, property] of Object.entries(schema)) {
    if (property.required && !(name in props)) add(path, 'required', `${owner}: required property ${name} is missing`);
  }
  for (const [name, value] of Object.entries(props)) {
    const property = schema[name];
    if (!property) {
      const close = Object.keys(schema)
        .map((k) => ({ k, d: editDistance(k.toLowerCase(), name.toLowerCase()) }))
        .sort((a, b) => a.d - b.d)
        .find((c) => c.d <= 2)?.k;
      add([...path, name], 'property', `${owner}: unknown property ${name}${close ? ` (did you mean ${close}?)` : ''}`);
      continue;
    }
    checkValue(value, [property.type, ...(property.previousTypes ?? [])], [...path, name], `${owner}.${name}`, spec, add);
  }
}

function checkValue(value: unknown, types: SpecType[], path: (string | number)[], owner: string, spec: ResourceSpec, add: Add): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => INTRINSIC_KEYS.test(k))) return;
  const errors: string[] = [];
  for (const type of types) {
    const problem = mismatch(value, type);
    if (!problem) {
      if (type.type === 'ref' && value && typeof value === 'object' && !Array.isArray(value)) {
        const def = spec.typeDefinition(type.reference.$ref);
        if (def) checkProperties(value as Record<string, unknown>, def.properties, path, owner, spec, add);
      } else if (type.type === 'array' && Array.isArray(value)) {
        value.forEach((item, i) => checkValue(item, [type.element], [...path, i], `${owner}[${i}]`, spec, add));
      } else if (type.type === 'union') {
        const match = type.types.find((t) => !mismatch(value, t));
        if (match && match.type === 'ref') checkValue(value, [match], path, owner, spec, add);
      }
      return;
    }
    errors.push(problem);
  }
  add(path, 'type', `${owner}: ${errors[0]}`);
}

function mismatch(value: unknown, type: SpecType): string | undefined {
  switch (type.type) {
    case 'string':
    case 'date-time':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? undefined : 'expected a string';
    case 'number':
    case 'integer':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) ? undefined : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : 'expected true or false';
    case 'array':
      return Array.isArray(value) ? undefined : 'expected a list';
    case 'map':
    case 'ref':
      return value && typeof value === 'object' && !Array.isArray(value) ? undefined : 'expected an object';
    case 'union':
      return type.types.some((t) => !mismatch(value, t)) ? undefined : 'matches none of the allowed types';
    default:
      return undefined;
  }
}

function walk(value: unknown, path: (string | number)[], visit: (v: unknown, path: (string | number)[]) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}

/**
 * The deployability rules (rules/, one file each) over the catalog as a whole: stacks, regions and
 * order. Nothing when the graph has a cycle (lintWiring reports it).
 */
export function lintDeployability(catalog: Catalog, loaded: Map<string, LoadedTemplate>): Finding[] {
  let graph;
  try {
    graph = buildGraph(catalog);
  } catch {
    return [];
  }
  const byStack = new Map<string, LoadedTemplate>();
  for (const [name, spec] of Object.entries(catalog.stacks)) {
    const t = loaded.get(spec.template);
    if (t) byStack.set(name, t);
  }
  return runDeployRules(catalog, byStack, graph);
}

/** Catalog wiring: parameters wired and declared, referenced outputs exist, no cycle. */
export function lintWiring(catalog: Catalog, loaded: Map<string, LoadedTemplate>): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  const findings = {
    push: (f: Finding) => {
      const key = `${f.file}:${f.line}:${f.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      found.push(f);
    },
  };
  const catalogFile = relative(process.cwd(), catalog.file) || catalog.file;
  try {
    buildGraph(catalog);
  } catch (error) {
    findings.push({ file: catalogFile, line: 1, level: 'error', rule: 'cycle', message: errorMessage(error), source: 'cafe-ops' });
  }
  for (const [name, spec] of Object.entries(catalog.stacks)) {
    const t = loaded.get(spec.template);
    if (!t) continue;
    const declared = t.template.Parameters ?? {};
    for (const param of Object.keys(spec.parameters)) {
      if (!declared[param]) findings.push({ file: catalogFile, line: 1, level: 'error', rule: 'wiring', message: `stacks.${name}.parameters.${param}: ${spec.template} has no such parameter`, source: 'cafe-ops' });
    }
    for (const [param, p] of Object.entries(declared)) {
      if (p.Default !== undefined) continue;
      for (const role of spec.regions) {
        const value = spec.parameters[param];
        if (value === undefined || sourceFor(value, role) === undefined) {
          findings.push({ file: t.file, line: t.lineOf(['Parameters', param]), level: 'error', rule: 'wiring', message: `parameter ${param} has no default and the catalog gives it no value in the ${role} region`, source: 'cafe-ops' });
        }
      }
    }
    for (const [where, value] of valueSources(spec)) {
      for (const role of spec.regions) {
        const src = sourceFor(value, role);
        if (!src || typeof src !== 'object' || !('output' in src)) continue;
        const [producer, output] = src.output.split('.') as [string, string];
        const producerTemplate = loaded.get(catalog.stacks[producer]?.template ?? '');
        if (producerTemplate && !producerTemplate.template.Outputs?.[output]) {
          findings.push({ file: catalogFile, line: 1, level: 'error', rule: 'wiring', message: `stacks.${name}.${where} reads ${src.output}, which ${producerTemplate.file} does not output`, source: 'cafe-ops' });
        }
      }
    }
    // Hooks name outputs of their own stack (the function to invoke, the site bucket and distribution).
    spec.after.forEach((hook, i) => {
      const names: Record<string, string> = 'invoke' in hook ? { function: hook.invoke.function } : 'site' in hook ? { bucket: hook.site.bucket, distribution: hook.site.distribution } : {};
      for (const [key, output] of Object.entries(names)) {
        if (!t.template.Outputs?.[output]) {
          findings.push({ file: catalogFile, line: 1, level: 'error', rule: 'wiring', message: `stacks.${name}.after.${i}: ${key} ${output} is not an output of ${spec.template}`, source: 'cafe-ops' });
        }
      }
    });
  }
  return found;
}
