/** The lifecycle port implemented with the AWS SDK (clients from src/lib/aws/clients.ts). */
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients';
import type { ChangeSetSummary, DeployedStack, LifecycleEvent, LifecyclePort } from './ports';

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : undefined);

export function toDeployedStack(stack: Stack, name: string): DeployedStack {
  const lastUpdated = iso(stack.LastUpdatedTime ?? stack.CreationTime);
  const lastChecked = iso(stack.DriftInformation?.LastCheckTimestamp);
  return {
    name: stack.StackName ?? name,
    id: stack.StackId ?? name,
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
    ...(lastUpdated ? { lastUpdated } : {}),
    drift: { status: stack.DriftInformation?.StackDriftStatus ?? 'NOT_CHECKED', ...(lastChecked ? { lastChecked } : {}) },
    terminationProtection: stack.EnableTerminationProtection ?? false,
    parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue ?? ''])),
    tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
    outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? ''])),
  };
}

const missing = (error: unknown) => (error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message);

export async function lifecyclePort(clients: AwsClients, region: string): Promise<LifecyclePort> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client: CloudFormationClient = await clients.cloudFormation(region);
  return {
    // DescribeStacks takes a name or the unique id; a deleted stack answers only to its id
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
    describeStack: async (nameOrId) => {
      try {
        const stack = (await client.send(new sdk.DescribeStacksCommand({ StackName: nameOrId }))).Stacks?.[0];
        return stack ? toDeployedStack(stack, nameOrId) : undefined;
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    // The template as cafe-ops sent it: TemplateStage Original
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html).
    getTemplate: async (name) => (await client.send(new sdk.GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }))).TemplateBody ?? '',
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetStackPolicy.html: no body when the stack has no policy.
    getStackPolicy: async (name) => (await client.send(new sdk.GetStackPolicyCommand({ StackName: name }))).StackPolicyBody || undefined,
    listChangeSets: async (name) => {
      const summaries: ChangeSetSummary[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new sdk.ListChangeSetsCommand({ StackName: name, NextToken: token }));
        for (const s of page.Summaries ?? []) {
          // Emulators answer with every stack's change sets; AWS with the named stack's only.
          if (s.StackName && s.StackName !== name && s.StackId !== name) continue;
          const created = iso(s.CreationTime);
          summaries.push({ name: s.ChangeSetName ?? '?', status: s.Status ?? 'UNKNOWN', executionStatus: s.ExecutionStatus ?? 'UNKNOWN', ...(created ? { created } : {}) });
        }
        token = page.NextToken;
      } while (token);
      return summaries;
    },
    // Drift detection is asynchronous: DetectStackDrift answers an id to follow with
    // DescribeStackDriftDetectionStatus (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html).
    detectDrift: async (name) => (await client.send(new sdk.DetectStackDriftCommand({ StackName: name }))).StackDriftDetectionId!,
    driftDetectionStatus: async (id) => {
      const answer = await client.send(new sdk.DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      return {
        status: answer.DetectionStatus ?? 'UNKNOWN',
        ...(answer.StackDriftStatus ? { driftStatus: answer.StackDriftStatus } : {}),
        ...(answer.DetectionStatusReason ? { reason: answer.DetectionStatusReason } : {}),
      };
    },
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
    disableTerminationProtection: async (name) => {
      await client.send(new sdk.UpdateTerminationProtectionCommand({ StackName: name, EnableTerminationProtection: false }));
    },
    // No RetainResources: CloudFormation keeps resources whose DeletionPolicy is Retain by itself, and
    // RetainResources is only for a stack in DELETE_FAILED
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
    deleteStack: async (nameOrId) => {
      await client.send(new sdk.DeleteStackCommand({ StackName: nameOrId }));
    },
    stackEvents: async (nameOrId) => {
      const events: LifecycleEvent[] = [];
      let token: string | undefined;
      // The newest page or two hold the deletion's events; stop there.
      for (let page = 0; page < 3; page++) {
        const answer = await client.send(new sdk.DescribeStackEventsCommand({ StackName: nameOrId, NextToken: token }));
        for (const e of answer.StackEvents ?? []) {
          events.push({
            timestamp: e.Timestamp ? new Date(e.Timestamp).getTime() : 0,
            logicalId: e.LogicalResourceId ?? '?',
            type: e.ResourceType ?? '?',
            status: e.ResourceStatus ?? '?',
            ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
          });
        }
        token = answer.NextToken;
        if (!token) break;
      }
      return events;
    },
  };
}
