/**
 * One pricer per CloudFormation resource type (the registry below): each returns the priced items
 * of one resource — idle (deployed, no customers) and at the usage profile — with the formula that
 * produced them. Types that cost nothing are listed in FREE_TYPES; any other type is reported as
 * not priced, never silently dropped.
 */
import type { RegionPrices } from '../prices/aws-list-prices';
import type { UsageProfile } from './profile';

export const HOURS_PER_MONTH = 730;
/** Route 53 health checker regions (HealthCheckConfig.Regions' valid values). */
export const CHECKER_REGION_COUNT = 8;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export interface PriceItem {
  item: string;
  idle: number;
  atProfile: number;
  formula: string;
  /** Where the cost is incurred when not the stack's region (a replica). */
  region?: string;
  /** Part of the NAT share (NAT gateways and their addresses). */
  nat?: boolean;
}

export interface PricingContext {
  logicalId: string;
  /** Properties with parameters, conditions and Fn::If resolved (unknowable values undefined). */
  props: Record<string, unknown>;
  /** Properties as written in the template (for references to other resources). */
  raw: Record<string, unknown>;
  region: string;
  role: 'primary' | 'secondary' | 'edge';
  /** The customers' traffic reaches this stack instance (primary and edge; the warm standby idles). */
  serving: boolean;
  profile: UsageProfile;
  prices(region: string): RegionPrices;
  /** Monthly quantities derived from the profile and the templates. */
  traffic: Traffic;
  /** Other resources of the same template, resolved, for cross-references (a NAT's address, an instance's cluster). */
  resource(logicalId: string): { type: string; props: Record<string, unknown>; raw: Record<string, unknown> } | undefined;
  /** Logical ids of the active resources of a type in the same template. */
  resourcesOfType(type: string): string[];
}

export interface Traffic {
  ordersPerMonth: number;
  pageViewsPerMonth: number;
  /** API calls of customers and baristas per month (primary region only). */
  apiCallsPerMonth: number;
  /** Health-check calls each regional API receives per month, idle or not. */
  healthCallsPerRegion: number;
  /** Interval and checkers behind healthCallsPerRegion, for formulas. */
  healthExplain: string;
}

export type Pricer = (ctx: PricingContext) => PriceItem[];

const n = (value: number, digits = 2) => Number(value.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });
const money = (value: number) => `$${value}`;
const million = (value: number) => `${n(value / 1e6, 3)} M`;

/** A fixed monthly charge (the same idle and at the profile). */
function fixed(item: string, amount: number, formula: string, extra: Partial<PriceItem> = {}): PriceItem {
  return { item, idle: amount, atProfile: amount, formula, ...extra };
}

/**
 * A usage charge: quantity × price, idle and at the profile. Prices quoted per million or per
 * thousand units pass `per` so the formula shows the price as published ($0.20/M requests).
 */
function usage(item: string, price: number, unit: string, qty: { idle: number; profile: number; explain: string; idleExplain?: string }, extra: Partial<PriceItem> = {}, per = 1): PriceItem {
  const rate = `${money(price)}/${per === 1e6 ? 'M ' : per === 1 ? '' : `${per.toLocaleString('en-US')} `}${unit}`;
  const idleText = qty.idle > 0 && qty.idle !== qty.profile ? `; idle: ${qty.idleExplain ?? `${n(qty.idle, 3)} ${unit}`} × ${rate}` : '';
  return { item, idle: (qty.idle * price) / per, atProfile: (qty.profile * price) / per, formula: `${qty.explain} × ${rate}${idleText}`, ...extra };
}

/** Authorizer invocations per order: one per 300-second cache period of the customer's ID token. */
export const AUTHORIZER_CALLS_PER_ORDER = 2;

/** Which calls reach a function, by the start of its logical id (the café's bounded contexts). */
const FUNCTION_TRAFFIC: Record<string, (ctx: PricingContext) => { idle: number; profile: number; explain: string }> = {
  Menu: (c) => {
    const v = c.serving ? c.traffic.pageViewsPerMonth * c.profile.apiCallsPerPageView + c.traffic.ordersPerMonth * c.profile.apiCallsPerOrder * 0.25 : 0;
    return { idle: 0, profile: v, explain: c.serving ? `(${n(c.traffic.pageViewsPerMonth, 0)} page views × ${c.profile.apiCallsPerPageView} + ${n(c.traffic.ordersPerMonth, 0)} orders × ${c.profile.apiCallsPerOrder} calls × 25 %)` : '0 calls (standby)' };
  },
  Orders: (c) => share(c, 0.5),
  Admin: (c) => share(c, 0.15),
  Payments: (c) => share(c, 0.1),
  OrderWorkflow: (c) => {
    const v = c.serving ? c.traffic.ordersPerMonth * (c.profile.stateTransitionsPerOrder / 2) : 0;
    return { idle: 0, profile: v, explain: c.serving ? `${n(c.traffic.ordersPerMonth, 0)} orders × ${c.profile.stateTransitionsPerOrder / 2} task states` : '0 orders (standby)' };
  },
  Health: (c) => ({ idle: c.traffic.healthCallsPerRegion, profile: c.traffic.healthCallsPerRegion, explain: c.traffic.healthExplain }),
  Migrate: () => ({ idle: 0, profile: 0, explain: '0 calls (runs at deploy)' }),
  // The API's Lambda authorizer runs once per ID token per cache period (AuthorizerResultTtlInSeconds, 300 s), not
  // once per call: an order's signed-in calls (browse, order, pay, follow) fit in about two periods.
  // https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html
  Authorizer: (c) => {
    const v = c.serving ? c.traffic.ordersPerMonth * AUTHORIZER_CALLS_PER_ORDER : 0;
    return { idle: 0, profile: v, explain: c.serving ? `${n(c.traffic.ordersPerMonth, 0)} orders × ${AUTHORIZER_CALLS_PER_ORDER} token checks (results cached 300 s per token)` : '0 calls (standby)' };
  },
};

