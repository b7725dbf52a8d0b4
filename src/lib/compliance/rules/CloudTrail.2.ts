import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudTrail.2',
    control: 'CloudTrail.2',
    checkov: ['CKV_AWS_35'],
    title: 'CloudTrail trails are encrypted with a KMS key',
    severity: 'medium',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    remediation: 'Set KMSKeyId to the platform key (its key policy must let cloudtrail.amazonaws.com generate data keys).',
  },
  ({ id, resource }) => (prop(resource, 'KMSKeyId') ? [] : [{ message: `${id} does not encrypt its logs with KMS`, path: ['Properties'] }]),
);
