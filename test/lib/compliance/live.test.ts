import { mockClient } from 'aws-sdk-client-mock';
import {
  ConfigServiceClient,
  DescribeComplianceByConfigRuleCommand,
  DescribeConformancePackComplianceCommand,
  DescribeConformancePacksCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { AwsClients } from '../../../src/lib/aws/clients';
import { configAdapter, stacksAdapter, trailsAdapter } from '../../../src/lib/compliance/live/aws';
import { auditLive } from '../../../src/lib/compliance/live/audit';
import type { Clock, RegionPorts, ResourceDrift } from '../../../src/lib/compliance/live/ports';
import type { Catalog } from '../../../src/lib/stacks/catalog';
import { createMemoryOutput } from '../../support/memory-output';
import { stack } from './helpers';
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../src/lib/stacks/catalog';
import { locateLiveFindings } from '../../../src/lib/compliance/live/locate';
import type { LiveStack } from '../../../src/lib/compliance/live/audit';

const env = { name: 'staging', project: 'cafe', primaryRegion: 'eu-west-1', secondaryRegion: 'eu-central-1' };
const catalog: Catalog = {
  file: 'stacks.yaml',
  root: '.',
  artifacts: {},
  stacks: {
    data: stack('data.yaml', ['primary', 'secondary']),
    identity: stack('identity.yaml', ['primary']),
    edge: stack('edge.yaml', ['edge']),
  },
};

/** Virtual time: sleep advances the clock, nothing waits. */
function fakeClock(): Clock & { slept: number[] } {
  let t = Date.parse('2026-11-25T09:00:00Z');
  const slept: number[] = [];
  return { slept, now: () => new Date(t), sleep: async (ms) => void (slept.push(ms), (t += ms)) };
}

interface FakeRegion {
  stacks?: { name: string; status: string }[];
  drift?: Record<string, { polls: number; drifts: ResourceDrift[]; failed?: string }>;
  rules?: { name: string; compliance: string }[];
  resources?: Record<string, { resourceType: string; resourceId: string; annotation?: string }[]>;
  packs?: { name: string; nonCompliantRules: string[] }[];
  trails?: { name: string; arn: string; homeRegion: string; multiRegion: boolean; logging: boolean; error?: string }[];
  configError?: Error;
  recorders?: { name: string; recording: boolean }[];
}

function fakePorts(regions: Record<string, FakeRegion>): (region: string) => Promise<RegionPorts> {
  return async (region) => {
    const r = regions[region] ?? {};
    const polls = new Map<string, number>();
    return {
      stacks: {
        listStacks: async () => r.stacks ?? [],
        detectDrift: async (stack) => `det-${stack}`,
        driftStatus: async (id) => {
          const stack = id.slice(4);
          const spec = r.drift?.[stack] ?? { polls: 0, drifts: [] };
          const n = (polls.get(stack) ?? 0) + 1;
          polls.set(stack, n);
          if (n <= spec.polls) return { status: 'DETECTION_IN_PROGRESS' };
          if (spec.failed) return { status: 'DETECTION_FAILED', reason: spec.failed };
          return { status: 'DETECTION_COMPLETE', stackDriftStatus: spec.drifts.length ? 'DRIFTED' : 'IN_SYNC' };
        },
        resourceDrifts: async (stack) => r.drift?.[stack]?.drifts ?? [],
      },
      config: {
        recorders: async () => r.recorders ?? [{ name: 'default', recording: true }],
        ruleCompliance: async () => {
          if (r.configError) throw r.configError;
          return r.rules ?? [];
        },
        nonCompliantResources: async (rule) => (r.resources?.[rule] ?? []).map((x) => ({ rule, ...x })),
        conformancePacks: async () => r.packs ?? [],
      },
      trails: {
        trails: async () => (r.trails ?? []).map(({ name, arn, homeRegion, multiRegion }) => ({ name, arn, homeRegion, multiRegion })),
        status: async (arn) => {
          const t = r.trails!.find((x) => x.arn === arn)!;
          return { isLogging: t.logging, ...(t.error ? { latestDeliveryError: t.error } : {}) };
        },
      },
    };
  };
}

const trail = { name: 'cafe-staging', arn: 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/cafe-staging', homeRegion: 'eu-west-1', multiRegion: true, logging: true };

describe('live audit engine', () => {
  it('reports missing, extra and failed stacks per region, and nothing when all is in place', async () => {
    const result = await auditLive({
      catalog,
      env,
      clock: fakeClock(),
      checks: ['deployment'],
      ports: fakePorts({
        'eu-west-1': { stacks: [{ name: 'cafe-staging-data', status: 'UPDATE_COMPLETE' }, { name: 'cafe-staging-identity', status: 'UPDATE_ROLLBACK_FAILED' }, { name: 'cafe-staging-old', status: 'CREATE_COMPLETE' }, { name: 'other-app', status: 'CREATE_COMPLETE' }] },
        'eu-central-1': { stacks: [] },
        'us-east-1': { stacks: [{ name: 'cafe-staging-edge', status: 'CREATE_COMPLETE' }] },
      }),
    });
    expect(result.regions).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1']);
    expect(result.findings.map((f) => [f.rule, f.region, f.stack, f.severity])).toEqual([
      ['Deployment.Status', 'eu-west-1', 'cafe-staging-identity', 'high'],
      ['Deployment.Extra', 'eu-west-1', 'cafe-staging-old', 'low'],
      ['Deployment.Missing', 'eu-central-1', 'cafe-staging-data', 'high'],
    ]);
    expect(result.stacks.filter((s) => s.state === 'deployed').map((s) => s.name)).toEqual(['cafe-staging-data', 'cafe-staging-identity', 'cafe-staging-edge']);
  });

  it('polls drift detection on virtual time and reports drifted resources with their properties', async () => {
    const clock = fakeClock();
    const drifted: ResourceDrift = { logicalId: 'Cluster', resourceType: 'AWS::RDS::DBCluster', physicalId: 'cafe-staging-primary', status: 'MODIFIED', properties: [{ path: '/DeletionProtection', expected: 'true', actual: 'false', difference: 'NOT_EQUAL' }] };
    const result = await auditLive({
      catalog,
      env,
      region: 'eu-west-1',
      clock,
      pollMs: 5000,
      checks: ['drift'],
      ports: fakePorts({
        'eu-west-1': {
          stacks: [{ name: 'cafe-staging-data', status: 'UPDATE_COMPLETE' }, { name: 'cafe-staging-identity', status: 'CREATE_COMPLETE' }],
          drift: { 'cafe-staging-data': { polls: 2, drifts: [drifted] }, 'cafe-staging-identity': { polls: 0, drifts: [] } },
        },
      }),
    });
    expect(clock.slept).toEqual([5000, 5000]);
    expect(result.stacks.map((s) => [s.name, s.drift, s.driftedResources])).toEqual([
      ['cafe-staging-data', 'DRIFTED', 1],
      ['cafe-staging-identity', 'IN_SYNC', 0],
    ]);
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'Drift', severity: 'high', logicalId: 'Cluster', resourceId: 'cafe-staging-primary', message: 'cafe-staging-data: Cluster was changed outside CloudFormation: /DeletionProtection not_equal (expected true, actual false)' }),
    ]);
  });

  it('reports the blocklist addresses cafe-ops waf adds as expected drift, not as a finding to fix', async () => {
    const ipSet = (properties: ResourceDrift['properties']): ResourceDrift => ({ logicalId: 'BlocklistIpv4', resourceType: 'AWS::WAFv2::IPSet', physicalId: 'cafe-staging-blocklist-ipv4', status: 'MODIFIED', properties });
    const addresses = [{ path: '/Addresses/0', expected: undefined, actual: '203.0.113.7/32', difference: 'ADD' }];
    const run = (drifts: ResourceDrift[]) =>
      auditLive({
        catalog,
        env,
        region: 'eu-west-1',
        clock: fakeClock(),
        checks: ['drift'],
        ports: fakePorts({ 'eu-west-1': { stacks: [{ name: 'cafe-staging-data', status: 'UPDATE_COMPLETE' }], drift: { 'cafe-staging-data': { polls: 0, drifts } } } }),
      });
    const managed = await run([ipSet(addresses)]);
    expect(managed.findings.map((f) => [f.rule, f.severity])).toEqual([['Drift.Managed', 'info']]);
    // A change of anything else on the set is drift like any other.
    const changed = await run([ipSet([...addresses, { path: '/Description', expected: 'blocklist', actual: 'x', difference: 'NOT_EQUAL' }])]);
    expect(changed.findings.map((f) => [f.rule, f.severity])).toEqual([['Drift', 'high']]);
  });

  it('gives up on a drift detection that never ends, and reports failed ones', async () => {
    const clock = fakeClock();
    const result = await auditLive({
      catalog,
      env,
      region: 'eu-west-1',
      clock,
      pollMs: 10_000,
      driftTimeoutMs: 60_000,
      checks: ['drift'],
      ports: fakePorts({
        'eu-west-1': {
          stacks: [{ name: 'cafe-staging-data', status: 'UPDATE_COMPLETE' }, { name: 'cafe-staging-identity', status: 'CREATE_COMPLETE' }],
          drift: { 'cafe-staging-data': { polls: 1000, drifts: [] }, 'cafe-staging-identity': { polls: 0, drifts: [], failed: 'Stack is in UPDATE_IN_PROGRESS' } },
        },
      }),
    });
    expect(result.stacks.map((s) => s.drift)).toEqual(['UNKNOWN', 'FAILED']);
    expect(result.findings.map((f) => f.message)).toEqual([
      'cafe-staging-identity: drift detection did not complete: Stack is in UPDATE_IN_PROGRESS',
      'cafe-staging-data: drift detection did not complete: no result after 60 s',
    ]);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('reports non-compliant Config resources with rule, pack and annotation', async () => {
    const result = await auditLive({
      catalog,
      env,
      region: 'eu-west-1',
      checks: ['config'],
      clock: fakeClock(),
      ports: fakePorts({
        'eu-west-1': {
          rules: [{ name: 's3-bucket-ssl-requests-only', compliance: 'NON_COMPLIANT' }, { name: 'rds-storage-encrypted', compliance: 'COMPLIANT' }, { name: 'dynamodb-pitr-enabled-conformance-pack-x1', compliance: 'NON_COMPLIANT' }],
          packs: [{ name: 'cafe-baseline', nonCompliantRules: ['dynamodb-pitr-enabled-conformance-pack-x1'] }],
          resources: {
            's3-bucket-ssl-requests-only': [{ resourceType: 'AWS::S3::Bucket', resourceId: 'cafe-staging-site', annotation: 'Bucket policy does not deny HTTP' }],
            'dynamodb-pitr-enabled-conformance-pack-x1': [{ resourceType: 'AWS::DynamoDB::Table', resourceId: 'cafe-staging-menu' }],
          },
        },
      }),
    });
    expect(result.configRules).toEqual([{ region: 'eu-west-1', rules: 3, nonCompliant: 2 }]);
    expect(result.conformancePacks).toEqual([{ region: 'eu-west-1', name: 'cafe-baseline', nonCompliantRules: ['dynamodb-pitr-enabled-conformance-pack-x1'] }]);
    expect(result.findings.map((f) => [f.rule, f.title, f.resourceId, f.message])).toEqual([
      ['s3-bucket-ssl-requests-only', 'AWS Config rule', 'cafe-staging-site', 'AWS::S3::Bucket cafe-staging-site is NON_COMPLIANT: Bucket policy does not deny HTTP'],
      ['dynamodb-pitr-enabled-conformance-pack-x1', 'AWS Config rule of conformance pack cafe-baseline', 'cafe-staging-menu', 'AWS::DynamoDB::Table cafe-staging-menu is NON_COMPLIANT'],
    ]);
  });

  it('reports a region where AWS Config is not recording (Config.1)', async () => {
    const result = await auditLive({
      catalog,
      env,
      checks: ['config'],
      clock: fakeClock(),
      ports: fakePorts({ 'eu-west-1': { recorders: [{ name: 'default', recording: false }] }, 'eu-central-1': { recorders: [] } }),
    });
    expect(result.findings.map((f) => [f.rule, f.control, f.severity, f.message])).toEqual([
      ['Config.Recording', 'Config.1', 'critical', 'the configuration recorder default of eu-west-1 is not recording'],
      ['Config.Recording', 'Config.1', 'critical', 'eu-central-1 has no AWS Config configuration recorder'],
    ]);
  });

  it('checks CloudTrail: a multi-Region trail covers both regions; a stopped one does not', async () => {
    const ok = await auditLive({ catalog, env, checks: ['cloudtrail'], clock: fakeClock(), ports: fakePorts({ 'eu-west-1': { trails: [trail] }, 'eu-central-1': { trails: [{ ...trail, name: 'shadow' }] } }) });
    expect(ok.findings).toEqual([]);
    expect(ok.trails).toEqual([{ region: 'eu-west-1', name: 'cafe-staging', multiRegion: true, logging: true }]);
    const stopped = await auditLive({ catalog, env, checks: ['cloudtrail'], clock: fakeClock(), ports: fakePorts({ 'eu-west-1': { trails: [{ ...trail, logging: false, error: 'AccessDenied' }] } }) });
    expect(stopped.findings.map((f) => [f.rule, f.control, f.region, f.message])).toEqual([
      ['CloudTrail.Logging', 'CloudTrail.1', 'eu-west-1', 'trail cafe-staging is not logging'],
      ['CloudTrail.Delivery', undefined, 'eu-west-1', 'trail cafe-staging: last delivery failed: AccessDenied'],
      ['CloudTrail.Logging', 'CloudTrail.1', 'eu-west-1', 'no logging trail records eu-west-1'],
      ['CloudTrail.Logging', 'CloudTrail.1', 'eu-central-1', 'no logging trail records eu-central-1'],
    ]);
  });

  it('checks a multi-Region trail from another region when its home region is not audited', async () => {
    const result = await auditLive({ catalog, env, region: 'eu-central-1', checks: ['cloudtrail'], clock: fakeClock(), ports: fakePorts({ 'eu-central-1': { trails: [trail] } }) });
    expect(result.findings).toEqual([]);
    expect(result.trails).toEqual([{ region: 'eu-central-1', name: 'cafe-staging', multiRegion: true, logging: true }]);
  });

  it('turns a check that cannot run into a finding and a warning, and carries on', async () => {
    const memory = createMemoryOutput();
    const denied = Object.assign(new Error('User is not authorized to perform config:DescribeComplianceByConfigRule'), { name: 'AccessDeniedException' });
    const result = await auditLive({ catalog, env, region: 'eu-west-1', checks: ['config', 'cloudtrail'], clock: fakeClock(), out: memory.output, ports: fakePorts({ 'eu-west-1': { configError: denied, trails: [trail] } }) });
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([['Audit.Incomplete', 'high']]);
    expect(memory.lines.filter((l) => l.kind === 'warn').map((l) => l.text)).toEqual([`eu-west-1: AWS Config compliance could not be read: ${denied.message}`]);
    expect(result.trails).toHaveLength(1);
  });
});

