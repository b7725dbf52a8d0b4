/**
 * `cafe-ops cost estimate`: the monthly price of an environment before it is deployed, from the
 * stack catalog's plan, the templates, the environment's sizes and a usage profile — per stack,
 * per region, idle and at the profile, each line with its formula.
 */
import type { ResolvedEnvironment } from '../../config/load';
import { buildPlan, type PlannedStack } from '../../deploy/plan';
import { UserError } from '../../errors';
import type { Catalog, Role } from '../../stacks/catalog';
import { loadTemplate, type CfnResource, type LoadedTemplate } from '../../templates/load';
import { cents, percent } from '../analysis';
import { PRICES, SOURCES, TAKEN_ON, type RegionPrices } from '../prices/aws-list-prices';
import { CHECKER_REGION_COUNT, FREE_TYPES, HOURS_PER_MONTH, DAYS_PER_MONTH, PRICERS, type PricingContext, type Traffic } from './pricers';
import type { UsageProfile } from './profile';
import { conditionValue, resolveValue, type ValueContext } from './values';

export interface EstimateLine {
  /** Stack instance, e.g. `network@primary`. */
  instance: string;
  stack: string;
  role: Role;
  /** Region where the cost is incurred (a replica's region for replicas). */
  region: string;
  resource: string;
  type: string;
  item: string;
  idle: number;
  atProfile: number;
  formula: string;
  nat: boolean;
}

export interface Amounts {
  idle: number;
  atProfile: number;
}

export interface Estimate {
  environment: string;
  currency: 'USD';
  regions: { primary: string; secondary: string; edge: string };
  prices: { takenOn: string; hoursPerMonth: number; sources: Record<string, string> };
  profile: UsageProfile;
  total: Amounts;
  /** Per stack, in total and per region. */
  byStack: ({ stack: string; regions: Record<string, Amounts> } & Amounts)[];
  byRegion: ({ region: string; role: string } & Amounts)[];
  /** What the warm-standby region costs: the price of disaster recovery. */
  secondary: { region: string; idlePercent: number | null; atProfilePercent: number | null } & Amounts;
  /** What the NAT gateways (and their public addresses) cost. */
  nat: { gateways: number; idlePercent: number | null; atProfilePercent: number | null } & Amounts;
  lines: EstimateLine[];
  /** Resources of types with no pricer and not known to be free. */
  unpriced: { instance: string; resource: string; type: string }[];
  /** The environment's monthly budget (cafe-ops.yml) against the estimate. */
  budget: { monthly: number; idlePercent: number; atProfilePercent: number; status: 'ok' | 'over idle' | 'over at profile' };
}

interface Instance {
  node: PlannedStack;
  loaded: LoadedTemplate;
  ctx: ValueContext;
  active: [string, CfnResource][];
}

export function pricesFor(region: string): RegionPrices {
  const prices = PRICES[region];
  if (!prices) throw new UserError(`no bundled prices for ${region} (the price table covers ${Object.keys(PRICES).join(', ')})`, 'add the region to src/lib/cost/prices/aws-list-prices.ts');
  return prices;
}

export async function estimateCosts(catalog: Catalog, env: ResolvedEnvironment, profile: UsageProfile, options: { stacks?: string[]; region?: string } = {}): Promise<Estimate> {
  const plan = buildPlan(catalog, env, options);
  const instances: Instance[] = [];
  for (const node of plan.waves.flat()) {
    const loaded = await loadTemplate(node.template);
    const params: Record<string, string | undefined> = {};
    for (const [name, spec] of Object.entries(loaded.template.Parameters ?? {})) if (spec.Default !== undefined) params[name] = String(spec.Default);
    for (const p of node.parameters) if (p.value !== undefined) params[p.name] = p.value;
    const ctx: ValueContext = { template: loaded.template, params, region: node.region, accountId: env.accountId };
    const active = Object.entries(loaded.template.Resources ?? {}).filter(([, r]) => !r.Condition || conditionValue(r.Condition, ctx) !== false);
    instances.push({ node, loaded, ctx, active });
  }
  const traffic = deriveTraffic(instances, profile);
  const lines: EstimateLine[] = [];
  const unpriced: Estimate['unpriced'] = [];
  for (const { node, ctx, active } of instances) {
    const resolved = new Map(active.map(([id, r]) => [id, { type: r.Type, raw: r.Properties ?? {}, props: (resolveValue(r.Properties ?? {}, ctx) ?? {}) as Record<string, unknown> }]));
    for (const [logicalId, resource] of active) {
      const pricer = PRICERS[resource.Type];
      if (!pricer) {
        if (!FREE_TYPES.has(resource.Type) && !resource.Type.startsWith('Custom::')) unpriced.push({ instance: node.id, resource: logicalId, type: resource.Type });
        continue;
      }
      const pricing: PricingContext = {
        logicalId,
        props: resolved.get(logicalId)!.props,
        raw: resolved.get(logicalId)!.raw,
        region: node.region,
        role: node.role,
        serving: node.role !== 'secondary',
        profile,
        prices: pricesFor,
        traffic,
        resource: (id) => resolved.get(id),
        resourcesOfType: (type) => active.filter(([, r]) => r.Type === type).map(([id]) => id),
      };
      for (const item of pricer(pricing)) {
        lines.push({
          instance: node.id,
          stack: node.stack,
          role: node.role,
          region: item.region ?? node.region,
          resource: logicalId,
          type: resource.Type,
          item: item.item,
          idle: cents(item.idle),
          atProfile: cents(item.atProfile),
          formula: item.formula,
          nat: item.nat ?? false,
        });
      }
    }
  }
  const estimate = summarise(plan.regions, env.name, profile, lines, unpriced);
  const ofBudget = (amount: number) => Math.round((amount / env.monthlyBudget) * 1000) / 10;
  const status: Estimate['budget']['status'] = estimate.total.idle > env.monthlyBudget ? 'over idle' : estimate.total.atProfile > env.monthlyBudget ? 'over at profile' : 'ok';
  return { ...estimate, budget: { monthly: env.monthlyBudget, idlePercent: ofBudget(estimate.total.idle), atProfilePercent: ofBudget(estimate.total.atProfile), status } };
}

