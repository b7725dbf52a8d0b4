/** `cafe-ops failover`: the drill wired to AWS (clients from AwsClients) and the journal on disk. */
import type { AwsClients } from '../aws/clients';
import { checkAccount } from '../aws/identity';
import type { ResolvedEnvironment } from '../config/load';
import { UserError } from '../errors';
import type { Output } from '../ui/output';
import { canaryPort, databasePort, dnsPort, drillStatePort, metricsPort, secretsPort, stacksPort, tablesPort } from './aws';
import { runDrill, type DrillRequest, type DrillResult } from './drill';
import { DEFAULT_SETTINGS, type DrillSettings } from './engine';
import { fetchHttpPort } from './http';
import { fileJournalStore, type JournalStore } from './journal';
import { systemClock, type FailoverPorts } from './ports';

export interface FailoverRequest extends Omit<DrillRequest, 'settings'> {
  env: ResolvedEnvironment;
  settings?: Partial<DrillSettings>;
}

export function awsFailoverPorts(clients: AwsClients): FailoverPorts {
  return {
    stacks: stacksPort(clients),
    database: databasePort(clients),
    metrics: metricsPort(clients),
    dns: dnsPort(clients),
    tables: tablesPort(clients),
    canary: canaryPort(clients),
    // The signed API write uses the credentials the SDK clients use (default chain, or --profile).
    http: fetchHttpPort(async (region) => (await clients.sts(region)).config.credentials()),
    secrets: secretsPort(clients),
    drills: drillStatePort(clients),
    clock: systemClock,
  };
}

export async function runFailover(request: FailoverRequest, out: Output, clients: () => AwsClients, store: JournalStore = fileJournalStore()): Promise<DrillResult> {
  if ((request.action === 'failover' || request.action === 'dry-run') && !request.to) {
    throw new UserError('say where to fail over: --to primary or --to secondary', 'or --resume / --abort an earlier drill');
  }
  const aws = clients();
  // An unplanned drill asks nothing of the lost region, not even who the caller is.
  const stsRegion = request.mode === 'unplanned' && request.to ? (request.to === 'primary' ? request.env.primaryRegion : request.env.secondaryRegion) : request.env.primaryRegion;
  await checkAccount(aws, { ...request.env, primaryRegion: stsRegion }, out);
  return runDrill({ ...request, settings: { ...DEFAULT_SETTINGS, ...request.settings } }, { ports: awsFailoverPorts(aws), store, out });
}
