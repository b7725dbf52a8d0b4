/**
 * Adapters of the live-audit ports over the AWS SDK v3 clients made by AwsClients. Every list call
 * follows NextToken to the last page.
 */
import type { AwsClients } from '../../aws/clients';
import type { ConfigPort, RegionPorts, StacksPort, TrailsPort, ResourceDrift, DriftDetectionStatus } from './ports';

async function pages<T>(fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.next || undefined;
  } while (token);
  return all;
}

export async function configAdapter(clients: AwsClients, region: string): Promise<ConfigPort> {
  const client = await clients.configService(region);
  const sdk = await import('@aws-sdk/client-config-service');
  return {
    recorders: async () => {
      const out = await client.send(new sdk.DescribeConfigurationRecorderStatusCommand({}));
      return (out.ConfigurationRecordersStatus ?? []).map((r) => ({ name: r.name ?? '', recording: r.recording ?? false, ...(r.lastStatus ? { lastStatus: r.lastStatus } : {}) }));
    },
    ruleCompliance: () =>
      pages(async (NextToken) => {
        const out = await client.send(new sdk.DescribeComplianceByConfigRuleCommand({ ...(NextToken ? { NextToken } : {}) }));
        return {
          items: (out.ComplianceByConfigRules ?? []).map((r) => ({ name: r.ConfigRuleName ?? '', compliance: r.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA' })),
          next: out.NextToken,
        };
      }),
    nonCompliantResources: (rule) =>
      pages(async (NextToken) => {
        const out = await client.send(
          new sdk.GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: rule, ComplianceTypes: ['NON_COMPLIANT'], Limit: 100, ...(NextToken ? { NextToken } : {}) }),
        );
        return {
          items: (out.EvaluationResults ?? []).map((e) => {
            const q = e.EvaluationResultIdentifier?.EvaluationResultQualifier;
            return { rule, resourceType: q?.ResourceType ?? '', resourceId: q?.ResourceId ?? '', ...(e.Annotation ? { annotation: e.Annotation } : {}) };
          }),
          next: out.NextToken,
        };
      }),
    conformancePacks: async () => {
      const names = await pages(async (NextToken) => {
        const out = await client.send(new sdk.DescribeConformancePacksCommand({ ...(NextToken ? { NextToken } : {}) }));
        return { items: (out.ConformancePackDetails ?? []).map((p) => p.ConformancePackName ?? ''), next: out.NextToken };
      });
      const packs = [];
      for (const name of names) {
        const nonCompliantRules = await pages(async (NextToken) => {
          const out = await client.send(
            new sdk.DescribeConformancePackComplianceCommand({ ConformancePackName: name, Filters: { ComplianceType: 'NON_COMPLIANT' }, ...(NextToken ? { NextToken } : {}) }),
          );
          return { items: (out.ConformancePackRuleComplianceList ?? []).map((r) => r.ConfigRuleName ?? ''), next: out.NextToken };
        });
        packs.push({ name, nonCompliantRules });
      }
      return packs;
    },
  };
}

export async function stacksAdapter(clients: AwsClients, region: string): Promise<StacksPort> {
  const client = await clients.cloudFormation(region);
  const sdk = await import('@aws-sdk/client-cloudformation');
  return {
    listStacks: () =>
      pages(async (NextToken) => {
        const out = await client.send(new sdk.ListStacksCommand({ ...(NextToken ? { NextToken } : {}) }));
        return {
          items: (out.StackSummaries ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => ({ name: s.StackName ?? '', status: s.StackStatus ?? '' })),
          next: out.NextToken,
        };
      }),
    detectDrift: async (stack) => {
      const out = await client.send(new sdk.DetectStackDriftCommand({ StackName: stack }));
      return out.StackDriftDetectionId ?? '';
    },
    driftStatus: async (id) => {
      const out = await client.send(new sdk.DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      return {
        status: (out.DetectionStatus ?? 'DETECTION_FAILED') as DriftDetectionStatus,
        ...(out.StackDriftStatus ? { stackDriftStatus: out.StackDriftStatus } : {}),
        ...(out.DetectionStatusReason ? { reason: out.DetectionStatusReason } : {}),
      };
    },
    resourceDrifts: (stack) =>
      pages<ResourceDrift>(async (NextToken) => {
        const out = await client.send(
          new sdk.DescribeStackResourceDriftsCommand({ StackName: stack, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], ...(NextToken ? { NextToken } : {}) }),
        );
        return {
          items: (out.StackResourceDrifts ?? []).map((d) => ({
            logicalId: d.LogicalResourceId ?? '',
            resourceType: d.ResourceType ?? '',
            ...(d.PhysicalResourceId ? { physicalId: d.PhysicalResourceId } : {}),
            status: d.StackResourceDriftStatus ?? '',
            properties: (d.PropertyDifferences ?? []).map((p) => ({
              path: p.PropertyPath ?? '',
              ...(p.ExpectedValue !== undefined ? { expected: p.ExpectedValue } : {}),
              ...(p.ActualValue !== undefined ? { actual: p.ActualValue } : {}),
              difference: p.DifferenceType ?? '',
            })),
          })),
          next: out.NextToken,
        };
      }),
  };
}

export async function trailsAdapter(clients: AwsClients, region: string): Promise<TrailsPort> {
  const client = await clients.cloudTrail(region);
  const sdk = await import('@aws-sdk/client-cloudtrail');
  return {
    trails: async () => {
      const out = await client.send(new sdk.DescribeTrailsCommand({ includeShadowTrails: true }));
      return (out.trailList ?? []).map((t) => ({ name: t.Name ?? '', arn: t.TrailARN ?? '', homeRegion: t.HomeRegion ?? region, multiRegion: t.IsMultiRegionTrail ?? false }));
    },
    status: async (arn) => {
      const out = await client.send(new sdk.GetTrailStatusCommand({ Name: arn }));
      return { isLogging: out.IsLogging ?? false, ...(out.LatestDeliveryError ? { latestDeliveryError: out.LatestDeliveryError } : {}) };
    },
  };
}

export async function regionPorts(clients: AwsClients, region: string): Promise<RegionPorts> {
  return { config: await configAdapter(clients, region), stacks: await stacksAdapter(clients, region), trails: await trailsAdapter(clients, region) };
}
