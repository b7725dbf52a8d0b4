import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.7',
    control: 'RDS.7',
    title: 'RDS clusters have deletion protection',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::GlobalCluster'],
    remediation: 'Set DeletionProtection: true.',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'DeletionProtection');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} has no deletion protection`, path: value === undefined ? ['Properties'] : ['Properties', 'DeletionProtection'] }];
  },
);