describe('locating live findings', () => {
  it('points drift at the resource in the template and a missing stack at its catalog entry', async () => {
    const real = await loadCatalog('templates/stacks.yaml');
    const stacks: LiveStack[] = [
      { region: 'eu-west-1', stack: 'data', name: 'cafe-staging-data', state: 'deployed' },
      { region: 'eu-central-1', stack: 'app', name: 'cafe-staging-app', state: 'missing' },
    ];
    const base = { severity: 'high' as const, title: 't', message: 'm' };
    const located = await locateLiveFindings(
      [
        { ...base, rule: 'Drift', source: 'drift', region: 'eu-west-1', stack: 'cafe-staging-data', logicalId: 'Cluster' },
        { ...base, rule: 'Deployment.Missing', source: 'deployment', region: 'eu-central-1', stack: 'cafe-staging-app' },
        { ...base, rule: 's3-bucket-ssl-requests-only', source: 'config', region: 'eu-west-1', resourceId: 'b' },
      ],
      stacks,
      real,
    );
    const lineOf = (file: string, text: string) => readFileSync(file, 'utf8').split('\n').indexOf(text) + 1;
    expect(located.map((f) => [f.file, f.line])).toEqual([
      ['templates/data.yaml', lineOf('templates/data.yaml', '  Cluster:')],
      ['templates/stacks.yaml', lineOf('templates/stacks.yaml', '  app:')],
      [undefined, undefined],
    ]);
  });
});

