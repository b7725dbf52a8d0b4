/** The deploy engine's ports implemented with the AWS SDK (clients from AwsClients). */
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients';
import type { Catalog } from '../stacks/catalog';
import { buildArtifact, sha256, type BuiltArtifact } from './artifacts';
import type { ArtifactPort, CloudFormationPort, StackEvent } from './ports';

export async function cloudFormationPort(clients: AwsClients, region: string): Promise<CloudFormationPort> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client: CloudFormationClient = await clients.cloudFormation(region);
  return {
    // DescribeStacks and DescribeStackEvents take a name or a unique stack id; a deleted stack only
    // answers to its id (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
    describeStack: async (name) => {
      let stack: Stack | undefined;
      try {
        stack = (await client.send(new sdk.DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      } catch (error) {
        if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
        throw error;
      }
      if (!stack) return undefined;
      return {
        name: stack.StackName ?? name,
        ...(stack.StackId ? { id: stack.StackId } : {}),
        status: stack.StackStatus ?? 'UNKNOWN',
        ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
        outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue ?? ''])),
        parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue ?? ''])),
        // NoEcho values come back as asterisks (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
        maskedParameters: (stack.Parameters ?? []).filter((p) => /^\*+$/.test(p.ParameterValue ?? '')).map((p) => p.ParameterKey!),
        tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
        ...(stack.RoleARN ? { roleArn: stack.RoleARN } : {}),
        ...(stack.LastUpdatedTime ? { lastUpdatedTime: new Date(stack.LastUpdatedTime).toISOString() } : {}),
        terminationProtection: stack.EnableTerminationProtection === true,
      };
    },
    createChangeSet: async (input) => {
      // The answer carries the stack's unique id, needed to follow a new stack that
      // OnStackFailure=DELETE deletes (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
      const answer = await client.send(
        new sdk.CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: input.changeSetName,
          ChangeSetType: input.type,
          ...(input.templateBody !== undefined ? { TemplateBody: input.templateBody } : { TemplateURL: input.templateUrl }),
          Parameters: Object.entries(input.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
          Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
          ...(input.type === 'CREATE' ? { OnStackFailure: 'DELETE' as const } : {}),
          ...(input.roleArn ? { RoleARN: input.roleArn } : {}),
        }),
      );
      return { ...(answer?.StackId ? { stackId: answer.StackId } : {}), ...(answer?.Id ? { changeSetId: answer.Id } : {}) };
    },
    describeChangeSet: async (stackName, changeSetName) => {
      const changes: { action: string; logicalId: string; type: string; replacement?: string }[] = [];
      let token: string | undefined;
      let status = 'UNKNOWN';
      let statusReason: string | undefined;
      let executionStatus: string | undefined;
      let changeSetId: string | undefined;
      let stackId: string | undefined;
      do {
        const page = await client.send(new sdk.DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token }));
        status = page.Status ?? status;
        statusReason = page.StatusReason ?? statusReason;
        executionStatus = page.ExecutionStatus ?? executionStatus;
        changeSetId = page.ChangeSetId ?? changeSetId;
        stackId = page.StackId ?? stackId;
        for (const change of page.Changes ?? []) {
          const rc = change.ResourceChange;
          if (!rc) continue;
          changes.push({ action: rc.Action ?? 'Dynamic', logicalId: rc.LogicalResourceId ?? '?', type: rc.ResourceType ?? '?', ...(rc.Replacement ? { replacement: rc.Replacement } : {}) });
        }
        token = page.NextToken;
      } while (token);
      return {
        status, ...(statusReason ? { statusReason } : {}), ...(executionStatus ? { executionStatus } : {}),
        ...(changeSetId ? { changeSetId } : {}), ...(stackId ? { stackId } : {}), changes,
      };
    },
    deleteChangeSet: async (stackName, changeSetName) => {
      await client.send(new sdk.DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
    },
    executeChangeSet: async (stackName, changeSetName) => {
      await client.send(new sdk.ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
    },
    stackEvents: async (stackName, since) => {
      const events: StackEvent[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new sdk.DescribeStackEventsCommand({ StackName: stackName, NextToken: token }));
        for (const e of page.StackEvents ?? []) {
          const timestamp = e.Timestamp ? new Date(e.Timestamp).getTime() : 0;
          events.push({ id: e.EventId ?? `${e.LogicalResourceId}-${timestamp}`, timestamp, logicalId: e.LogicalResourceId ?? '?', type: e.ResourceType ?? '?', status: e.ResourceStatus ?? '?', ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}) });
        }
        const oldest = events[events.length - 1];
        token = oldest && oldest.timestamp >= since ? page.NextToken : undefined;
      } while (token);
      return events;
    },
    deleteStack: async (name) => {
      await client.send(new sdk.DeleteStackCommand({ StackName: name }));
    },
    getTemplate: async (name) => {
      const answer = await client.send(new sdk.GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
      return answer?.TemplateBody;
    },
    getStackPolicy: async (name) => {
      const answer = await client.send(new sdk.GetStackPolicyCommand({ StackName: name }));
      return answer?.StackPolicyBody ?? undefined;
    },
    continueUpdateRollback: async (name) => {
      await client.send(new sdk.ContinueUpdateRollbackCommand({ StackName: name }));
    },
    setStackPolicy: async (name, policy) => {
      await client.send(new sdk.SetStackPolicyCommand({ StackName: name, StackPolicyBody: policy }));
    },
    enableTerminationProtection: async (name) => {
      await client.send(new sdk.UpdateTerminationProtectionCommand({ StackName: name, EnableTerminationProtection: true }));
    },
  };
}

/** Publishes artifacts to S3, building each once per run and skipping objects that exist. */
export function s3ArtifactPort(catalog: Catalog, clients: AwsClients, onUpload?: (key: string, region: string, uploaded: boolean) => void): ArtifactPort {
  const built = new Map<string, Promise<BuiltArtifact>>();
  const build = (name: string) => {
    if (!built.has(name)) built.set(name, buildArtifact(catalog, name));
    return built.get(name)!;
  };
  const put = async (region: string, bucket: string, key: string, body: Buffer, contentType: string) => {
    const s3sdk = await import('@aws-sdk/client-s3');
    const s3 = await clients.s3(region);
    try {
      await s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      onUpload?.(key, region, false);
      return;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404 && (error as Error).name !== 'NotFound') throw error;
    }
    // No encryption header: the bucket's default encryption applies (the bootstrap stack's own KMS key).
    // `x-amz-server-side-encryption: aws:kms` without a key id would use the AWS managed aws/s3 key
    // instead: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id),
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html ("If a PUT Object request does not specify any server-side encryption, this default encryption will be applied")
    await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    onUpload?.(key, region, true);
  };
  return {
    publish: async (name, region, bucket) => {
      const artifact = await build(name);
      await put(region, bucket, artifact.key, artifact.body, artifact.contentType);
      return artifact.key;
    },
    publishTemplate: async (body, region, bucket) => {
      const key = `templates/${sha256(body)}.yaml`;
      await put(region, bucket, key, Buffer.from(body), 'text/yaml');
      const host = region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${region}.amazonaws.com`;
      return clients.settings.endpointUrl ? `${clients.settings.endpointUrl}/${bucket}/${key}` : `https://${host}/${bucket}/${key}`;
    },
  };
}
