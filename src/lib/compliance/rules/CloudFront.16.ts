import { get, isObject, literals, prop, resourceRule, type Violation } from '../kit';

/** Whether an origin's domain is a Lambda function URL (…lambda-url.<region>.on.aws, or a GetAtt of an AWS::Lambda::Url). */
function isFunctionUrl(domain: unknown): boolean {
  if (literals(domain).some((d) => /\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(d))) return true;
  const sub = isObject(domain) ? domain['Fn::Sub'] : undefined;
  return typeof sub === 'string' && sub.includes('lambda-url');
}

export default resourceRule(
  {
    id: 'CloudFront.16',
    control: 'CloudFront.16',
    title: 'CloudFront origins that are Lambda function URLs use origin access control',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Create an AWS::CloudFront::OriginAccessControl with OriginAccessControlOriginType lambda and set OriginAccessControlId on the origin; give the function URL AuthType AWS_IAM.',
  },
  ({ id, resource }) => {
    const origins = prop(resource, 'DistributionConfig', 'Origins');
    const violations: Violation[] = [];
    if (Array.isArray(origins))
      origins.forEach((o, i) => {
        if (isFunctionUrl(get(o, 'DomainName')) && get(o, 'OriginAccessControlId') === undefined)
          violations.push({ message: `${id}: function URL origin ${String(get(o, 'Id'))} has no origin access control`, path: ['Properties', 'DistributionConfig', 'Origins', i] });
      });
    return violations;
  },
);
