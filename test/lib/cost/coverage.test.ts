/**
 * Everything the templates create is priced: every resource type has a pricer or is known to be
 * free, and every property AWS bills by (tracing, detailed metrics, provisioned concurrency and
 * capacity, the Cognito tier, key rotation, retention, sampling...) changes what its pricer says.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FREE_TYPES, PRICERS, type PricingContext } from '../../../src/lib/cost/estimate/pricers';
import { DEFAULT_PROFILE, usageProfileSchema } from '../../../src/lib/cost/estimate/profile';
import { resolveValue, type ValueContext } from '../../../src/lib/cost/estimate/values';
import { PRICES } from '../../../src/lib/cost/prices/aws-list-prices';
import { loadTemplate, type LoadedTemplate } from '../../../src/lib/templates/load';

const dir = join(__dirname, '../../../templates');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'stacks.yaml');

/** Property names AWS bills by, wherever they appear in a template. */
const BILLED = /^(MetricTransformations|MemorySize|TracingConfig|TracingEnabled|TracingConfiguration|MethodSettings|AccessLogSetting|ProvisionedConcurrencyConfig|UserPoolTier|EnableKeyRotation|RotationPeriodInDays|BillingMode|WriteProvisionedThroughputSettings|ProvisionedThroughput|RetentionInDays|HealthCheckConfig|SubnetIds|Rules|ReplicaRegions|Replicas|SamplingRule|ServerlessV2ScalingConfiguration)$/;

/** For each billed property of a type, a change of it the pricer must notice. */
const CHANGES: Record<string, Record<string, (value: unknown) => unknown>> = {
  'AWS::Lambda::Function': { MemorySize: (v) => Number(v ?? 128) * 2, TracingConfig: () => ({ Mode: 'Active' }) },
  'AWS::Lambda::Alias': { ProvisionedConcurrencyConfig: () => ({ ProvisionedConcurrentExecutions: 3 }) },
  'AWS::Logs::MetricFilter': { MetricTransformations: (v) => [...(Array.isArray(v) ? v : []), { MetricName: 'extra' }] },
  'AWS::ApiGateway::Stage': {
    MethodSettings: (v) => [{ MetricsEnabled: !(Array.isArray(v) && v.some((m) => (m as { MetricsEnabled?: unknown }).MetricsEnabled === true)) }],
    TracingEnabled: (v) => v !== true,
    AccessLogSetting: (v) => v,
  },
  'AWS::Logs::LogGroup': { RetentionInDays: (v) => (Number(v) === 1 ? 3653 : 1) },
  'AWS::Cognito::UserPool': { UserPoolTier: (v) => (v === 'PLUS' ? 'LITE' : 'PLUS') },
  'AWS::KMS::Key': { EnableKeyRotation: (v) => !(v === true || v === 'true'), RotationPeriodInDays: () => 90 },
  'AWS::DynamoDB::GlobalTable': {
    BillingMode: (v) => (v === 'PROVISIONED' ? 'PAY_PER_REQUEST' : 'PROVISIONED'),
    WriteProvisionedThroughputSettings: () => ({ WriteCapacityAutoScalingSettings: { MinCapacity: 50, MaxCapacity: 100, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } } }),
    Replicas: (v) => [...(Array.isArray(v) ? v : []), { Region: 'us-east-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
  },
  'AWS::StepFunctions::StateMachine': { TracingConfiguration: (v) => ({ Enabled: !((v as { Enabled?: unknown } | undefined)?.Enabled === true) }) },
  'AWS::XRay::SamplingRule': { SamplingRule: (v) => ({ ...(v as object), FixedRate: 0.5, URLPath: '*' }) },
  'AWS::Route53::HealthCheck': { HealthCheckConfig: (v) => ({ ...(v as object), RequestInterval: Number((v as { RequestInterval?: unknown }).RequestInterval) === 10 ? 30 : 10 }) },
  'AWS::EC2::VPCEndpoint': { SubnetIds: () => ['a', 'b', 'c'] },
  'AWS::WAFv2::WebACL': { Rules: (v) => [...(Array.isArray(v) ? v : []), { Name: 'extra' }] },
  'AWS::SecretsManager::Secret': { ReplicaRegions: (v) => [...(Array.isArray(v) ? v : []), { Region: 'us-east-1' }] },
};
/** Settings a change is measured against (the write capacity of a table billed as provisioned). */
const BASE: Record<string, Record<string, unknown>> = {
  'AWS::DynamoDB::GlobalTable.WriteProvisionedThroughputSettings': { BillingMode: 'PROVISIONED' },
};
/** Resources that cost nothing whatever their billed properties: they run once per deploy. */
const DEPLOY_ONLY = new Set(['MigrateFunction', 'MigrateLogGroup']);
/**
 * Resources that run a few times a month whatever their billed properties: the rotation function (four steps per
 * rotation of each of two secrets, on the sizes.secretRotation schedule) and its log group, a fraction of a cent.
 */
const SCHEDULED_RARELY = new Set(['RotationFunction', 'RotationLogGroup']);
/**
 * Resources the traffic profile sends nothing to: the regional WAF log group keeps only requests a rule blocked
 * or counted (its LoggingConfiguration drops ALLOW), and the profile models no blocked traffic. The pricer that
 * reads the filter is tested in estimate.test.ts.
 */
const NO_MODELLED_TRAFFIC = new Set(['WafLogGroup']);
/** Billed properties whose price another resource's pricer carries, with where. */
const PRICED_ELSEWHERE: Record<string, string> = {
  'AWS::RDS::DBCluster.ServerlessV2ScalingConfiguration': 'AWS::RDS::DBInstance (each instance runs at the cluster minimum)',
  'AWS::ApiGateway::Stage.AccessLogSetting': 'AWS::Logs::LogGroup (the line size of its Format)',
  'AWS::ApiGateway::Stage.TracingEnabled': 'AWS::XRay::SamplingRule (the traces the stage records)',
  'AWS::Lambda::Function.TracingConfig': 'AWS::XRay::SamplingRule / AWS::StepFunctions::StateMachine (the functions follow the caller\'s sampling decision)',
};

const profile = usageProfileSchema.parse({ ...DEFAULT_PROFILE, keyAgeDays: 730 });

function contextFor(loaded: LoadedTemplate, logicalId: string, props: Record<string, unknown>, region: string): PricingContext {
  const params: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(loaded.template.Parameters ?? {})) if (spec.Default !== undefined) params[name] = String(spec.Default);
  params.SecondaryRegion = 'eu-central-1';
  const ctx: ValueContext = { template: loaded.template, params, region, accountId: '111111111111' };
  const resources = loaded.template.Resources ?? {};
  const resolved = (id: string) => {
    const r = resources[id];
    return r ? { type: r.Type, raw: r.Properties ?? {}, props: (resolveValue(r.Properties ?? {}, ctx) ?? {}) as Record<string, unknown> } : undefined;
  };
  return {
    logicalId,
    props,
    raw: resources[logicalId]?.Properties ?? {},
    region,
    role: 'primary',
    serving: true,
    profile,
    prices: (r) => PRICES[r]!,
    traffic: { ordersPerMonth: 12_000, pageViewsPerMonth: 180_000, apiCallsPerMonth: 330_000, healthCallsPerRegion: 1_400_000, healthExplain: 'health' },
    resource: resolved,
    resourcesOfType: (type) => Object.entries(resources).filter(([, r]) => r.Type === type).map(([id]) => id),
  };
}