function share(c: PricingContext, fraction: number) {
  const v = c.serving ? c.traffic.ordersPerMonth * c.profile.apiCallsPerOrder * fraction : 0;
  return { idle: 0, profile: v, explain: c.serving ? `${n(c.traffic.ordersPerMonth, 0)} orders × ${c.profile.apiCallsPerOrder} calls × ${fraction * 100} %` : '0 calls (standby)' };
}

function functionTraffic(ctx: PricingContext, logicalId: string) {
  const key = Object.keys(FUNCTION_TRAFFIC)
    .sort((a, b) => b.length - a.length)
    .find((prefix) => logicalId.startsWith(prefix));
  return key ? FUNCTION_TRAFFIC[key]!(ctx) : undefined;
}

const num = (value: unknown, fallback: number) => (value === undefined || value === null || value === '' || Number.isNaN(Number(value)) ? fallback : Number(value));

function lambdaFunction(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const memoryGb = num(ctx.props.MemorySize, 128) / 1024;
  const calls = functionTraffic(ctx, ctx.logicalId);
  if (!calls) return [fixed('invocations', 0, 'no traffic model for this function: idle cost only ($0)')];
  const seconds = ctx.profile.lambdaMsPerCall / 1000;
  const gbs = { idle: calls.idle * seconds * memoryGb, profile: calls.profile * seconds * memoryGb, explain: `${calls.explain} × ${seconds} s × ${n(memoryGb, 3)} GB` };
  // Calls a warm alias serves pay the provisioned-concurrency duration rate (the profile's load fits in it).
  const warm = provisionedConcurrency(ctx, ctx.logicalId) > 0;
  return [
    usage('requests', p.lambdaRequestsPerMillion, 'requests', { ...calls, explain: `${calls.explain} = ${million(calls.profile)}` }, {}, 1e6),
    warm ? usage('compute (arm64, on provisioned concurrency)', p.lambdaArmProvisionedDurationGbSecond, 'GB-s', gbs) : usage('compute (arm64)', p.lambdaArmGbSecond, 'GB-s', gbs),
  ];
}

/** Provisioned concurrency the aliases of a function keep warm. */
function provisionedConcurrency(ctx: PricingContext, functionId: string): number {
  return ctx
    .resourcesOfType('AWS::Lambda::Alias')
    .map((id) => ctx.resource(id))
    .filter((a) => (a?.raw.FunctionName as { Ref?: string } | undefined)?.Ref === functionId)
    .reduce((sum, a) => sum + num((a?.props.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined)?.ProvisionedConcurrentExecutions, 0), 0);
}

function lambdaAlias(ctx: PricingContext): PriceItem[] {
  const warm = num((ctx.props.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined)?.ProvisionedConcurrentExecutions, 0);
  const functionId = (ctx.raw.FunctionName as { Ref?: string } | undefined)?.Ref;
  if (!warm || !functionId) return [fixed('provisioned concurrency', 0, 'no provisioned concurrency: $0 (the alias serves on demand)')];
  const p = ctx.prices(ctx.region);
  const memoryGb = num(ctx.resource(functionId)?.props.MemorySize, 128) / 1024;
  const gbs = warm * memoryGb * HOURS_PER_MONTH * 3600;
  return [fixed('provisioned concurrency', gbs * p.lambdaArmProvisionedGbSecond, `${warm} environments × ${n(memoryGb, 3)} GB × ${HOURS_PER_MONTH} h × 3600 s × ${money(p.lambdaArmProvisionedGbSecond)}/GB-s`)];
}

