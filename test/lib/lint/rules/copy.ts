/**
 * A copy of the real templates and catalog in a temp dir, to plant one defect (or its fix) and run
 * one deployability rule over the catalog as a whole. Edits go through the YAML document, so
 * intrinsic tags and comments survive and lines are those of the edited copy.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseDocument, type Document, type Node } from 'yaml';
import { loadCatalog, type Catalog } from '../../../../src/lib/stacks/catalog';
import { buildGraph } from '../../../../src/lib/stacks/graph';
import { loadTemplate, type CfnResource, type LoadedTemplate } from '../../../../src/lib/templates/load';
import { DeployContext } from '../../../../src/lib/lint/context';
import { loadDeployRules, runDeployRules } from '../../../../src/lib/lint/registry';
import type { Finding } from '../../../../src/lib/lint/lint';

export const ROOT = join(__dirname, '../../../..');

export class TemplatesCopy {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'cafe-ops-lint-'));
    cpSync(join(ROOT, 'templates'), join(this.dir, 'templates'), { recursive: true });
  }

  path(file: string): string {
    return join(this.dir, 'templates', file);
  }

  /** Parses a template of the copy (tags kept), lets `mutate` change it, writes it back. */
  edit(file: string, mutate: (doc: Document) => void): void {
    const doc = parseDocument(readFileSync(this.path(file), 'utf8'));
    mutate(doc);
    writeFileSync(this.path(file), doc.toString({ lineWidth: 0 }));
  }

  /** The template's text. */
  text(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  async catalog(): Promise<Catalog> {
    return loadCatalog(this.path('stacks.yaml'));
  }

  /** The templates by stack name, as lint loads them. */
  async templates(catalog: Catalog): Promise<Map<string, LoadedTemplate>> {
    const byStack = new Map<string, LoadedTemplate>();
    for (const [name, spec] of Object.entries(catalog.stacks)) byStack.set(name, await loadTemplate(join(catalog.root, spec.template)));
    return byStack;
  }

  async context(): Promise<DeployContext> {
    const catalog = await this.catalog();
    return new DeployContext(catalog, await this.templates(catalog), buildGraph(catalog));
  }

  /** The rule's findings as `file:line message` (file relative to templates/). */
  async run(ruleId: string): Promise<Finding[]> {
    const rule = loadDeployRules().find((r) => r.id === ruleId);
    if (!rule) throw new Error(`no rule ${ruleId}`);
    const catalog = await this.catalog();
    return runDeployRules(catalog, await this.templates(catalog), buildGraph(catalog), [rule]).map((f) => ({ ...f, file: relative(join(this.dir, 'templates'), f.file) }));
  }

  /** The line of a key path in a template of the copy. */
  async line(file: string, path: (string | number)[]): Promise<number> {
    return (await loadTemplate(this.path(file))).lineOf(path);
  }

  /** Logical ids of a template's resources of a type (and a filter). */
  async resources(file: string, type: string, filter: (r: CfnResource) => boolean = () => true): Promise<string[]> {
    const t = await loadTemplate(this.path(file));
    return Object.entries(t.template.Resources)
      .filter(([, r]) => r.Type === type && filter(r))
      .map(([id]) => id);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A YAML node from text, with its tags (e.g. `!Sub 'arn:...'`), to put into a document. */
export function node(text: string): Node {
  return parseDocument(text).contents as Node;
}
