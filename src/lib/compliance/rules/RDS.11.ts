import { branches, isClusterMember, isIntrinsic, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.11',
    control: 'RDS.11',
    title: 'RDS databases keep automatic backups (at least 7 days)',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
    remediation: 'Set BackupRetentionPeriod to 7 or more on the cluster (or on a standalone instance); 0 turns automatic backups off.',
  },
  ({ id, resource }) => {
    if (resource.Type === 'AWS::RDS::DBInstance' && isClusterMember(resource)) return [];
    const value = prop(resource, 'BackupRetentionPeriod');
    if (value === undefined) return [{ message: `${id} keeps automatic backups for the default single day`, path: ['Properties'] }];
    const short = branches(value).filter((v) => v !== undefined && !isIntrinsic(v) && Number(v) < 7);
    return short.length ? [{ message: `${id} keeps automatic backups ${short.map(String).join(' or ')} days, fewer than 7`, path: ['Properties', 'BackupRetentionPeriod'] }] : [];
  },
);
