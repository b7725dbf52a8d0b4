import { isTrue, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'KMS.4',
    control: 'KMS.4',
    checkov: ['CKV_AWS_7'],
    title: 'KMS key rotation is enabled',
    severity: 'medium',
    resourceTypes: ['AWS::KMS::Key'],
    remediation: 'Set EnableKeyRotation: true on symmetric encryption keys (replica keys follow their primary).',
  },
  ({ id, resource }) => {
    const spec = literals(prop(resource, 'KeySpec'));
    const usage = literals(prop(resource, 'KeyUsage'));
    if ((spec.length && !spec.includes('SYMMETRIC_DEFAULT')) || (usage.length && !usage.includes('ENCRYPT_DECRYPT'))) return [];
    const rotation = prop(resource, 'EnableKeyRotation');
    return rotation !== undefined && isTrue(rotation) ? [] : [{ message: `${id} does not rotate its key material`, path: rotation === undefined ? ['Properties'] : ['Properties', 'EnableKeyRotation'] }];
  },
);