const total = (ctx: PricingContext, type: string) => PRICERS[type]!(ctx).reduce((s, i) => s + i.idle + i.atProfile, 0);

describe('the estimate prices everything the templates create', () => {
  const loaded: { file: string; template: LoadedTemplate }[] = [];
  beforeAll(async () => {
    for (const file of files) loaded.push({ file, template: await loadTemplate(join(dir, file)) });
  });

  it('has a pricer for every resource type, or knows it is free', () => {
    const missing = loaded.flatMap(({ file, template }) =>
      Object.entries(template.template.Resources ?? {})
        .filter(([, r]) => !PRICERS[r.Type] && !FREE_TYPES.has(r.Type) && !r.Type.startsWith('Custom::'))
        .map(([id, r]) => `${file} ${id} (${r.Type})`),
    );
    expect(missing).toEqual([]);
  });

  it('changes the price when a billed property changes', () => {
    const unpriced: string[] = [];
    let checked = 0;
    for (const { file, template } of loaded) {
      for (const [id, resource] of Object.entries(template.template.Resources ?? {})) {
        if (FREE_TYPES.has(resource.Type) || DEPLOY_ONLY.has(id) || SCHEDULED_RARELY.has(id) || NO_MODELLED_TRAFFIC.has(id)) continue;
        for (const property of Object.keys(resource.Properties ?? {}).filter((p) => BILLED.test(p))) {
          const key = `${resource.Type}.${property}`;
          if (PRICED_ELSEWHERE[key]) continue;
          const change = CHANGES[resource.Type]?.[property];
          if (!change || !PRICERS[resource.Type]) {
            unpriced.push(`${file} ${id}: ${key} has no pricer`);
            continue;
          }
          const base = contextFor(template, id, {}, 'eu-west-1');
          const params = Object.fromEntries(Object.entries(template.template.Parameters ?? {}).map(([n, s]) => [n, s.Default === undefined ? undefined : String(s.Default)]));
          const resolvedProps = (resolveValue(resource.Properties ?? {}, { template: template.template, params: { ...params, SecondaryRegion: 'eu-central-1' }, region: 'eu-west-1', accountId: '111111111111' }) ?? {}) as Record<string, unknown>;
          const props = { ...resolvedProps, ...BASE[key] };
          const before = total({ ...base, props }, resource.Type);
          const after = total({ ...base, props: { ...props, [property]: change(props[property]) } }, resource.Type);
          if (before === after) unpriced.push(`${file} ${id}: changing ${key} leaves its price at ${before.toFixed(4)}`);
          checked++;
        }
      }
    }
    expect(unpriced).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('fails for a billed property no pricer reads', () => {
    // The walk itself: a type with a billed property but no change listed is reported.
    expect(BILLED.test('ProvisionedThroughput')).toBe(true);
    expect(CHANGES['AWS::DynamoDB::Table']).toBeUndefined();
  });

  it("prices the WAF log group's ingestion only when its logging configuration keeps allowed requests", () => {
    const app = loaded.find((l) => l.file === 'app.yaml')!.template;
    const ingestion = (template: LoadedTemplate) => {
      const ctx = { ...contextFor(template, 'WafLogGroup', {}, 'eu-west-1') };
      ctx.props = ctx.resource('WafLogGroup')!.props;
      return PRICERS['AWS::Logs::LogGroup']!(ctx).find((i) => i.item === 'log ingestion')!;
    };
    expect(ingestion(app).idle).toBe(0);
    const unfiltered = { ...app, template: structuredClone(app.template) };
    delete (unfiltered.template.Resources.WafLogging!.Properties as Record<string, unknown>).LoggingFilter;
    expect(ingestion(unfiltered).idle).toBeGreaterThan(0);
  });
});
