import { prop, referrersAcrossStacks, resourceRule } from '../kit';

/**
 * Security Hub checks each deployed secret for rotation (RotationEnabled), whichever stack configured it
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1,
 * AWS Config rule secretsmanager-rotation-enabled-check). So a schedule counts in this template, or in another stack
 * of the catalog whose SecretId parameter is filled from an output of this template naming the secret (the Aurora
 * secrets: created before the database, rotated by the rotation stack after it).
 */
export default resourceRule(
  {
    id: 'SecretsManager.1',
    control: 'SecretsManager.1',
    title: 'Secrets Manager secrets rotate automatically',
    severity: 'medium',
    resourceTypes: ['AWS::SecretsManager::Secret'],
    remediation:
      'Add an AWS::SecretsManager::RotationSchedule for the secret (HostedRotationLambda, e.g. PostgreSQLSingleUser, or a RotationLambdaARN) with RotationRules, in its template or in a stack whose SecretId parameter the catalog fills from the secret\'s ARN output. A secret issued by a third party needs a suppression with its reason.',
  },
  (ctx) => {
    const rotated = referrersAcrossStacks(ctx, 'AWS::SecretsManager::RotationSchedule', 'SecretId').some(
      ({ resource }) => prop(resource, 'RotationRules') !== undefined || prop(resource, 'HostedRotationLambda') !== undefined,
    );
    return rotated ? [] : [{ message: `${ctx.id} has no rotation schedule`, path: ['Type'] }];
  },
);
