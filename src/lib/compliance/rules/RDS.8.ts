import { isClusterMember, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.8',
    control: 'RDS.8',
    title: 'RDS DB instances have deletion protection (Aurora instances through their cluster)',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set DeletionProtection: true on a standalone instance; Aurora deletion protection is a cluster setting (RDS.7).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const value = prop(resource, 'DeletionProtection');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} has no deletion protection`, path: value === undefined ? ['Properties'] : ['Properties', 'DeletionProtection'] }];
  },
);
