import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.1',
    control: 'CloudFront.1',
    title: 'CloudFront distributions have a default root object',
    severity: 'high',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set DistributionConfig.DefaultRootObject (e.g. index.html) so a request for / never lists or exposes the origin.',
  },
  ({ id, resource }) =>
    prop(resource, 'DistributionConfig', 'DefaultRootObject') ? [] : [{ message: `${id} has no DefaultRootObject`, path: ['Properties', 'DistributionConfig'] }],
);
