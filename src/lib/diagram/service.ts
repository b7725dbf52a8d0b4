import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadConfig, selectEnvironment, type ResolvedEnvironment } from '../config/load';
import { estimateCosts } from '../cost/estimate/estimate';
import { DEFAULT_PROFILE } from '../cost/estimate/profile';
import { UserError } from '../errors';
import { loadCatalog, regionOf, type Catalog } from '../stacks/catalog';
import { layoutProblems } from './geometry';
import { layout, type DiagramGraph } from './layout';
import { buildDiagramModel } from './model';
import { renderReference, type IdleCosts } from './reference';
import { renderLayout } from './render';
import { buildRequestPath } from './request-path';
import { stackGraph } from './stack-graph';

export const DEFAULT_DIAGRAM_FILE = 'docs/architecture.svg';
export const DEFAULT_STACK_GRAPH_FILE = 'docs/stack-graph.svg';
export const DEFAULT_REFERENCE_FILE = 'docs/templates.md';

export interface DiagramRequest {
  catalogFile: string;
  /** Where the request-path SVG goes. */
  out: string;
  /** Where the stack-graph SVG goes; undefined skips it. */
  stackGraph?: string;
  /** Where the stack reference (Markdown) goes; undefined skips it. */
  reference?: string;
  /** Label the columns with this environment's regions. */
  env?: ResolvedEnvironment;
  /** The config whose environments' idle costs the reference lists; skipped when the file does not exist. */
  configFile?: string;
  /** Compare with the files instead of writing them. */
  check: boolean;
}

export interface DiagramResult {
  stackInstances: number;
  edges: number;
  /** Boxes and arrows of the request path. */
  requestPath: { services: number; links: number };
  files: { file: string; changed: boolean }[];
}

/** Lays out and draws a diagram; a layout with an edge through a box or text outside its box is a bug, not a picture. */
export async function drawDiagram(graph: DiagramGraph): Promise<string> {
  const placed = await layout(graph);
  const problems = layoutProblems(placed);
  if (problems.length > 0) throw new Error(`the layout of "${graph.title}" is not readable: ${problems.slice(0, 5).join('; ')}`);
  return renderLayout(placed);
}

export async function runDiagram(request: DiagramRequest): Promise<DiagramResult> {
  const catalog = await loadCatalog(request.catalogFile);
  const model = await buildDiagramModel(catalog);
  const env = request.env;
  const regions = env ? { primary: regionOf('primary', env), secondary: regionOf('secondary', env), edge: regionOf('edge', env) } : {};
  const path = await buildRequestPath(catalog, regions);
  const wanted = [{ file: request.out, content: await drawDiagram(env ? { ...path, title: `${path.title} — ${env.name}` } : path) }];
  if (request.stackGraph) {
    const graph = stackGraph(model, regions);
    wanted.push({ file: request.stackGraph, content: await drawDiagram(env ? { ...graph, title: `${graph.title} — ${env.name}` } : graph) });
  }
  if (request.reference) {
    const costs = request.configFile && existsSync(request.configFile) ? await idleCosts(catalog, request.configFile) : [];
    wanted.push({ file: request.reference, content: await renderReference(catalog, model, costs) });
  }
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
  return {
    stackInstances: model.boxes.length,
    edges: model.edges.length,
    requestPath: { services: path.nodes.length, links: path.links.length },
    files: files.map(({ file, changed }) => ({ file, changed })),
  };
}

/** Each environment's idle monthly cost per stack, at the default usage profile. */
async function idleCosts(catalog: Catalog, configFile: string): Promise<IdleCosts[]> {
  const { config } = await loadConfig(configFile);
  const costs: IdleCosts[] = [];
  for (const name of Object.keys(config.environments)) {
    const estimate = await estimateCosts(catalog, selectEnvironment(config, name), DEFAULT_PROFILE);
    costs.push({
      environment: name,
      pricesTakenOn: estimate.prices.takenOn,
      total: estimate.total.idle,
      byStack: Object.fromEntries(estimate.byStack.map((s) => [s.stack, s.idle])),
    });
  }
  return costs;
}
