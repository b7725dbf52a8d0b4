import { get, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.13',
    control: 'CloudFront.13',
    title: 'CloudFront S3 origins use origin access control',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Create an AWS::CloudFront::OriginAccessControl (SigningBehavior always, sigv4) and set OriginAccessControlId on every S3 origin; grant cloudfront.amazonaws.com s3:GetObject with an AWS:SourceArn condition.',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    const origins = prop(resource, 'DistributionConfig', 'Origins');
    if (!Array.isArray(origins)) return [];
    origins.forEach((origin, i) => {
      if (get(origin, 'S3OriginConfig') === undefined) return;
      if (!get(origin, 'OriginAccessControlId')) {
        violations.push({ message: `${id}: S3 origin ${String(get(origin, 'Id'))} has no origin access control`, path: ['Properties', 'DistributionConfig', 'Origins', i] });
      }
    });
    return violations;
  },
);
