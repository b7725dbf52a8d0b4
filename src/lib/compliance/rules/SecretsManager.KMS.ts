import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'SecretsManager.KMS',
    checkov: ['CKV_AWS_149'],
    title: 'Secrets Manager secrets are encrypted with a customer managed KMS key',
    severity: 'medium',
    resourceTypes: ['AWS::SecretsManager::Secret'],
    docUrl: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html',
    remediation: 'Set KmsKeyId to the platform key (and KmsKeyId on each ReplicaRegions entry), so access to the secret also needs kms:Decrypt on a key whose policy the platform controls.',
  },
  ({ id, resource }) => {
    const key = prop(resource, 'KmsKeyId');
    if (key === undefined || literals(key).includes('alias/aws/secretsmanager')) return [{ message: `${id} is encrypted with the AWS managed key`, path: key === undefined ? ['Properties'] : ['Properties', 'KmsKeyId'] }];
    return [];
  },
);
