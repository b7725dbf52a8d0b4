/** `cafe-ops cost estimate`: load catalog, profile and prices, estimate, render. Offline. */
import type { ResolvedEnvironment } from '../../config/load';
import { loadCatalog } from '../../stacks/catalog';
import type { Output } from '../../ui/output';
import { estimateCosts, type Estimate } from './estimate';
import { loadUsageProfile } from './profile';
import { estimateMarkdown, renderEstimate } from './render';

export interface EstimateOptions {
  env: ResolvedEnvironment;
  catalogFile: string;
  usageFile?: string;
  stacks?: string[];
  region?: string;
  format: 'table' | 'markdown';
  detail: boolean;
}

export async function runCostEstimate(options: EstimateOptions, out: Output): Promise<Estimate> {
  const [catalog, profile] = await Promise.all([loadCatalog(options.catalogFile), loadUsageProfile(options.usageFile)]);
  const estimate = await estimateCosts(catalog, options.env, profile, {
    ...(options.stacks?.length ? { stacks: options.stacks } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  if (options.format === 'markdown') out.info(estimateMarkdown(estimate, options.detail));
  else renderEstimate(estimate, out, options.detail);
  return estimate;
}
