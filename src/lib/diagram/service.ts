import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadConfig, selectEnvironment, type ResolvedEnvironment } from '../config/load';
import { estimateCosts } from '../cost/estimate/estimate';
import { DEFAULT_PROFILE } from '../cost/estimate/profile';
import { UserError } from '../errors';
import { loadCatalog, regionOf, type Catalog } from '../stacks/catalog';
import { buildDiagramModel } from './model';
import { renderReference, type IdleCosts } from './reference';
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
  /** The config whose environments' idle costs the reference lists; skipped when the file does not exist. */
  configFile?: string;
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
  return { stackInstances: model.boxes.length, edges: model.edges.length, files: files.map(({ file, changed }) => ({ file, changed })) };
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
