import { isClusterMember, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.5',
    control: 'RDS.5',
    checkov: ['CKV_AWS_157'],
    title: 'RDS DB instances are deployed in more than one Availability Zone',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set MultiAZ: true on a standalone instance; an Aurora instance is highly available through a second instance of its cluster (RDS.15).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const value = prop(resource, 'MultiAZ');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} runs in one Availability Zone`, path: value === undefined ? ['Properties'] : ['Properties', 'MultiAZ'] }];
  },
);
