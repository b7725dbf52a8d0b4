import { get, literals, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.3',
    control: 'CloudFront.3',
    checkov: ['CKV_AWS_34'],
    title: 'CloudFront distributions require encryption in transit',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set ViewerProtocolPolicy to redirect-to-https or https-only on the default and every cache behaviour.',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    const check = (behavior: unknown, path: (string | number)[]) => {
      const policy = get(behavior, 'ViewerProtocolPolicy');
      if (literals(policy).includes('allow-all')) violations.push({ message: `${id}: ViewerProtocolPolicy allow-all lets viewers use plain HTTP`, path: [...path, 'ViewerProtocolPolicy'] });
    };
    check(prop(resource, 'DistributionConfig', 'DefaultCacheBehavior'), ['Properties', 'DistributionConfig', 'DefaultCacheBehavior']);
    const behaviors = prop(resource, 'DistributionConfig', 'CacheBehaviors');
    if (Array.isArray(behaviors)) behaviors.forEach((b, i) => check(b, ['Properties', 'DistributionConfig', 'CacheBehaviors', i]));
    return violations;
  },
);
