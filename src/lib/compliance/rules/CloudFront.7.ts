import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudFront.7',
    control: 'CloudFront.7',
    title: 'CloudFront distributions use a custom SSL/TLS certificate',
    severity: 'low',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    remediation: 'Set DistributionConfig.ViewerCertificate.AcmCertificateArn to an ACM certificate in us-east-1 for the site domain (not CloudFrontDefaultCertificate).',
  },
  ({ id, resource }) => {
    const cert = prop(resource, 'DistributionConfig', 'ViewerCertificate');
    const custom = prop(resource, 'DistributionConfig', 'ViewerCertificate', 'AcmCertificateArn') ?? prop(resource, 'DistributionConfig', 'ViewerCertificate', 'IamCertificateId');
    if (custom !== undefined) return [];
    return [{ message: `${id} serves HTTPS with the default *.cloudfront.net certificate`, path: cert === undefined ? ['Properties', 'DistributionConfig'] : ['Properties', 'DistributionConfig', 'ViewerCertificate'] }];
  },
);
