import { isClusterMember, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.10',
    control: 'RDS.10',
    checkov: ['CKV_AWS_161'],
    title: 'RDS DB instances accept IAM database authentication (Aurora instances through their cluster)',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set EnableIAMDatabaseAuthentication: true on a standalone instance; for Aurora it is a cluster setting (RDS.12).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const value = prop(resource, 'EnableIAMDatabaseAuthentication');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} does not accept IAM database authentication`, path: value === undefined ? ['Properties'] : ['Properties', 'EnableIAMDatabaseAuthentication'] }];
  },
);
