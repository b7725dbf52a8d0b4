import { branches, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.2',
    control: 'RDS.2',
    checkov: ['CKV_AWS_17'],
    title: 'RDS DB instances are not publicly accessible',
    severity: 'critical',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set PubliclyAccessible: false and place the instance in the isolated subnets.',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'PubliclyAccessible');
    return branches(value).some((v) => v === true || v === 'true') ? [{ message: `${id} is publicly accessible`, path: ['Properties', 'PubliclyAccessible'] }] : [];
  },
);