function logGroup(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const id = ctx.logicalId.replace(/LogGroup$/, '');
  let calls: { idle: number; profile: number; explain: string } | undefined;
  let kb = ctx.profile.logKbPerCall;
  if (id === 'Trail') return trailLogGroup(ctx);
  if (id === 'ApiAccess') {
    const api = ctx.serving ? ctx.traffic.apiCallsPerMonth : 0;
    calls = { idle: ctx.traffic.healthCallsPerRegion, profile: api + ctx.traffic.healthCallsPerRegion, explain: `(${million(api)} API + ${million(ctx.traffic.healthCallsPerRegion)} health calls)` };
    const format = accessLogFormat(ctx);
    if (format) kb = accessLogLineBytes(format) / 1024;
  } else if (id === 'Waf') {
    const api = ctx.serving ? ctx.traffic.apiCallsPerMonth : 0;
    if (dropsAllowedRequests(ctx)) {
      // The logging filter keeps only what a rule blocked or counted; the traffic profile has no such requests.
      calls = { idle: 0, profile: 0, explain: '(allowed requests, health checks included, dropped by the logging filter; blocked ones not modelled)' };
    } else {
      // The web ACL logs every request it inspects: the API's and the health checks'.
      calls = { idle: ctx.traffic.healthCallsPerRegion, profile: api + ctx.traffic.healthCallsPerRegion, explain: `(${million(api)} API + ${million(ctx.traffic.healthCallsPerRegion)} health requests logged by WAF)` };
    }
  } else if (id === 'StateMachine') {
    const v = ctx.serving ? ctx.traffic.ordersPerMonth * ctx.profile.stateTransitionsPerOrder : 0;
    calls = { idle: 0, profile: v, explain: ctx.serving ? `${n(ctx.traffic.ordersPerMonth, 0)} orders × ${ctx.profile.stateTransitionsPerOrder} transitions` : '0 orders (standby)' };
  } else if (id === 'Flow') {
    // Delivery (ingestion) is priced on the flow log; the group keeps what it delivers.
    const flowGb = ctx.profile.flowLogGbPerMonth;
    const retention = num(ctx.props.RetentionInDays, 3653);
    const months = Math.min(retention, 3653) / DAYS_PER_MONTH;
    return [fixed('log storage', flowGb * months * p.logsStorageGbMonth, `${flowGb} GB/month × ${n(months, 1)} months kept (${retention} days) × ${money(p.logsStorageGbMonth)}/GB-month`)];
  } else {
    calls = functionTraffic(ctx, id);
  }
  if (!calls) return [fixed('log ingestion', 0, 'no traffic model for this log group: idle cost only ($0)')];
  const gb = (c: number) => (c * kb) / 1024 / 1024;
  const retention = num(ctx.props.RetentionInDays, 3653);
  const months = Math.min(retention, 3653) / DAYS_PER_MONTH;
  return [
    usage('log ingestion', p.logsIngestGb, 'GB', { idle: gb(calls.idle), profile: gb(calls.profile), explain: `${calls.explain} × ${n(kb, 3)} KB = ${n(gb(calls.profile), 3)} GB` }),
    usage('log storage', p.logsStorageGbMonth, 'GB-month', {
      idle: gb(calls.idle) * months,
      profile: gb(calls.profile) * months,
      explain: `${n(gb(calls.profile), 3)} GB/month × ${n(months, 1)} months kept (${retention} days)`,
    }),
  ];
}


/**
 * Whether the WAF logging configuration writing to this log group drops the requests WAF allowed (a LoggingFilter
 * whose filter DROPs on the ALLOW action): then only blocked, counted or challenged requests are ingested.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-wafv2-loggingconfiguration-loggingfilter.html
 */
function dropsAllowedRequests(ctx: PricingContext): boolean {
  return ctx.resourcesOfType('AWS::WAFv2::LoggingConfiguration').some((id) => {
    const raw = ctx.resource(id)?.raw;
    if (!JSON.stringify(raw?.LogDestinationConfigs ?? '').includes(`\${${ctx.logicalId}}`)) return false;
    const filter = raw?.LoggingFilter as { Filters?: { Behavior?: string; Conditions?: { ActionCondition?: { Action?: string } }[] }[] } | undefined;
    return (filter?.Filters ?? []).some((f) => f.Behavior === 'DROP' && (f.Conditions ?? []).some((c) => c.ActionCondition?.Action === 'ALLOW'));
  });
}

/** The access-log format of the stage that writes to this log group. */
function accessLogFormat(ctx: PricingContext): string | undefined {
  for (const id of ctx.resourcesOfType('AWS::ApiGateway::Stage')) {
    const setting = ctx.resource(id)?.raw.AccessLogSetting as { DestinationArn?: { 'Fn::GetAtt'?: unknown }; Format?: unknown } | undefined;
    const target = setting?.DestinationArn?.['Fn::GetAtt'];
    const group = Array.isArray(target) ? target[0] : typeof target === 'string' ? target.split('.')[0] : undefined;
    if (group === ctx.logicalId && typeof setting?.Format === 'string') return setting.Format;
  }
  return undefined;
}

