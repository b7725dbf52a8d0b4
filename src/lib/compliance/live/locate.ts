/**
 * Points live findings back at the source: a drifted resource at its line in the stack's template,
 * a missing or unhealthy stack at its entry in the catalog. Code scanning (SARIF) and people then
 * land on the line to change.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Catalog } from '../../stacks/catalog';
import { loadTemplate, type LoadedTemplate } from '../../templates/load';
import { catalogLineIndex } from '../static';
import type { Finding } from '../types';
import type { LiveStack } from './audit';

export async function locateLiveFindings(findings: Finding[], stacks: LiveStack[], catalog: Catalog): Promise<Finding[]> {
  const catalogFile = relative(process.cwd(), catalog.file) || catalog.file;
  const lineOf = catalogLineIndex(await readFile(catalog.file, 'utf8').catch(() => undefined));
  const templates = new Map<string, Promise<LoadedTemplate | undefined>>();
  const template = (file: string) => {
    if (!templates.has(file)) templates.set(file, loadTemplate(file).catch(() => undefined));
    return templates.get(file)!;
  };
  return Promise.all(
    findings.map(async (f) => {
      if (f.file || !f.stack) return f;
      const live = stacks.find((s) => s.name === f.stack && s.region === f.region);
      const spec = live ? catalog.stacks[live.stack] : undefined;
      if (!live || !spec) return f;
      if (f.logicalId) {
        const t = await template(relative(process.cwd(), resolve(catalog.root, spec.template)) || spec.template);
        if (t?.template.Resources[f.logicalId]) return { ...f, file: t.file, line: t.lineOf(['Resources', f.logicalId]) };
        return f;
      }
      if (f.rule === 'Deployment.Missing' || f.rule === 'Deployment.Status') return { ...f, file: catalogFile, line: lineOf(['stacks', live.stack]) };
      return f;
    }),
  );
}
