import { literals, list, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.37',
    control: 'RDS.37',
    title: 'Aurora PostgreSQL clusters publish logs to CloudWatch Logs',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster'],
    remediation: 'Set EnableCloudwatchLogsExports: [postgresql].',
  },
  ({ id, resource }) => {
    if (!literals(prop(resource, 'Engine')).includes('aurora-postgresql')) return [];
    const exports = prop(resource, 'EnableCloudwatchLogsExports');
    return list(exports).includes('postgresql') ? [] : [{ message: `${id} does not export the postgresql log to CloudWatch Logs`, path: exports === undefined ? ['Properties'] : ['Properties', 'EnableCloudwatchLogsExports'] }];
  },
);
