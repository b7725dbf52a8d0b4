import { get, isIntrinsic, isObject, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.12',
    control: 'CloudFront.12',
    title: 'CloudFront S3 origins point at buckets that exist',
    severity: 'high',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Point S3 origins at a bucket the stack manages, with !GetAtt Bucket.RegionalDomainName, so the origin cannot name a deleted (and re-claimable) bucket.',
  },
  ({ id, resource, template }) => {
    const violations: Violation[] = [];
    const origins = prop(resource, 'DistributionConfig', 'Origins');
    if (!Array.isArray(origins)) return [];
    origins.forEach((origin, i) => {
      const domain = get(origin, 'DomainName');
      const isS3 = get(origin, 'S3OriginConfig') !== undefined || (typeof domain === 'string' && /\.s3[.-]/.test(domain));
      if (!isS3) return;
      const path = ['Properties', 'DistributionConfig', 'Origins', i, 'DomainName'];
      if (typeof domain === 'string') {
        violations.push({ message: `${id}: origin ${String(get(origin, 'Id'))} names bucket domain ${domain} literally; the template cannot vouch that it exists`, path });
        return;
      }
      const getAtt = isObject(domain) ? domain['Fn::GetAtt'] : undefined;
      const target = Array.isArray(getAtt) ? String(getAtt[0]) : undefined;
      if (target && template.template.Resources[target]?.Type !== 'AWS::S3::Bucket') {
        violations.push({ message: `${id}: origin ${String(get(origin, 'Id'))} points at ${target}, which is not an S3 bucket of this template`, path });
      } else if (!target && !isIntrinsic(domain)) {
        violations.push({ message: `${id}: origin ${String(get(origin, 'Id'))} has no bucket domain`, path });
      }
    });
    return violations;
  },
);
