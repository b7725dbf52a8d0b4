import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.27',
    control: 'RDS.27',
    checkov: ['CKV_AWS_96'],
    title: 'RDS clusters are encrypted at rest',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::GlobalCluster'],
    remediation: 'Set StorageEncrypted: true and KmsKeyId to the platform key (encryption cannot be turned on later without a restore).',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'StorageEncrypted');
    // A cluster restored from a snapshot or joining a global cluster inherits encryption from its source.
    if (value === undefined && (prop(resource, 'SnapshotIdentifier') !== undefined || (resource.Type === 'AWS::RDS::GlobalCluster' && prop(resource, 'SourceDBClusterIdentifier') !== undefined))) return [];
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} is not encrypted at rest`, path: value === undefined ? ['Properties'] : ['Properties', 'StorageEncrypted'] }];
  },
);
