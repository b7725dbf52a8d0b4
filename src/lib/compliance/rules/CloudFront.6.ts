import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.6',
    control: 'CloudFront.6',
    checkov: ['CKV_AWS_68'],
    title: 'CloudFront distributions have a WAF web ACL',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Create an AWS::WAFv2::WebACL with Scope CLOUDFRONT (in us-east-1) and set DistributionConfig.WebACLId to its Arn.',
  },
  ({ id, resource }) =>
    prop(resource, 'DistributionConfig', 'WebACLId') ? [] : [{ message: `${id} is not protected by a WAF web ACL (WebACLId)`, path: ['Properties', 'DistributionConfig'] }],
);
