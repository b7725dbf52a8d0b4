import { resourceRule, type Violation } from '../kit';

/** Resource types that hold data or identity: replacing or deleting them loses it. */
export const STATEFUL_TYPES = [
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::GlobalCluster',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::KMS::Key',
  'AWS::KMS::ReplicaKey',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
  'AWS::Cognito::UserPool',
  'AWS::EFS::FileSystem',
  'AWS::ECR::Repository',
  'AWS::SQS::Queue',
];
const KEEP = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

export default resourceRule(
  {
    id: 'Resilience.DeletionPolicy',
    docUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
    title: 'Stateful resources keep their data on stack deletion and replacement',
    severity: 'high',
    resourceTypes: STATEFUL_TYPES,
    remediation: 'Set both DeletionPolicy and UpdateReplacePolicy to Retain (or Snapshot for databases).',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[key];
      if (!value || !KEEP.includes(value)) {
        violations.push({ message: `${id} (${resource.Type}) ${value ? `has ${key} ${value}` : `has no ${key}`}: its data is lost when the stack ${key === 'DeletionPolicy' ? 'is deleted' : 'replaces it'}`, path: value ? [key] : ['Type'] });
      }
    }
    return violations;
  },
);
