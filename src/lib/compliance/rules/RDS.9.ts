import { isClusterMember, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.9',
    control: 'RDS.9',
    title: 'RDS DB instances publish their logs to CloudWatch Logs (Aurora instances through their cluster)',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set EnableCloudwatchLogsExports on a standalone instance (postgresql for PostgreSQL); Aurora exports logs at the cluster (RDS.37).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const exports = prop(resource, 'EnableCloudwatchLogsExports');
    return Array.isArray(exports) && exports.length ? [] : [{ message: `${id} publishes no logs to CloudWatch Logs`, path: exports === undefined ? ['Properties'] : ['Properties', 'EnableCloudwatchLogsExports'] }];
  },
);
