import { literals, prop, resourceRule } from '../kit';

/** Security policies of the TLSv1.2_2021 generation or newer (the recommended policy and stricter ones). */
const RECOMMENDED = ['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'];

export default resourceRule(
  {
    id: 'CloudFront.15',
    control: 'CloudFront.15',
    checkov: ['CKV_AWS_174'],
    title: 'CloudFront distributions use the recommended TLS security policy (TLSv1.2_2021 or newer)',
    severity: 'medium',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set DistributionConfig.ViewerCertificate.MinimumProtocolVersion to TLSv1.2_2021 (with an ACM certificate and SslSupportMethod sni-only).',
  },
  ({ id, resource }) => {
    const path = ['Properties', 'DistributionConfig', 'ViewerCertificate'];
    const cert = prop(resource, 'DistributionConfig', 'ViewerCertificate');
    if (cert === undefined) return [{ message: `${id} uses the default CloudFront certificate, whose minimum protocol is TLSv1`, path: ['Properties', 'DistributionConfig'] }];
    const version = literals(prop(resource, 'DistributionConfig', 'ViewerCertificate', 'MinimumProtocolVersion'));
    const weak = version.filter((v) => !RECOMMENDED.includes(v));
    if (version.length === 0) return [{ message: `${id} sets no MinimumProtocolVersion (the default allows TLSv1)`, path }];
    return weak.length ? [{ message: `${id} accepts viewers on ${weak.join(', ')}, older than the recommended TLSv1.2_2021`, path: [...path, 'MinimumProtocolVersion'] }] : [];
  },
);
