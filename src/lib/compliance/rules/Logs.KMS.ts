import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Logs.KMS',
    checkov: ['CKV_AWS_158'],
    title: 'CloudWatch log groups are encrypted with a KMS key',
    severity: 'medium',
    resourceTypes: ['AWS::Logs::LogGroup'],
    docUrl: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    remediation: "Set KmsKeyId to the platform key; its key policy must allow logs.<region>.amazonaws.com with a kms:EncryptionContext:aws:logs:arn condition.",
  },
  ({ id, resource }) => (prop(resource, 'KmsKeyId') === undefined ? [{ message: `${id} is not encrypted with a KMS key`, path: ['Properties'] }] : []),
);
