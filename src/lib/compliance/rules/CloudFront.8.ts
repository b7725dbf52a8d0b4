import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.8',
    control: 'CloudFront.8',
    title: 'CloudFront distributions use SNI to serve HTTPS requests',
    severity: 'low',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set DistributionConfig.ViewerCertificate.SslSupportMethod to sni-only (dedicated-IP vip certificates are legacy and costly).',
  },
  ({ id, resource }) => {
    const custom = prop(resource, 'DistributionConfig', 'ViewerCertificate', 'AcmCertificateArn') ?? prop(resource, 'DistributionConfig', 'ViewerCertificate', 'IamCertificateId');
    if (custom === undefined) return [];
    const method = literals(prop(resource, 'DistributionConfig', 'ViewerCertificate', 'SslSupportMethod'));
    return method.every((m) => m === 'sni-only') && method.length > 0 ? [] : [{ message: `${id} does not use SNI (SslSupportMethod ${method.join(', ') || 'unset'})`, path: ['Properties', 'DistributionConfig', 'ViewerCertificate'] }];
  },
);