function deriveTraffic(instances: Instance[], profile: UsageProfile): Traffic {
  const ordersPerMonth = profile.ordersPerDay * DAYS_PER_MONTH;
  const pageViewsPerMonth = profile.pageViewsPerDay * DAYS_PER_MONTH;
  const checks: { interval: number; checkers: number }[] = [];
  let apis = 0;
  for (const { ctx, active } of instances) {
    for (const [, r] of active) {
      if (r.Type === 'AWS::ApiGateway::RestApi') apis++;
      if (r.Type === 'AWS::Route53::HealthCheck') {
        const config = (resolveValue(r.Properties ?? {}, ctx) as { HealthCheckConfig?: { RequestInterval?: unknown; Regions?: unknown } }).HealthCheckConfig;
        // Route 53 checks from every checker region unless Regions lists some (at least 3); the profile's
        // checkers are those of all of them, so a check from fewer regions gets their share.
        const regions = Array.isArray(config?.Regions) ? config.Regions.length : CHECKER_REGION_COUNT;
        checks.push({ interval: Number(config?.RequestInterval ?? 30), checkers: (profile.healthCheckers * regions) / CHECKER_REGION_COUNT });
      }
    }
  }
  const perCheck = (c: { interval: number; checkers: number }) => c.checkers * (3600 / c.interval) * HOURS_PER_MONTH;
  const healthCalls = apis ? checks.reduce((sum, c) => sum + perCheck(c), 0) / apis : 0;
  const first = checks[0];
  return {
    ordersPerMonth,
    pageViewsPerMonth,
    apiCallsPerMonth: ordersPerMonth * profile.apiCallsPerOrder + pageViewsPerMonth * profile.apiCallsPerPageView,
    healthCallsPerRegion: healthCalls,
    healthExplain: first
      ? `${checks.length} health checks × ${Number(first.checkers.toFixed(2))} checkers × ${3600 / first.interval}/h × ${HOURS_PER_MONTH} h ÷ ${apis} APIs = ${(healthCalls / 1e6).toFixed(3)} M calls`
      : '0 health checks',
  };
}

function sum(lines: EstimateLine[]): Amounts {
  return { idle: cents(lines.reduce((s, l) => s + l.idle, 0)), atProfile: cents(lines.reduce((s, l) => s + l.atProfile, 0)) };
}

function summarise(regions: Estimate['regions'], environment: string, profile: UsageProfile, lines: EstimateLine[], unpriced: Estimate['unpriced']): Omit<Estimate, 'budget'> {
  const total = sum(lines);
  const group = <K extends string>(key: (l: EstimateLine) => K) => {
    const map = new Map<K, EstimateLine[]>();
    for (const l of lines) map.set(key(l), [...(map.get(key(l)) ?? []), l]);
    return [...map.entries()];
  };
  const roleOf = (region: string) => [region === regions.primary && 'primary', region === regions.secondary && 'secondary', region === regions.edge && 'edge'].filter(Boolean).join('+') || 'other';
  const secondaryLines = lines.filter((l) => l.region === regions.secondary);
  const natLines = lines.filter((l) => l.nat);
  const secondary = sum(secondaryLines);
  const nat = sum(natLines);
  return {
    environment,
    currency: 'USD',
    regions,
    prices: { takenOn: TAKEN_ON, hoursPerMonth: HOURS_PER_MONTH, sources: SOURCES },
    profile,
    total,
    byStack: group((l) => l.stack)
      .map(([stack, ls]) => {
        const regionsOfStack: Record<string, Amounts> = {};
        for (const region of [...new Set(ls.map((l) => l.region))]) regionsOfStack[region] = sum(ls.filter((l) => l.region === region));
        return { stack, ...sum(ls), regions: regionsOfStack };
      })
      .sort((a, b) => b.atProfile - a.atProfile),
    byRegion: group((l) => l.region).map(([region, ls]) => ({ region, role: roleOf(region), ...sum(ls) })).sort((a, b) => b.atProfile - a.atProfile),
    secondary: { region: regions.secondary, ...secondary, idlePercent: percent(secondary.idle, total.idle), atProfilePercent: percent(secondary.atProfile, total.atProfile) },
    nat: { gateways: new Set(natLines.filter((l) => l.type === 'AWS::EC2::NatGateway').map((l) => `${l.instance}/${l.resource}`)).size, ...nat, idlePercent: percent(nat.idle, total.idle), atProfilePercent: percent(nat.atProfile, total.atProfile) },
    lines,
    unpriced,
  };
}
