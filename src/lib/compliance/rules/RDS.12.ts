import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.12',
    control: 'RDS.12',
    checkov: ['CKV_AWS_162'],
    title: 'RDS clusters accept IAM database authentication',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster'],
    remediation: 'Set EnableIAMDatabaseAuthentication: true on the cluster, so database users can sign in with short-lived IAM tokens instead of stored passwords.',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'EnableIAMDatabaseAuthentication');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} does not accept IAM database authentication`, path: value === undefined ? ['Properties'] : ['Properties', 'EnableIAMDatabaseAuthentication'] }];
  },
);
