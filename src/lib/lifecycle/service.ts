/** The lifecycle commands' composition root: catalog and plan offline, then the engines over the SDK port. */
import type { AwsClients } from '../aws/clients';
import { checkAccount } from '../aws/identity';
import type { ResolvedEnvironment } from '../config/load';
import { buildArtifact } from '../deploy/artifacts';
import { systemClock } from '../clock';
import { loadCatalog, type Catalog } from '../stacks/catalog';
import { loadTemplate } from '../templates/load';
import type { Output } from '../ui/output';
import { lifecyclePort } from './aws';
import { destroyEnvironment, refuseProduction, type DestroyReport } from './destroy';
import { diffInstances, renderDiff, type DiffReport } from './diff';
import { selectInstances, stackTags, type InstanceSelection } from './instances';
import { renderOutputs, stackOutputs, type OutputsReport } from './outputs';
import type { LifecycleDeps, LifecyclePort } from './ports';
import { renderStatus, stackStatuses, type StatusReport } from './status';

export interface LifecycleRequest extends InstanceSelection {
  env: ResolvedEnvironment;
  catalogFile: string;
}

async function setup(request: LifecycleRequest, out: Output, clients: () => AwsClients, checkCredentials = true) {
  const catalog: Catalog = await loadCatalog(request.catalogFile);
  const { instances } = selectInstances(catalog, request.env, request);
  const aws = clients();
  if (checkCredentials) await checkAccount(aws, request.env, out);
  const regions = new Set(instances.map((n) => n.region));
  for (const r of [request.env.primaryRegion, request.env.secondaryRegion, 'us-east-1']) regions.add(r);
  const ports = new Map<string, LifecyclePort>();
  for (const region of regions) ports.set(region, await lifecyclePort(aws, region));
  const deps: LifecycleDeps = { cloudFormation: (region) => ports.get(region)!, clock: systemClock, out };
  return { catalog, instances, deps };
}

export async function runDiff(request: LifecycleRequest, out: Output, clients: () => AwsClients): Promise<DiffReport> {
  const { catalog, instances, deps } = await setup(request, out, clients);
  const keys = new Map<string, Promise<string>>();
  const artifactKey = (name: string) => {
    if (!keys.has(name)) keys.set(name, buildArtifact(catalog, name).then((a) => a.key));
    return keys.get(name)!;
  };
  const report = await diffInstances(instances, { env: request.env, tags: stackTags(request.env), artifactKey }, deps);
  renderDiff(report, out);
  return report;
}

export async function runStatus(request: LifecycleRequest & { detectDrift: boolean; driftTimeoutSeconds: number }, out: Output, clients: () => AwsClients): Promise<StatusReport> {
  const { instances, deps } = await setup(request, out, clients);
  const report = await stackStatuses(instances, { environment: request.env.name, detectDrift: request.detectDrift, driftTimeoutMs: request.driftTimeoutSeconds * 1000 }, deps);
  renderStatus(report, out);
  return report;
}

export async function runOutputs(request: LifecycleRequest, out: Output, clients: () => AwsClients): Promise<OutputsReport> {
  const { instances, deps } = await setup(request, out, clients);
  const report = await stackOutputs(instances, request.env.name, deps);
  renderOutputs(report, out);
  return report;
}

export interface DestroyRequest extends LifecycleRequest {
  confirmEnv?: string;
  yes: boolean;
  allowProduction: boolean;
  disableTerminationProtection: boolean;
  concurrency: number;
  deleteTimeoutSeconds: number;
}

export async function runDestroy(request: DestroyRequest, out: Output, clients: () => AwsClients): Promise<DestroyReport> {
  // Refused before any AWS call: production without its flag.
  refuseProduction(request.env.name, request.allowProduction);
  const { catalog, instances, deps } = await setup(request, out, clients);
  const selected = new Set(instances.map((n) => n.id));
  const outside = request.stacks?.length ? selectInstances(catalog, request.env).instances.filter((n) => !selected.has(n.id)) : [];
  return destroyEnvironment(instances, { ...destroyOptions(request), outside, template: async (node) => (await loadTemplate(node.template)).template }, deps);
}

function destroyOptions(request: DestroyRequest) {
  return {
    environment: request.env.name,
    ...(request.confirmEnv !== undefined ? { confirmEnv: request.confirmEnv } : {}),
    yes: request.yes,
    allowProduction: request.allowProduction,
    disableTerminationProtection: request.disableTerminationProtection,
    concurrency: request.concurrency,
    deleteTimeoutMs: request.deleteTimeoutSeconds * 1000,
  };
}
