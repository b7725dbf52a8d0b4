import { branches, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.6',
    control: 'RDS.6',
    checkov: ['CKV_AWS_118'],
    title: 'RDS DB instances have enhanced monitoring',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set MonitoringInterval (1-60 seconds) and MonitoringRoleArn to a role that monitoring.rds.amazonaws.com may assume, with the AWS managed policy AmazonRDSEnhancedMonitoringRole.',
  },
  ({ id, resource }) => {
    const interval = prop(resource, 'MonitoringInterval');
    const off = interval === undefined || branches(interval).some((v) => v === 0 || v === '0');
    if (off) return [{ message: `${id} has no enhanced monitoring`, path: interval === undefined ? ['Properties'] : ['Properties', 'MonitoringInterval'] }];
    return prop(resource, 'MonitoringRoleArn') === undefined ? [{ message: `${id} sets MonitoringInterval without MonitoringRoleArn`, path: ['Properties', 'MonitoringInterval'] }] : [];
  },
);
