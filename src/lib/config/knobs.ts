/**
 * The environment's sizes with every per-environment knob filled in, as the stack catalog reads them
 * (`config: sizes.natGateways.secondary`). A knob left out of cafe-ops.yml takes the value the
 * templates had before it existed: the warm standby (docs/cost.md says what each costs).
 */
import { UserError } from '../errors';
import type { EnvironmentSizes, TableCapacity } from './schema';
import { TABLES } from './schema';

type Role = 'primary' | 'secondary';
type PerRegion<T> = T | { primary: T; secondary: T };

const forRegion = <T>(value: PerRegion<T> | undefined, fallback: T): Record<Role, T> =>
  value === undefined ? { primary: fallback, secondary: fallback } : typeof value === 'object' && value !== null && 'primary' in value ? value : { primary: value as T, secondary: value as T };

export interface ScalingValues {
  min: number;
  max: number;
  targetUtilization: number;
}

/** Every knob with its value; what the catalog's `config` sources read. */
export function resolvedSizes(sizes: EnvironmentSizes) {
  const instances = forRegion(sizes.auroraInstances, 2);
  const headless = sizes.secondaryAurora === 'headless';
  const tables = Object.fromEntries(TABLES.map((t) => [t, tableValues(sizes.dynamoDb?.[t])]));
  return {
    natGateways: forRegion(sizes.natGateways, 1),
    interfaceEndpoints: forRegion(sizes.interfaceEndpoints, 'every-az' as const),
    auroraMinCapacity: sizes.auroraMinCapacity,
    auroraMaxCapacity: sizes.auroraMaxCapacity,
    secondaryAuroraMinCapacity: sizes.secondaryAuroraMinCapacity ?? sizes.auroraMinCapacity,
    /** Instances per region; the headless secondary has none. */
    auroraInstances: { primary: instances.primary, secondary: headless ? 0 : instances.secondary },
    secondaryAurora: sizes.secondaryAurora ?? 'warm',
    provisionedConcurrency: { orders: 0, payments: 0, menu: 0, ...sizes.provisionedConcurrency },
    dynamoDb: tables,
    healthCheck: {
      intervalSeconds: sizes.healthCheck?.intervalSeconds ?? 10,
      /** Comma-separated; '' = every checker region. */
      checkerRegions: (sizes.healthCheck?.checkerRegions ?? []).join(','),
    },
    cognitoTier: sizes.cognitoTier ?? 'PLUS',
    xraySampling: sizes.xraySampling ?? 0.05,
    apiDetailedMetrics: sizes.apiDetailedMetrics ?? true,
    logRetentionDays: sizes.logRetentionDays,
    backupRetentionDays: sizes.backupRetentionDays,
    secretRotation: sizes.secretRotation ?? 'rate(30 days)',
    dashboards: sizes.dashboards ?? 'per-region',
  };
}

/** A table's mode and scaling as template parameters (the scaling of an on-demand table is unused). */
function tableValues(capacity: TableCapacity | undefined) {
  // An on-demand table's scaling is unused; 1,1,20 keeps it within the template's bounds.
  const s = (x: ScalingValues | undefined) => ({ min: x?.min ?? 1, max: x?.max ?? 1, targetUtilization: x?.targetUtilization ?? 20 });
  const read = s(capacity?.read);
  const write = s(capacity?.write);
  /** The data template's <Table>CapacityScaling: read min, max, target, then write min, max, target. */
  const scaling = [read.min, read.max, read.targetUtilization, write.min, write.max, write.targetUtilization].join(',');
  return { mode: capacity?.mode ?? 'on-demand', read, write, scaling };
}

/**
 * A value of the environment's sizes by its catalog path, e.g. `sizes.dynamoDb.menu.mode`; a per-region
 * knob (`sizes.natGateways`) gives the value of the region the stack instance runs in.
 */
export function sizeValue(sizes: EnvironmentSizes, path: string, environment: string, role?: string): string | number | boolean {
  let value: unknown = resolvedSizes(sizes);
  for (const key of path.replace(/^sizes\./, '').split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (role && value !== null && typeof value === 'object' && 'primary' in value && 'secondary' in value) value = (value as Record<string, unknown>)[role];
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new UserError(`catalog parameter reads config ${path}, which environment ${environment} does not set${value !== undefined ? ' as one value (name a region or a field)' : ''}`);
}
