import { prop, refersTo, resourceRule, resourcesOfType } from '../kit';

export default resourceRule(
  {
    id: 'SecretsManager.1',
    control: 'SecretsManager.1',
    title: 'Secrets Manager secrets rotate automatically',
    severity: 'medium',
    resourceTypes: ['AWS::SecretsManager::Secret'],
    remediation:
      'Add an AWS::SecretsManager::RotationSchedule for the secret (HostedRotationLambda, e.g. PostgreSQLSingleUser, or a RotationLambdaARN) with RotationRules. A secret issued by a third party needs a suppression with its reason.',
  },
  ({ id, template }) => {
    const rotated = resourcesOfType(template, 'AWS::SecretsManager::RotationSchedule').some(
      ({ resource }) => refersTo(prop(resource, 'SecretId'), id) && (prop(resource, 'RotationRules') !== undefined || prop(resource, 'HostedRotationLambda') !== undefined),
    );
    return rotated ? [] : [{ message: `${id} has no rotation schedule`, path: ['Type'] }];
  },
);
