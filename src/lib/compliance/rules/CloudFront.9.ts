import { get, literals, prop, resourceRule, type Violation } from '../kit';

const DEPRECATED = ['SSLv3', 'TLSv1', 'TLSv1.1'];

export default resourceRule(
  {
    id: 'CloudFront.9',
    control: 'CloudFront.9',
    alsoControls: ['CloudFront.10'],
    title: 'CloudFront encrypts traffic to custom origins, with no deprecated SSL/TLS protocols',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Give every CustomOriginConfig OriginProtocolPolicy https-only and OriginSSLProtocols [TLSv1.2].',
  },
  ({ id, resource }) => {
    const origins = prop(resource, 'DistributionConfig', 'Origins');
    const violations: Violation[] = [];
    if (!Array.isArray(origins)) return violations;
    origins.forEach((origin, i) => {
      const config = get(origin, 'CustomOriginConfig');
      if (config === undefined) return;
      const path = ['Properties', 'DistributionConfig', 'Origins', i, 'CustomOriginConfig'];
      const policy = literals(get(config, 'OriginProtocolPolicy'));
      if (!policy.length || policy.some((p) => p !== 'https-only')) violations.push({ message: `${id}: origin ${String(get(origin, 'Id'))} is reached over ${policy.join(', ') || 'an unset protocol policy'}, not https-only`, path: [...path, 'OriginProtocolPolicy'] });
      const protocols = literals(get(config, 'OriginSSLProtocols'));
      const old = protocols.filter((p) => DEPRECATED.includes(p));
      if (old.length) violations.push({ message: `${id}: origin ${String(get(origin, 'Id'))} allows ${old.join(', ')}`, path: [...path, 'OriginSSLProtocols'] });
    });
    return violations;
  },
);
