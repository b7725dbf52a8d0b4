/** CloudFormation stack statuses mapped to the few states the engine acts on. */
export type StackState = 'missing' | 'complete' | 'failed' | 'in-progress' | 'rollback-complete' | 'update-rollback-failed' | 'review';

export function stackState(status: string | undefined): StackState {
  if (!status || status === 'DELETE_COMPLETE') return 'missing';
  if (status === 'ROLLBACK_COMPLETE') return 'rollback-complete';
  if (status === 'UPDATE_ROLLBACK_FAILED') return 'update-rollback-failed';
  if (status === 'REVIEW_IN_PROGRESS') return 'review';
  if (status.endsWith('_IN_PROGRESS')) return 'in-progress';
  if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE') return 'complete';
  if (status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'IMPORT_ROLLBACK_COMPLETE') return 'complete';
  return 'failed';
}

/** An empty change set fails with one of these reasons; it is a "no changes" result, not an error. */
export function isNoChangeReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed|submitted information didn't contain changes/i.test(reason ?? '');
}

/** Resource types whose replacement or removal loses data. */
export const STATEFUL_TYPES = new Set([
  'AWS::RDS::DBCluster', 'AWS::RDS::GlobalCluster', 'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey',
  'AWS::SecretsManager::Secret', 'AWS::Cognito::UserPool', 'AWS::Logs::LogGroup',
  'AWS::Route53::HostedZone', 'AWS::EFS::FileSystem',
]);

/** A stack policy denying replacement and deletion of the stateful resource types. */
export function statefulStackPolicy(types: Iterable<string>): string {
  return JSON.stringify({
    Statement: [
      { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['Update:Replace', 'Update:Delete'],
        Principal: '*',
        Resource: '*',
        Condition: { StringEquals: { ResourceType: [...types].sort() } },
      },
    ],
  });
}
