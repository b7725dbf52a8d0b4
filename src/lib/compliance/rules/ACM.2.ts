import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'ACM.2',
    control: 'ACM.2',
    title: 'ACM RSA certificates use keys of at least 2048 bits',
    severity: 'high',
    resourceTypes: ['AWS::CertificateManager::Certificate'],
    remediation: 'Set KeyAlgorithm to RSA_2048 (the default) or stronger, or EC_prime256v1.',
  },
  ({ id, resource }) => (literals(prop(resource, 'KeyAlgorithm')).includes('RSA_1024') ? [{ message: `${id} uses a 1024-bit RSA key`, path: ['Properties', 'KeyAlgorithm'] }] : []),
);
