import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'SNS.1',
    control: 'SNS.1',
    checkov: ['CKV_AWS_26'],
    title: 'SNS topics are encrypted at rest with KMS',
    severity: 'medium',
    resourceTypes: ['AWS::SNS::Topic'],
    remediation: 'Set KmsMasterKeyId to the platform key (its key policy must let the publishing services use it), not the AWS managed alias/aws/sns.',
  },
  ({ id, resource }) => (prop(resource, 'KmsMasterKeyId') === undefined ? [{ message: `${id} is not encrypted with a KMS key`, path: ['Properties'] }] : []),
);
