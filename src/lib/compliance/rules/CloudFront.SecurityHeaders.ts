import { get, isObject, prop, resourceRule, type Violation } from '../kit';

/** AWS managed response headers policy "SecurityHeadersPolicy". */
const MANAGED_SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';
const REQUIRED = ['StrictTransportSecurity', 'ContentTypeOptions', 'FrameOptions', 'ReferrerPolicy', 'ContentSecurityPolicy'] as const;

export default resourceRule(
  {
    id: 'CloudFront.SecurityHeaders',
    docUrl: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html',
    title: 'CloudFront behaviours add security headers (HSTS, CSP, nosniff, frame options, referrer policy)',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation:
      'Create an AWS::CloudFront::ResponseHeadersPolicy whose SecurityHeadersConfig sets StrictTransportSecurity, ContentTypeOptions, FrameOptions, ReferrerPolicy and ContentSecurityPolicy, and set ResponseHeadersPolicyId on every behaviour.',
  },
  ({ id, resource, template }) => {
    const violations: Violation[] = [];
    const check = (behavior: unknown, path: (string | number)[]) => {
      const policyId = get(behavior, 'ResponseHeadersPolicyId');
      if (policyId === MANAGED_SECURITY_HEADERS) return;
      const ref = isObject(policyId) ? (policyId.Ref ?? (Array.isArray(policyId['Fn::GetAtt']) ? policyId['Fn::GetAtt'][0] : undefined)) : undefined;
      const policy = typeof ref === 'string' ? template.template.Resources[ref] : undefined;
      if (!policyId) {
        violations.push({ message: `${id}: behaviour adds no response headers policy`, path });
      } else if (policy?.Type === 'AWS::CloudFront::ResponseHeadersPolicy') {
        const config = prop(policy, 'ResponseHeadersPolicyConfig', 'SecurityHeadersConfig');
        const missing = REQUIRED.filter((h) => get(config, h) === undefined);
        if (missing.length) violations.push({ message: `${id}: response headers policy ${String(ref)} lacks ${missing.join(', ')}`, path: [...path, 'ResponseHeadersPolicyId'] });
      } else if (typeof policyId === 'string') {
        violations.push({ message: `${id}: response headers policy ${policyId} is not one this template defines nor the managed SecurityHeadersPolicy`, path: [...path, 'ResponseHeadersPolicyId'] });
      }
    };
    check(prop(resource, 'DistributionConfig', 'DefaultCacheBehavior'), ['Properties', 'DistributionConfig', 'DefaultCacheBehavior']);
    const behaviors = prop(resource, 'DistributionConfig', 'CacheBehaviors');
    if (Array.isArray(behaviors)) behaviors.forEach((b, i) => check(b, ['Properties', 'DistributionConfig', 'CacheBehaviors', i]));
    return violations;
  },
);
