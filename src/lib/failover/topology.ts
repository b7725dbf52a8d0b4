/**
 * What the drill acts on, read from the outputs of the catalog's stacks in both regions and at the
 * edge: the global cluster and each region's cluster, health URLs, Route 53 health checks, tables,
 * secrets and keys. A region that cannot be reached (the lost region of an unplanned failover) is
 * recorded as such instead of failing the read.
 */
import { errorMessage } from '../errors';
import { EDGE_REGION, stackName } from '../stacks/catalog';
import type { StacksPort } from './ports';

export type Side = 'primary' | 'secondary';

export interface StackCheck {
  stack: string;
  role: Side | 'edge';
  region: string;
  stackName: string;
  /** CloudFormation status, `MISSING` when the stack does not exist, `UNREACHABLE` when the call failed. */
  status: string;
  error?: string;
}

export interface RegionTopology {
  role: Side;
  region: string;
  clusterId?: string;
  clusterArn?: string;
  healthUrl?: string;
  healthCheckId?: string;
  dbSecretArn?: string;
  /** The app user's secret (rotated with alternating users), which the functions sign in with. */
  appDbSecretArn?: string;
  paymentSecretArn?: string;
  kmsKeyArn?: string;
}

/** Where the drill's HTTP probes go, and why there; printed in the plan. */
export interface Probes {
  /** The public API base (https://api.<domain>, or --probe-url); absent when nothing may be probed. */
  publicUrl?: string;
  /** flag: --probe-url; stacks: the stacks' outputs (edge ApiDomainName, app HealthUrl); none: AWS calls go to --endpoint-url and no probe URL was given. */
  from: 'flag' | 'stacks' | 'none';
}

export interface Topology {
  environment: string;
  probes?: Probes;
  /** The longest timeout of a function that writes (app stack output WriteDrainSeconds): how long a request that passed the pause check may still write. */
  writeDrainMs?: number;
  globalClusterId?: string;
  controlTable?: string;
  tables: string[];
  /** The failover name of the API, e.g. api.cafe.example.com. */
  apiDomain: string;
  /** The health function, deployed under this name in both regions; it writes and reads the Aurora canaries. */
  healthFunction?: string;
  primary: RegionTopology;
  secondary: RegionTopology;
  stacks: StackCheck[];
  /** `stack@role.Output` names the drill needs that no stack provided. */
  missingOutputs: string[];
}

export interface TopologyEnvironment {
  name: string;
  project: string;
  domain: string;
  primaryRegion: string;
  secondaryRegion: string;
}

/** The stack outputs (and the one parameter) the drill reads; test/lib/failover/topology.test.ts checks the templates have them. */
export const READS = {
  outputs: {
    security: ['KmsKeyArn', 'DbSecretArn', 'AppDbSecretArn', 'PaymentApiKeySecretArn'],
    data: ['GlobalClusterIdentifier', 'ClusterIdentifier', 'ClusterArn', 'MenuTableName', 'CartsTableName', 'IdempotencyTableName', 'ControlTableName'],
    app: ['HealthUrl', 'WriteDrainSeconds'],
    edge: ['ApiDomainName', 'PrimaryHealthCheckId', 'SecondaryHealthCheckId'],
  },
  parameters: { data: ['GlobalClusterIdentifier'] },
} as const;

const STACKS: { stack: string; roles: (Side | 'edge')[] }[] = [
  { stack: 'security', roles: ['primary', 'secondary'] },
  { stack: 'data', roles: ['primary', 'secondary'] },
  { stack: 'app', roles: ['primary', 'secondary'] },
  { stack: 'edge', roles: ['edge'] },
];

/** The health function of a region (templates/app.yaml names it `${Project}-${Environment}-health`). */
export const healthFunctionName = (project: string, environment: string) => `${project}-${environment}-health`;

export interface TopologyOptions {
  /** Read only this side's stacks: an unplanned drill asks nothing of the lost region nor of us-east-1. */
  only?: Side;
  /** --probe-url: every HTTP probe goes to this base URL. */
  probeUrl?: string;
  /** --endpoint-url: AWS calls go to an emulator; without --probe-url nothing is probed over HTTP. */
  endpointOverride?: boolean;
}

/** The stacks readTopology reads, by region (what the plan lists). */
export function topologyReads(env: TopologyEnvironment, options: TopologyOptions = {}): { stack: string; role: Side | 'edge'; region: string; stackName: string }[] {
  const regionOf = (role: Side | 'edge') => (role === 'primary' ? env.primaryRegion : role === 'secondary' ? env.secondaryRegion : EDGE_REGION);
  return STACKS.flatMap(({ stack, roles }) => roles.filter((role) => !options.only || role === options.only).map((role) => ({ stack, role, region: regionOf(role), stackName: stackName(env.project, env.name, stack) })));
}

