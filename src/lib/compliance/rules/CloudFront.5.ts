import { prop, referrers, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.5',
    control: 'CloudFront.5',
    checkov: ['CKV_AWS_86'],
    title: 'CloudFront distributions have access logging',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set DistributionConfig.Logging.Bucket to a log bucket (with a Prefix), or deliver standard logs v2 with AWS::Logs::DeliverySource (ResourceArn the distribution).',
  },
  ({ id, resource, template }) => {
    if (prop(resource, 'DistributionConfig', 'Logging', 'Bucket') !== undefined) return [];
    if (referrers(template, id, 'AWS::Logs::DeliverySource').length) return [];
    return [{ message: `${id} has no access logging`, path: ['Properties', 'DistributionConfig'] }];
  },
);