describe('live audit adapters (SDK request and response shapes, every page)', () => {
  const config = mockClient(ConfigServiceClient);
  const cfn = mockClient(CloudFormationClient);
  const trails = mockClient(CloudTrailClient);
  const clients = new AwsClients();
  afterEach(() => {
    config.reset();
    cfn.reset();
    trails.reset();
  });
  afterAll(() => clients.destroy());

  it('reads Config rule compliance, non-compliant resources and conformance packs across pages', async () => {
    config
      .on(DescribeComplianceByConfigRuleCommand)
      .resolvesOnce({ ComplianceByConfigRules: [{ ConfigRuleName: 'r1', Compliance: { ComplianceType: 'NON_COMPLIANT', ComplianceContributorCount: { CappedCount: 2, CapExceeded: false } } }], NextToken: 't2' })
      .resolvesOnce({ ComplianceByConfigRules: [{ ConfigRuleName: 'r2', Compliance: { ComplianceType: 'COMPLIANT' } }] });
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r1', ResourceType: 'AWS::S3::Bucket', ResourceId: 'b1', EvaluationMode: 'DETECTIVE' }, OrderingTimestamp: new Date() },
            ComplianceType: 'NON_COMPLIANT',
            ResultRecordedTime: new Date(),
            ConfigRuleInvokedTime: new Date(),
            Annotation: 'no TLS-only policy',
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({ EvaluationResults: [{ EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r1', ResourceType: 'AWS::S3::Bucket', ResourceId: 'b2' } }, ComplianceType: 'NON_COMPLIANT' }] });
    config.on(DescribeConformancePacksCommand).resolvesOnce({ ConformancePackDetails: [{ ConformancePackName: 'pack-a', ConformancePackArn: 'arn:a', ConformancePackId: 'a' }], NextToken: 'n' }).resolvesOnce({ ConformancePackDetails: [{ ConformancePackName: 'pack-b', ConformancePackArn: 'arn:b', ConformancePackId: 'b' }] });
    config.on(DescribeConformancePackComplianceCommand, { ConformancePackName: 'pack-a' }).resolves({ ConformancePackName: 'pack-a', ConformancePackRuleComplianceList: [{ ConfigRuleName: 'r1', ComplianceType: 'NON_COMPLIANT', Controls: [] }] });
    config.on(DescribeConformancePackComplianceCommand, { ConformancePackName: 'pack-b' }).resolves({ ConformancePackName: 'pack-b', ConformancePackRuleComplianceList: [] });

    config.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true, lastStatus: 'Success', arn: 'arn:aws:config:eu-west-1:111111111111:configuration-recorder/default/x' }] });
    const port = await configAdapter(clients, 'eu-west-1');
    expect(await port.recorders()).toEqual([{ name: 'default', recording: true, lastStatus: 'Success' }]);
    expect(await port.ruleCompliance()).toEqual([{ name: 'r1', compliance: 'NON_COMPLIANT' }, { name: 'r2', compliance: 'COMPLIANT' }]);
    expect(config.commandCalls(DescribeComplianceByConfigRuleCommand).map((c) => c.args[0].input)).toEqual([{}, { NextToken: 't2' }]);
    expect(await port.nonCompliantResources('r1')).toEqual([
      { rule: 'r1', resourceType: 'AWS::S3::Bucket', resourceId: 'b1', annotation: 'no TLS-only policy' },
      { rule: 'r1', resourceType: 'AWS::S3::Bucket', resourceId: 'b2' },
    ]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigRuleName: 'r1', ComplianceTypes: ['NON_COMPLIANT'], Limit: 100 },
      { ConfigRuleName: 'r1', ComplianceTypes: ['NON_COMPLIANT'], Limit: 100, NextToken: 'p2' },
    ]);
    expect(await port.conformancePacks()).toEqual([{ name: 'pack-a', nonCompliantRules: ['r1'] }, { name: 'pack-b', nonCompliantRules: [] }]);
    expect(config.commandCalls(DescribeConformancePackComplianceCommand)[0]!.args[0].input).toEqual({ ConformancePackName: 'pack-a', Filters: { ComplianceType: 'NON_COMPLIANT' } });
  });

  it('lists stacks across pages (without deleted ones), detects drift and reads drifted resources', async () => {
    const summary = (name: string, status: 'CREATE_COMPLETE' | 'DELETE_COMPLETE') => ({ StackName: name, StackId: `arn:${name}`, StackStatus: status, CreationTime: new Date() });
    cfn.on(ListStacksCommand).resolvesOnce({ StackSummaries: [summary('cafe-staging-data', 'CREATE_COMPLETE'), summary('cafe-staging-gone', 'DELETE_COMPLETE')], NextToken: 'n2' }).resolvesOnce({ StackSummaries: [summary('cafe-staging-app', 'CREATE_COMPLETE')] });
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-1' });
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: 'arn:s', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED', DriftedStackResourceCount: 1, Timestamp: new Date() });
    cfn
      .on(DescribeStackResourceDriftsCommand)
      .resolvesOnce({
        StackResourceDrifts: [
          {
            StackId: 'arn:s',
            LogicalResourceId: 'MenuTable',
            PhysicalResourceId: 'cafe-staging-menu',
            ResourceType: 'AWS::DynamoDB::GlobalTable',
            StackResourceDriftStatus: 'MODIFIED',
            Timestamp: new Date(),
            PropertyDifferences: [{ PropertyPath: '/Replicas/0/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled', ExpectedValue: 'true', ActualValue: 'false', DifferenceType: 'NOT_EQUAL' }],
          },
        ],
        NextToken: 'd2',
      })
      .resolvesOnce({ StackResourceDrifts: [{ StackId: 'arn:s', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', StackResourceDriftStatus: 'DELETED', Timestamp: new Date() }] });

    const port = await stacksAdapter(clients, 'eu-west-1');
    expect(await port.listStacks()).toEqual([{ name: 'cafe-staging-data', status: 'CREATE_COMPLETE' }, { name: 'cafe-staging-app', status: 'CREATE_COMPLETE' }]);
    expect(await port.detectDrift('cafe-staging-data')).toBe('det-1');
    expect(await port.driftStatus('det-1')).toEqual({ status: 'DETECTION_COMPLETE', stackDriftStatus: 'DRIFTED' });
    expect(await port.resourceDrifts('cafe-staging-data')).toEqual([
      { logicalId: 'MenuTable', physicalId: 'cafe-staging-menu', resourceType: 'AWS::DynamoDB::GlobalTable', status: 'MODIFIED', properties: [{ path: '/Replicas/0/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled', expected: 'true', actual: 'false', difference: 'NOT_EQUAL' }] },
      { logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', status: 'DELETED', properties: [] },
    ]);
    expect(cfn.commandCalls(DescribeStackResourceDriftsCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'cafe-staging-data', StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'] },
      { StackName: 'cafe-staging-data', StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], NextToken: 'd2' },
    ]);
  });

  it('reads trails (shadow trails included) and their status by ARN', async () => {
    trails.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'cafe-staging', TrailARN: trail.arn, HomeRegion: 'eu-west-1', IsMultiRegionTrail: true, S3BucketName: 'b' }] });
    trails.on(GetTrailStatusCommand, { Name: trail.arn }).resolves({ IsLogging: false, LatestDeliveryError: 'NoSuchBucket' });
    const port = await trailsAdapter(clients, 'eu-central-1');
    expect(await port.trails()).toEqual([{ name: 'cafe-staging', arn: trail.arn, homeRegion: 'eu-west-1', multiRegion: true }]);
    expect(trails.commandCalls(DescribeTrailsCommand)[0]!.args[0].input).toEqual({ includeShadowTrails: true });
    expect(await port.status(trail.arn)).toEqual({ isLogging: false, latestDeliveryError: 'NoSuchBucket' });
  });
});