/**
 * Typical widths of the $context variables of an access-log line (a UUID request id, an IPv4 address,
 * a resource path of the café's API...); a variable not listed counts 16 characters.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
const CONTEXT_WIDTH: Record<string, number> = {
  requestId: 36, extendedRequestId: 16, 'identity.sourceIp': 15, httpMethod: 4, resourcePath: 14, path: 20, status: 3,
  responseLatency: 3, integrationLatency: 3, wafResponseCode: 9, requestTime: 26, requestTimeEpoch: 13, protocol: 8, responseLength: 4,
};

/** Bytes of one access-log line: the format with each $context variable at its typical width, plus the newline. */
export function accessLogLineBytes(format: string): number {
  const line = format.replace(/\$context\.([A-Za-z.]+)/g, (_, name: string) => 'x'.repeat(CONTEXT_WIDTH[name] ?? 16));
  return Buffer.byteLength(line, 'utf8') + 1;
}

function trailLogGroup(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const gb = ctx.profile.trailGbPerMonth;
  const retention = num(ctx.props.RetentionInDays, 3653);
  const months = Math.min(retention, 3653) / DAYS_PER_MONTH;
  return [
    fixed('log ingestion (CloudTrail management events)', gb * p.logsIngestGb, `${gb} GB × ${money(p.logsIngestGb)}/GB`),
    fixed('log storage', gb * months * p.logsStorageGbMonth, `${gb} GB/month × ${n(months, 1)} months kept (${retention} days) × ${money(p.logsStorageGbMonth)}/GB-month`),
  ];
}

function auroraInstance(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  if (ctx.props.DBInstanceClass !== 'db.serverless') return [];
  const clusterOf = (raw: Record<string, unknown> | undefined) => (raw?.DBClusterIdentifier as { Ref?: string } | undefined)?.Ref;
  const clusterRef = clusterOf(ctx.raw);
  const cluster = clusterRef ? ctx.resource(clusterRef) : undefined;
  const scaling = (cluster?.props.ServerlessV2ScalingConfiguration ?? {}) as { MinCapacity?: unknown; MaxCapacity?: unknown };
  const min = num(scaling.MinCapacity, 0.5);
  const max = num(scaling.MaxCapacity, 16);
  const instances = ctx.resourcesOfType('AWS::RDS::DBInstance').filter((id) => clusterOf(ctx.resource(id)?.raw) === clusterRef).length || 1;
  const items = [fixed('minimum capacity', min * HOURS_PER_MONTH * p.auroraAcuHour, `${min} ACU × ${HOURS_PER_MONTH} h × ${money(p.auroraAcuHour)}/ACU-h`)];
  if (!ctx.serving) return items;
  const pr = ctx.profile;
  const perHour = pr.ordersPerDay / 24;
  const offLoad = Math.min(max, min + perHour / pr.ordersPerAcuHour / instances) - min;
  const peakLoad = Math.min(max, min + (perHour * pr.lunchPeakFactor) / pr.ordersPerAcuHour / instances) - min;
  const extraAcuHours = DAYS_PER_MONTH * (pr.peakHoursPerDay * peakLoad + (24 - pr.peakHoursPerDay) * offLoad);
  items.push(
    usage('capacity above minimum', p.auroraAcuHour, 'ACU-h', {
      idle: 0,
      profile: extraAcuHours,
      explain: `${n(DAYS_PER_MONTH)} d × (${pr.peakHoursPerDay} h × ${n(peakLoad, 3)} ACU + ${24 - pr.peakHoursPerDay} h × ${n(offLoad, 3)} ACU) [${pr.ordersPerDay} orders/day, peak ×${pr.lunchPeakFactor}, ${pr.ordersPerAcuHour} orders/ACU-h, ${instances} instances, max ${max} ACU]`,
    }),
  );
  return items;
}

function auroraCluster(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const pr = ctx.profile;
  const ios = pr.ordersPerDay * DAYS_PER_MONTH * pr.auroraIoPerOrder;
  return [
    usage('storage (a full copy per region)', p.auroraStorageGbMonth, 'GB-month', { idle: 0, profile: pr.dataStoredGb, explain: `${pr.dataStoredGb} GB` }),
    usage(ctx.serving ? 'I/O' : 'replicated write I/O', p.auroraIoPerMillion, 'I/Os', { idle: 0, profile: ios, explain: `${pr.ordersPerDay} orders/day × ${n(DAYS_PER_MONTH)} d × ${pr.auroraIoPerOrder} = ${million(ios)}` }, {}, 1e6),
  ];
}

type Replica = { Region?: unknown; PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: unknown }; ReadProvisionedThroughputSettings?: { ReadCapacityAutoScalingSettings?: AutoScaling } };
type AutoScaling = { MinCapacity?: unknown; MaxCapacity?: unknown; TargetTrackingScalingPolicyConfiguration?: { TargetValue?: unknown } };

/**
 * Capacity units auto scaling keeps provisioned: the minimum idle; at the profile, the average rate ÷ the
 * target utilisation, between min and max.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html
 */