export async function readTopology(env: TopologyEnvironment, stacks: StacksPort, options: TopologyOptions = {}): Promise<Topology> {
  const regionOf = (role: Side | 'edge') => (role === 'primary' ? env.primaryRegion : role === 'secondary' ? env.secondaryRegion : EDGE_REGION);
  const wanted = topologyReads(env, options);
  const read = await Promise.all(
    wanted.map(async (w) => {
      try {
        const state = await stacks.describe(w.region, w.stackName);
        return { ...w, state, check: { ...w, status: state?.status ?? 'MISSING' } as StackCheck };
      } catch (error) {
        return { ...w, state: undefined, check: { ...w, status: 'UNREACHABLE', error: errorMessage(error) } as StackCheck };
      }
    }),
  );
  const missing: string[] = [];
  const stateOf = (stack: string, role: Side | 'edge') => read.find((r) => r.stack === stack && r.role === role)?.state;
  const output = (stack: string, role: Side | 'edge', key: string, required = true): string | undefined => {
    const value = stateOf(stack, role)?.outputs[key];
    // Only a stack that answered can be missing an output; an unreachable one is reported by its stack check.
    if (!value && required && stateOf(stack, role)) missing.push(`${stack}@${role}.${key}`);
    return value || undefined;
  };
  const region = (role: Side): RegionTopology => {
    const r: RegionTopology = { role, region: regionOf(role) };
    const set = <K extends keyof RegionTopology>(key: K, value: RegionTopology[K] | undefined) => {
      if (value !== undefined) r[key] = value;
    };
    set('clusterId', output('data', role, 'ClusterIdentifier'));
    set('clusterArn', output('data', role, 'ClusterArn'));
    // A probe URL comes from --probe-url or the stacks; never made up from the domain behind an emulator.
    set('healthUrl', options.probeUrl ? `${options.probeUrl}/health` : options.endpointOverride ? undefined : (output('app', role, 'HealthUrl') ?? `https://api-${r.region}.${env.domain}/health`));
    set('healthCheckId', output('edge', 'edge', role === 'primary' ? 'PrimaryHealthCheckId' : 'SecondaryHealthCheckId'));
    set('dbSecretArn', output('security', role, 'DbSecretArn'));
    set('appDbSecretArn', output('security', role, 'AppDbSecretArn'));
    set('paymentSecretArn', output('security', role, 'PaymentApiKeySecretArn'));
    set('kmsKeyArn', output('security', role, 'KmsKeyArn'));
    return r;
  };
  const primary = region('primary');
  const secondary = region('secondary');
  // The global cluster id is an output of the primary data stack and a parameter of the secondary one,
  // so it is known even when the primary region does not answer.
  const globalClusterId =
    stateOf('data', 'primary')?.outputs.GlobalClusterIdentifier || stateOf('data', 'secondary')?.parameters.GlobalClusterIdentifier || undefined;
  if (!globalClusterId && (stateOf('data', 'primary') || stateOf('data', 'secondary'))) missing.push('data@primary.GlobalClusterIdentifier');
  const tableOf = (key: string) => stateOf('data', 'primary')?.outputs[key] || stateOf('data', 'secondary')?.outputs[key] || undefined;
  const tables = ['MenuTableName', 'CartsTableName', 'IdempotencyTableName', 'ControlTableName'].map(tableOf).filter((t): t is string => Boolean(t));
  const controlTable = tableOf('ControlTableName');
  if (!controlTable && (stateOf('data', 'primary') || stateOf('data', 'secondary'))) missing.push('data@primary.ControlTableName');
  const apiDomain = output('edge', 'edge', 'ApiDomainName', false) ?? `api.${env.domain}`;
  const probes: Probes = options.probeUrl ? { publicUrl: options.probeUrl, from: 'flag' } : options.endpointOverride ? { from: 'none' } : { publicUrl: `https://${apiDomain}`, from: 'stacks' };
  const drain = Number(stateOf('app', 'primary')?.outputs.WriteDrainSeconds || stateOf('app', 'secondary')?.outputs.WriteDrainSeconds || NaN);
  return {
    environment: env.name,
    probes,
    ...(Number.isFinite(drain) && drain > 0 ? { writeDrainMs: drain * 1000 } : {}),
    ...(globalClusterId ? { globalClusterId } : {}),
    ...(controlTable ? { controlTable } : {}),
    tables,
    apiDomain,
    healthFunction: healthFunctionName(env.project, env.name),
    primary,
    secondary,
    stacks: read.map((r) => r.check),
    missingOutputs: [...new Set(missing)],
  };
}
