/**
 * The values the local café gives the app template's parameters, found the way deploy finds
 * them: context values for `context` sources, the producing stack's output (evaluated from its
 * template) for `output` sources, literals as they are; then the few local replacements
 * (payment provider URL, database hosts) that have no meaning on a laptop.
 */
import { resolve } from 'node:path';
import { sourceFor, type Catalog, type ContextKey } from '../stacks/catalog';
import { loadTemplate } from '../templates/load';
import { evaluate, type LocalValues } from './app-model';

export interface LocalContext {
  project: string;
  environment: string;
  region: string;
  account: string;
}

export async function localParameterValues(catalog: Catalog, stack: string, context: LocalContext, overrides: LocalValues): Promise<LocalValues> {
  const contextValues: Partial<Record<ContextKey, string>> = {
    project: context.project,
    environment: context.environment,
    costCenter: 'local',
    accountId: context.account,
    role: 'primary',
    region: context.region,
    primaryRegion: context.region,
    secondaryRegion: context.region,
    domain: 'localhost',
  };
  const pseudo = { 'AWS::Region': context.region, 'AWS::AccountId': context.account, 'AWS::Partition': 'aws', 'AWS::StackName': `${context.project}-${context.environment}-${stack}` };
  const templates = new Map<string, ReturnType<typeof loadTemplate>>();
  const template = (file: string) => {
    if (!templates.has(file)) templates.set(file, loadTemplate(resolve(catalog.root, file)));
    return templates.get(file)!;
  };
  const valuesOf = async (name: string, seen: string[]): Promise<LocalValues> => {
    const spec = catalog.stacks[name];
    if (!spec || seen.includes(name)) return { ...pseudo };
    const values: LocalValues = { ...pseudo };
    for (const [param, paramSpec] of Object.entries(spec.parameters)) {
      const source = sourceFor(paramSpec, 'primary');
      if (source === undefined) continue;
      if (typeof source !== 'object') values[param] = String(source);
      else if ('context' in source) {
        const value = contextValues[source.context];
        if (value !== undefined) values[param] = value;
      } else if ('output' in source) {
        const [producer, output] = source.output.split('.') as [string, string];
        const producerSpec = catalog.stacks[producer];
        if (!producerSpec) continue;
        const outputs = (await template(producerSpec.template)).template.Outputs;
        const value = evaluate(outputs?.[output]?.Value, await valuesOf(producer, [...seen, name]));
        if (value !== undefined) values[param] = value;
      }
    }
    return values;
  };
  return { ...(await valuesOf(stack, [])), ...overrides };
}
