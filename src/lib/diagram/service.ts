import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResolvedEnvironment } from '../config/load';
import { UserError } from '../errors';
import { loadCatalog, regionOf } from '../stacks/catalog';
import { buildDiagramModel } from './model';
import { renderSvg } from './svg';

export const DEFAULT_DIAGRAM_FILE = 'docs/architecture.svg';

export interface DiagramRequest {
  catalogFile: string;
  out: string;
  /** Label the columns with this environment's regions. */
  env?: ResolvedEnvironment;
  /** Compare with the file instead of writing it. */
  check: boolean;
}

export interface DiagramResult {
  file: string;
  stackInstances: number;
  edges: number;
  /** Whether the file differs from what the templates give (check mode) or was rewritten. */
  changed: boolean;
}

export async function runDiagram(request: DiagramRequest): Promise<DiagramResult> {
  const catalog = await loadCatalog(request.catalogFile);
  const model = await buildDiagramModel(catalog);
  const svg = renderSvg(model, {
    ...(request.env
      ? {
          title: `cafe-ops platform architecture — ${request.env.name}`,
          regions: { primary: regionOf('primary', request.env), secondary: regionOf('secondary', request.env), edge: regionOf('edge', request.env) },
        }
      : {}),
  });
  const current = await readFile(request.out, 'utf8').catch(() => undefined);
  const changed = current !== svg;
  const result = { file: request.out, stackInstances: model.boxes.length, edges: model.edges.length, changed };
  if (request.check) {
    if (changed) throw new UserError(`${request.out} is out of date with the templates`, 'run `cafe-ops diagram` and commit the result', 1);
    return result;
  }
  if (changed) {
    await mkdir(dirname(request.out), { recursive: true });
    await writeFile(request.out, svg);
  }
  return result;
}
