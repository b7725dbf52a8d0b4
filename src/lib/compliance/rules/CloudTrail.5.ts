import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudTrail.5',
    control: 'CloudTrail.5',
    title: 'CloudTrail trails deliver to CloudWatch Logs',
    severity: 'low',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    remediation: 'Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn so alarms can watch API activity.',
  },
  ({ id, resource }) =>
    prop(resource, 'CloudWatchLogsLogGroupArn') && prop(resource, 'CloudWatchLogsRoleArn')
      ? []
      : [{ message: `${id} does not deliver events to CloudWatch Logs`, path: ['Properties'] }],
);