function provisionedUnits(scaling: AutoScaling | undefined, perMonth: number) {
  const min = num(scaling?.MinCapacity, 1);
  const max = num(scaling?.MaxCapacity, min);
  const target = num(scaling?.TargetTrackingScalingPolicyConfiguration?.TargetValue, 70);
  const perSecond = perMonth / (HOURS_PER_MONTH * 3600);
  const needed = Math.min(max, Math.max(min, perSecond / (target / 100)));
  return { min, profile: needed, explain: `max(${min} min, ${n(perSecond, 4)}/s ÷ ${target} % target) ≤ ${max} max` };
}

function dynamoTable(ctx: PricingContext): PriceItem[] {
  const pr = ctx.profile;
  const tables = ctx.resourcesOfType('AWS::DynamoDB::GlobalTable').length + ctx.resourcesOfType('AWS::DynamoDB::Table').length || 1;
  const writes = (pr.ordersPerDay * DAYS_PER_MONTH * pr.dynamoWritesPerOrder) / tables;
  const reads = (ctx.traffic.apiCallsPerMonth * pr.dynamoReadsPerCall) / tables;
  const gb = pr.dynamoStoredGb / tables;
  const replicas = Array.isArray(ctx.props.Replicas) ? (ctx.props.Replicas as Replica[]) : [{ Region: ctx.region, PointInTimeRecoverySpecification: ctx.props.PointInTimeRecoverySpecification as Replica['PointInTimeRecoverySpecification'] }];
  const provisioned = ctx.props.BillingMode === 'PROVISIONED';
  const writeScaling = (ctx.props.WriteProvisionedThroughputSettings as { WriteCapacityAutoScalingSettings?: AutoScaling } | undefined)?.WriteCapacityAutoScalingSettings;
  const items: PriceItem[] = [];
  const split = `÷ ${tables} tables`;
  for (const replica of replicas) {
    const region = typeof replica.Region === 'string' ? replica.Region : ctx.region;
    const p = ctx.prices(region);
    const local = region === ctx.region;
    const where = local ? '' : ` (replica in ${region})`;
    const writeExplain = `${pr.ordersPerDay} orders/day × ${n(DAYS_PER_MONTH)} d × ${pr.dynamoWritesPerOrder} writes ${split}`;
    if (provisioned) {
      // Provisioned global tables: every replica provisions the table's write capacity (replicated WCUs, priced as
      // WCUs) and its own read capacity. https://aws.amazon.com/dynamodb/pricing/provisioned/
      const w = provisionedUnits(writeScaling, writes);
      const r = provisionedUnits(replica.ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings, local ? reads : 0);
      items.push(usage(`provisioned write capacity${where}`, p.dynamoWcuHour, 'WCU-h', { idle: w.min * HOURS_PER_MONTH, profile: w.profile * HOURS_PER_MONTH, explain: `${w.explain} WCU × ${HOURS_PER_MONTH} h [${writeExplain}]`, idleExplain: `${w.min} WCU × ${HOURS_PER_MONTH} h` }, { region }));
      items.push(usage(`provisioned read capacity${where}`, p.dynamoRcuHour, 'RCU-h', { idle: r.min * HOURS_PER_MONTH, profile: r.profile * HOURS_PER_MONTH, explain: `${r.explain} RCU × ${HOURS_PER_MONTH} h`, idleExplain: `${r.min} RCU × ${HOURS_PER_MONTH} h` }, { region }));
    } else if (local) {
      items.push(usage(`writes${where}`, p.dynamoWritePerMillion, 'writes', { idle: 0, profile: writes, explain: writeExplain }, { region }, 1e6));
      items.push(usage(`reads${where}`, p.dynamoReadPerMillion, 'reads', { idle: 0, profile: reads, explain: `${million(ctx.traffic.apiCallsPerMonth)} API calls × ${pr.dynamoReadsPerCall} reads ${split}` }, { region }, 1e6));
    } else {
      items.push(usage(`replicated writes${where}`, p.dynamoReplicatedWritePerMillion, 'writes', { idle: 0, profile: writes, explain: writeExplain }, { region }, 1e6));
    }
    items.push(usage(`storage${where}`, p.dynamoStorageGbMonth, 'GB-month', { idle: 0, profile: gb, explain: `${pr.dynamoStoredGb} GB ${split}` }, { region }));
    if (String(replica.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled) === 'true') {
      items.push(usage(`point-in-time recovery${where}`, p.dynamoPitrGbMonth, 'GB-month', { idle: 0, profile: gb, explain: `${pr.dynamoStoredGb} GB ${split}` }, { region }));
    }
  }
  return items;
}

function natGateway(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const gateways = ctx.resourcesOfType('AWS::EC2::NatGateway').length || 1;
  const gb = ctx.serving ? ctx.profile.natGbPerMonth / gateways : 0;
  return [
    fixed('hours', HOURS_PER_MONTH * p.natGatewayHour, `${HOURS_PER_MONTH} h × ${money(p.natGatewayHour)}/h`, { nat: true }),
    usage('data processed', p.natGatewayGb, 'GB', { idle: 0, profile: gb, explain: ctx.serving ? `${ctx.profile.natGbPerMonth} GB ÷ ${gateways} gateways` : '0 GB (standby)' }, { nat: true }),
  ];
}

