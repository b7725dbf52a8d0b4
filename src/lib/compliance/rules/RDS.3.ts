import { clusterOf, isClusterMember, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.3',
    control: 'RDS.3',
    checkov: ['CKV_AWS_16'],
    title: 'RDS DB instances are encrypted at rest (Aurora instances through their cluster)',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set StorageEncrypted: true and KmsKeyId on a standalone instance; an Aurora instance is encrypted by its cluster (StorageEncrypted on the DBCluster, RDS.27).',
  },
  ({ id, resource, template }) => {
    if (isClusterMember(resource)) {
      const cluster = clusterOf(template, resource);
      if (!cluster || cluster.id === '') return [];
      const encrypted = prop(cluster.resource, 'StorageEncrypted');
      return encrypted !== undefined && isTrue(encrypted) ? [] : [{ message: `${id} belongs to cluster ${cluster.id}, which is not encrypted at rest`, path: ['Properties', 'DBClusterIdentifier'] }];
    }
    const value = prop(resource, 'StorageEncrypted');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} is not encrypted at rest`, path: value === undefined ? ['Properties'] : ['Properties', 'StorageEncrypted'] }];
  },
);
