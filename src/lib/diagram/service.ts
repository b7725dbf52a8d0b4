import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResolvedEnvironment } from '../config/load';
import { UserError } from '../errors';
import { loadCatalog, regionOf } from '../stacks/catalog';
import { buildDiagramModel } from './model';
import { renderReference } from './reference';
import { renderSvg } from './svg';

export const DEFAULT_DIAGRAM_FILE = 'docs/architecture.svg';
export const DEFAULT_REFERENCE_FILE = 'docs/templates.md';

export interface DiagramRequest {
  catalogFile: string;
  /** Where the SVG goes. */
  out: string;
  /** Where the stack reference (Markdown) goes; undefined skips it. */
  reference?: string;
  /** Label the columns with this environment's regions. */
  env?: ResolvedEnvironment;
  /** Compare with the files instead of writing them. */
  check: boolean;
}

export interface DiagramResult {
  stackInstances: number;
  edges: number;
  files: { file: string; changed: boolean }[];
}

export async function runDiagram(request: DiagramRequest): Promise<DiagramResult> {
  const catalog = await loadCatalog(request.catalogFile);
  const model = await buildDiagramModel(catalog);
  const env = request.env;
  const svg = renderSvg(model, {
    ...(env
      ? {
          title: `cafe-ops platform architecture — ${env.name}`,
          regions: { primary: regionOf('primary', env), secondary: regionOf('secondary', env), edge: regionOf('edge', env) },
        }
      : {}),
  });
  const wanted = [{ file: request.out, content: svg }];
  if (request.reference) wanted.push({ file: request.reference, content: await renderReference(catalog, model) });
  const files = await Promise.all(
    wanted.map(async ({ file, content }) => ({ file, content, changed: (await readFile(file, 'utf8').catch(() => undefined)) !== content })),
  );
  const stale = files.filter((f) => f.changed);
  if (request.check && stale.length > 0) {
    throw new UserError(`out of date with the templates: ${stale.map((f) => f.file).join(', ')}`, 'run `cafe-ops diagram` and commit the result', 1);
  }
  if (!request.check) {
    for (const f of stale) {
      await mkdir(dirname(f.file), { recursive: true });
      await writeFile(f.file, f.content);
    }
  }
  return { stackInstances: model.boxes.length, edges: model.edges.length, files: files.map(({ file, changed }) => ({ file, changed })) };
}
