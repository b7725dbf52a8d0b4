/**
 * SecretsManager.1 and SecretsManager.4 follow a secret into the stack that rotates it: Security Hub checks the
 * deployed secret's rotation, whichever template configured it
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1).
 */
import rotationEnabled from '../../../src/lib/compliance/rules/SecretsManager.1';
import rotationPeriod from '../../../src/lib/compliance/rules/SecretsManager.4';
import type { ResourceRule } from '../../../src/lib/compliance/types';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { parseTemplate, type LoadedTemplate } from '../../../src/lib/templates/load';

const SECURITY = `
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: { GenerateSecretString: { PasswordLength: 32 } }
  Other:
    Type: AWS::SecretsManager::Secret
    Properties: { GenerateSecretString: { PasswordLength: 32 } }
Outputs:
  SecretArn:
    Value: !If [IsPrimary, !Ref Secret, !Join [':', [arn, !Select [6, !Split [':', !Ref PrimaryArn]]]]]
  OtherArn:
    Value: !Ref Other
`;
const rotation = (rules: string) => `
Parameters:
  SecretArn: { Type: String }
  OtherArn: { Type: String }
Resources:
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref SecretArn
      RotationLambdaARN: arn:aws:lambda:eu-west-1:111111111111:function:rotate
      ${rules}
`;
const CATALOG = `
stacks:
  security:
    template: security.yaml
    regions: [primary, secondary]
    parameters: {}
  rotation:
    template: rotation.yaml
    regions: [primary, secondary]
    parameters:
      SecretArn: { output: security.SecretArn }
      OtherArn: { secondary: { output: security.OtherArn, from: primary } }
`;

function check(rule: ResourceRule, rotationTemplate: string | undefined, id = 'Secret') {
  const security = parseTemplate(SECURITY, 'templates/security.yaml');
  const templates = new Map<string, LoadedTemplate>([['security', security]]);
  if (rotationTemplate) templates.set('rotation', parseTemplate(rotationTemplate, 'templates/rotation.yaml'));
  const catalog = parseCatalog(CATALOG, '/repo/templates/stacks.yaml');
  return rule.check({ id, resource: security.template.Resources[id]!, template: security, now: new Date(), stacks: { catalog, templates } });
}

describe('rotation of a secret configured by another stack of the catalog', () => {
  it('SecretsManager.1 passes for the secret the other stack\'s schedule names through the catalog, and only that one', () => {
    expect(check(rotationEnabled, rotation('RotationRules: { ScheduleExpression: rate(30 days) }'))).toEqual([]);
    expect(check(rotationEnabled, rotation('RotationRules: { ScheduleExpression: rate(30 days) }'), 'Other')).toEqual([{ message: 'Other has no rotation schedule', path: ['Type'] }]);
    expect(check(rotationEnabled, undefined)).toEqual([{ message: 'Secret has no rotation schedule', path: ['Type'] }]);
    // A schedule without rules rotates nothing on its own.
    expect(check(rotationEnabled, rotation(''))).toEqual([{ message: 'Secret has no rotation schedule', path: ['Type'] }]);
  });

  it('SecretsManager.4 reads the other stack\'s schedule', () => {
    expect(check(rotationPeriod, rotation('RotationRules: { ScheduleExpression: rate(30 days) }'))).toEqual([]);
    expect(check(rotationPeriod, rotation('RotationRules: { ScheduleExpression: rate(120 days) }'))).toEqual([{ message: 'Secret rotates every 120 days (Rotation), more than 90', path: ['Type'] }]);
  });
});