function elasticIp(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const nat = ctx.resourcesOfType('AWS::EC2::NatGateway').some((id) => {
    const getAtt = (ctx.resource(id)?.raw.AllocationId as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
    const target = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
    return target === ctx.logicalId;
  });
  return [fixed('public IPv4 address', HOURS_PER_MONTH * p.publicIpv4Hour, `${HOURS_PER_MONTH} h × ${money(p.publicIpv4Hour)}/h`, { nat })];
}

function vpcEndpoint(ctx: PricingContext): PriceItem[] {
  if (ctx.props.VpcEndpointType !== 'Interface') return [];
  const p = ctx.prices(ctx.region);
  const azs = Array.isArray(ctx.props.SubnetIds) ? ctx.props.SubnetIds.length : 1;
  return [fixed('interface endpoint hours', azs * HOURS_PER_MONTH * p.interfaceEndpointAzHour, `${azs} AZ × ${HOURS_PER_MONTH} h × ${money(p.interfaceEndpointAzHour)}/h`)];
}

function flowLog(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const gb = ctx.profile.flowLogGbPerMonth;
  return [fixed('flow log delivery', gb * p.logsIngestGb, `${gb} GB × ${money(p.logsIngestGb)}/GB`)];
}

function restApi(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const api = ctx.serving ? ctx.traffic.apiCallsPerMonth : 0;
  const health = ctx.traffic.healthCallsPerRegion;
  return [
    usage('REST API requests', p.apiGatewayRestPerMillion, 'requests', {
      idle: health,
      profile: api + health,
      explain: `(${million(api)} API + ${million(health)} health)`,
      idleExplain: `${million(health)} health`,
    }, {}, 1e6),
  ];
}

function webAcl(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const rules = Array.isArray(ctx.props.Rules) ? ctx.props.Rules.length : 0;
  const edge = ctx.props.Scope === 'CLOUDFRONT';
  const requests = edge ? ctx.traffic.pageViewsPerMonth * ctx.profile.requestsPerPageView : (ctx.serving ? ctx.traffic.apiCallsPerMonth : 0) + ctx.traffic.healthCallsPerRegion;
  const idle = edge ? 0 : ctx.traffic.healthCallsPerRegion;
  return [
    fixed('web ACL and rules', p.wafWebAclMonth + rules * p.wafRuleMonth, `${money(p.wafWebAclMonth)} + ${rules} rules × ${money(p.wafRuleMonth)}`),
    usage('requests inspected', p.wafRequestsPerMillion, 'requests', { idle, profile: requests, explain: million(requests) }, {}, 1e6),
  ];
}

function distribution(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const views = ctx.traffic.pageViewsPerMonth;
  const gb = (views * ctx.profile.pageWeightKb) / 1024 / 1024;
  const requests = views * ctx.profile.requestsPerPageView;
  return [
    usage('data transfer out', p.cloudFrontGb, 'GB', { idle: 0, profile: gb, explain: `${n(views, 0)} page views × ${ctx.profile.pageWeightKb} KB = ${n(gb)} GB` }),
    usage('HTTPS requests', p.cloudFrontHttpsPer10k, 'requests', { idle: 0, profile: requests, explain: `${n(views, 0)} page views × ${ctx.profile.requestsPerPageView} requests` }, {}, 10_000),
  ];
}

function stateMachine(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const transitions = ctx.serving ? ctx.traffic.ordersPerMonth * ctx.profile.stateTransitionsPerOrder : 0;
  const items = [usage('state transitions', p.stepFunctionsPerThousandTransitions, 'transitions', { idle: 0, profile: transitions, explain: ctx.serving ? `${n(ctx.traffic.ordersPerMonth, 0)} orders × ${ctx.profile.stateTransitionsPerOrder} transitions` : '0 orders (standby)' }, {}, 1000)];
  const tracing = (ctx.props.TracingConfiguration as { Enabled?: unknown } | undefined)?.Enabled;
  if (tracing === true || tracing === 'true') {
    // Executions sample by X-Ray's default rule (1 a second and 5 % more): at a café's rate, every execution.
    const executions = ctx.serving ? ctx.traffic.ordersPerMonth : 0;
    items.push(usage('X-Ray traces recorded', p.xrayTracesPerMillion, 'traces', { idle: 0, profile: executions, explain: `${n(executions, 0)} executions (default sampling: 1/s + 5 %)` }, {}, 1e6));
  }
  return items;
}

function healthCheck(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const config = (ctx.props.HealthCheckConfig ?? {}) as { Type?: unknown; RequestInterval?: unknown; MeasureLatency?: unknown };
  const features = [String(config.Type).startsWith('HTTPS') && 'HTTPS', String(config.Type).endsWith('STR_MATCH') && 'string matching', num(config.RequestInterval, 30) === 10 && 'fast interval', String(config.MeasureLatency) === 'true' && 'latency'].filter(Boolean) as string[];
  const amount = p.healthCheckMonth + features.length * p.healthCheckFeatureMonth;
  return [fixed('health check', amount, `${money(p.healthCheckMonth)} + ${features.length} features (${features.join(', ') || 'none'}) × ${money(p.healthCheckFeatureMonth)}`)];
}

/**
 * Cognito bills the pool's feature plan per monthly active user: Lite and Essentials after the first
 * 10,000, Plus from the first (no free tier). https://aws.amazon.com/cognito/pricing/
 */
function userPool(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const tier = typeof ctx.props.UserPoolTier === 'string' ? ctx.props.UserPoolTier : 'ESSENTIALS';
  const { price, free } = tier === 'PLUS' ? { price: p.cognitoPlusMau, free: 0 } : tier === 'LITE' ? { price: p.cognitoLiteMau, free: p.cognitoFreeMau } : { price: p.cognitoMau, free: p.cognitoFreeMau };
  const billable = Math.max(0, ctx.profile.monthlyActiveUsers - free);
  return [usage(`monthly active users (${tier})`, price, 'MAU', { idle: 0, profile: billable, explain: free ? `max(0, ${ctx.profile.monthlyActiveUsers} MAU − ${free} included)` : `${ctx.profile.monthlyActiveUsers} MAU (no free tier)` })];
}

/**
 * A KMS key: $1 a month, and with automatic rotation $1 more for each of the first two rotations
 * (every RotationPeriodInDays, 365 by default). A multi-Region replica is a key of its own and
 * shares its primary's rotation. https://aws.amazon.com/kms/pricing/
 */
const kmsKey = (item: string): Pricer => (ctx) => {
  const p = ctx.prices(ctx.region);
  const rotates = ctx.props.EnableKeyRotation === true || ctx.props.EnableKeyRotation === 'true' || item === 'replica key';
  if (!rotates) return [fixed(item, p.kmsKeyMonth, `1 key × ${money(p.kmsKeyMonth)}/month (no rotation)`)];
  const period = num(ctx.props.RotationPeriodInDays, 365);
  const rotations = Math.min(2, Math.floor(ctx.profile.keyAgeDays / period));
  return [fixed(item, p.kmsKeyMonth + rotations * p.kmsRotationMonth, `1 key × ${money(p.kmsKeyMonth)}/month + ${rotations} rotations × ${money(p.kmsRotationMonth)} (${ctx.profile.keyAgeDays} days old, rotated every ${period} days; the charge stops growing after the second)`)];
};

/** X-Ray traces a sampling rule records: the requests it matches × its fixed rate. https://aws.amazon.com/xray/pricing/ */
function samplingRule(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const rule = (ctx.props.SamplingRule ?? {}) as { FixedRate?: unknown; URLPath?: unknown };
  const rate = num(rule.FixedRate, 0);
  const health = String(rule.URLPath ?? '').startsWith('/health');
  const api = ctx.serving ? ctx.traffic.apiCallsPerMonth : 0;
  const calls = health ? { idle: ctx.traffic.healthCallsPerRegion, profile: ctx.traffic.healthCallsPerRegion, explain: `${million(ctx.traffic.healthCallsPerRegion)} health calls` } : { idle: 0, profile: api, explain: `${million(api)} API calls` };
  return [usage('X-Ray traces recorded', p.xrayTracesPerMillion, 'traces', { idle: calls.idle * rate, profile: calls.profile * rate, explain: `${calls.explain} × ${rate * 100} % sampled` }, {}, 1e6)];
}

/**
 * Detailed (per-method) metrics of a stage: 5 custom metrics per method that receives requests
 * (Count, Latency, IntegrationLatency, 4XXError, 5XXError); idle only the health route is called.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 */
function apiStage(ctx: PricingContext): PriceItem[] {
  const settings = Array.isArray(ctx.props.MethodSettings) ? (ctx.props.MethodSettings as { MetricsEnabled?: unknown }[]) : [];
  if (!settings.some((m) => m.MetricsEnabled === true || m.MetricsEnabled === 'true')) return [fixed('detailed metrics', 0, 'detailed metrics off: $0 (the API\'s standard metrics are free)')];
  const p = ctx.prices(ctx.region);
  const methods = ctx.resourcesOfType('AWS::ApiGateway::Method');
  const health = methods.filter((id) => String((ctx.resource(id)?.raw.ResourceId as { Ref?: string } | undefined)?.Ref ?? '').startsWith('Health') && ctx.resource(id)?.props.HttpMethod === 'GET').length;
  const served = ctx.serving ? methods.length : health;
  return [usage('detailed metrics', p.cloudWatchMetricMonth, 'metric-month', { idle: health * 5, profile: served * 5, explain: `${served} methods × 5 metrics`, idleExplain: `${health} health methods × 5 metrics` })];
}

const perMonth = (item: string, key: keyof RegionPrices, label: string): Pricer => (ctx) => {
  const p = ctx.prices(ctx.region);
  return [fixed(item, p[key], `${label} × ${money(p[key])}/month`)];
};

function secret(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const items = [fixed('secret', p.secretMonth, `1 secret × ${money(p.secretMonth)}/month`)];
  for (const replica of Array.isArray(ctx.props.ReplicaRegions) ? (ctx.props.ReplicaRegions as { Region?: unknown }[]) : []) {
    const region = typeof replica.Region === 'string' ? replica.Region : undefined;
    if (region) items.push(fixed(`replica in ${region}`, ctx.prices(region).secretMonth, `1 replica × ${money(ctx.prices(region).secretMonth)}/month`, { region }));
  }
  return items;
}

function configRecorder(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const items = ctx.profile.configItemsPerMonth;
  return [fixed('configuration items', items * p.configItem, `${items} items × ${money(p.configItem)}`)];
}

function configRule(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const evals = ctx.profile.configEvaluationsPerRule;
  return [fixed('rule evaluations', evals * p.configRuleEvaluation, `${evals} evaluations × ${money(p.configRuleEvaluation)}`)];
}

function bucket(ctx: PricingContext): PriceItem[] {
  const p = ctx.prices(ctx.region);
  const gb = ctx.profile.s3GbPerBucket;
  return [fixed('storage', gb * p.s3StandardGbMonth, `${gb} GB × ${money(p.s3StandardGbMonth)}/GB-month`)];
}

export const PRICERS: Record<string, Pricer> = {
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::RDS::DBInstance': auroraInstance,
  'AWS::RDS::DBCluster': auroraCluster,
  'AWS::DynamoDB::GlobalTable': dynamoTable,
  'AWS::DynamoDB::Table': dynamoTable,
  'AWS::EC2::NatGateway': natGateway,
  'AWS::EC2::EIP': elasticIp,
  'AWS::EC2::VPCEndpoint': vpcEndpoint,
  'AWS::EC2::FlowLog': flowLog,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::WAFv2::WebACL': webAcl,
  'AWS::CloudFront::Distribution': distribution,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::Route53::HealthCheck': healthCheck,
  'AWS::Cognito::UserPool': userPool,
  'AWS::KMS::Key': kmsKey('key'),
  'AWS::KMS::ReplicaKey': kmsKey('replica key'),
  'AWS::Lambda::Alias': lambdaAlias,
  // Each metric a filter publishes is a custom metric. https://aws.amazon.com/cloudwatch/pricing/
  'AWS::Logs::MetricFilter': (ctx) => {
    const p = ctx.prices(ctx.region);
    const metrics = Array.isArray(ctx.props.MetricTransformations) ? ctx.props.MetricTransformations.length : 1;
    return [fixed('custom metrics', metrics * p.cloudWatchMetricMonth, `${metrics} metrics × ${money(p.cloudWatchMetricMonth)}/metric-month`)];
  },
  'AWS::XRay::SamplingRule': samplingRule,
  'AWS::ApiGateway::Stage': apiStage,
  'AWS::SecretsManager::Secret': secret,
  'AWS::CloudWatch::Alarm': perMonth('alarm', 'alarmMonth', '1 standard alarm'),
  'AWS::CloudWatch::Dashboard': perMonth('dashboard', 'dashboardMonth', '1 dashboard (the first 3 of an account are free)'),
  'AWS::Config::ConfigurationRecorder': configRecorder,
  'AWS::Config::ConfigRule': configRule,
  'AWS::S3::Bucket': bucket,
  'AWS::CloudTrail::Trail': () => [fixed('management events', 0, 'first copy of management events: $0 (their delivery to CloudWatch Logs is priced on the trail\'s log group)')],
};

/** Resource types with no charge of their own. */
export const FREE_TYPES = new Set([
  'AWS::IAM::Role', 'AWS::IAM::ServiceLinkedRole', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::OIDCProvider', 'AWS::IAM::InstanceProfile',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::Route', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::VPCPeeringConnection', 'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::Lambda::Permission', 'AWS::ApiGateway::GatewayResponse', 'AWS::Lambda::Version',
  'AWS::SecretsManager::RotationSchedule' /* rotation is billed as the function's invocations and the secret's API calls */,
  'AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::BasePathMapping', 'AWS::ApiGateway::Account',
  'AWS::WAFv2::WebACLAssociation', 'AWS::WAFv2::IPSet', 'AWS::WAFv2::LoggingConfiguration' /* charged as its log destination */, 'AWS::CertificateManager::Certificate', 'AWS::Route53::RecordSet',
  'AWS::S3::BucketPolicy', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::KMS::Alias',
  'AWS::Cognito::UserPoolGroup', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain',
  'AWS::CloudFront::OriginAccessControl', 'AWS::CloudFront::ResponseHeadersPolicy', 'AWS::CloudFront::CachePolicy',
  'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBClusterParameterGroup', 'AWS::RDS::GlobalCluster',
  'AWS::Config::DeliveryChannel', 'AWS::Budgets::Budget',
]);
