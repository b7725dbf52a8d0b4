import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.9',
    control: 'S3.9',
    checkov: ['CKV_AWS_18'],
    title: 'S3 buckets have server access logging',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Set LoggingConfiguration.DestinationBucketName to a log bucket (with a LogFilePrefix). A log bucket itself may be suppressed with a reason.',
  },
  ({ id, resource }) =>
    prop(resource, 'LoggingConfiguration', 'DestinationBucketName') === undefined
      ? [{ message: `${id} has no server access logging (LoggingConfiguration)`, path: ['Type'] }]
      : [],
);
