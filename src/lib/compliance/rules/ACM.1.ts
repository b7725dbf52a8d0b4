import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'ACM.1',
    control: 'ACM.1',
    title: 'ACM certificates renew automatically (DNS validation with the hosted zone)',
    severity: 'medium',
    resourceTypes: ['AWS::CertificateManager::Certificate'],
    docUrl: 'https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html',
    remediation: 'Set ValidationMethod DNS and DomainValidationOptions with a HostedZoneId for every name, so CloudFormation writes the validation records and ACM renews the certificate without anyone acting.',
  },
  ({ id, resource }) => {
    if (!literals(prop(resource, 'ValidationMethod')).includes('DNS')) return [{ message: `${id} is validated by email: it renews only when someone answers the mail`, path: prop(resource, 'ValidationMethod') === undefined ? ['Properties'] : ['Properties', 'ValidationMethod'] }];
    const options = prop(resource, 'DomainValidationOptions');
    if (!Array.isArray(options) || !options.length || options.some((o) => get(o, 'HostedZoneId') === undefined))
      return [{ message: `${id} uses DNS validation without a HostedZoneId for each name: its validation records are not managed`, path: ['Properties', 'DomainValidationOptions'] }];
    return [];
  },
);
