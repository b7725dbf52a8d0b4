/**
 * The rotation of the Aurora secrets as the templates and the catalog wire it: the schedules, Secrets Manager's
 * permission to invoke the function, the function's least-privilege role, and the functions signing in as the app
 * user rather than the administrator.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-rotationschedule.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRotationSchedule } from '../../src/lib/config/schema';
import { readSuppressions } from '../../src/lib/compliance/suppressions';
import { parseCatalog } from '../../src/lib/stacks/catalog';
import { loadTemplate, type CfnResource } from '../../src/lib/templates/load';

const root = join(__dirname, '../..');
const catalog = parseCatalog(readFileSync(join(root, 'templates/stacks.yaml'), 'utf8'), join(root, 'templates/stacks.yaml'));
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statements = (role: CfnResource) => (role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);

describe('rotation of the Aurora secrets', () => {
  let rotation: Record<string, CfnResource>;
  let rotationParams: Record<string, { AllowedPattern?: string; Default?: unknown }>;
  let app: Record<string, CfnResource>;
  let security: Record<string, CfnResource>;
  beforeAll(async () => {
    const r = (await loadTemplate(join(root, 'templates/rotation.yaml'))).template;
    rotation = r.Resources;
    rotationParams = r.Parameters as typeof rotationParams;
    app = (await loadTemplate(join(root, 'templates/app.yaml'))).template.Resources;
    security = (await loadTemplate(join(root, 'templates/security.yaml'))).template.Resources;
  });

  it('schedules both secrets in the primary region on the function, per environment, after Secrets Manager may invoke it', () => {
    for (const [id, secret, permission] of [['AppSecretRotation', 'AppDbSecretArn', 'AppSecretInvokePermission'], ['AdminSecretRotation', 'DbSecretArn', 'AdminSecretInvokePermission']] as const) {
      const schedule = rotation[id]!;
      expect(schedule).toMatchObject({
        Type: 'AWS::SecretsManager::RotationSchedule',
        Condition: 'IsPrimary',
        Properties: {
          SecretId: { Ref: secret },
          RotationLambdaARN: { 'Fn::GetAtt': ['RotationFunction', 'Arn'] },
          RotateImmediatelyOnUpdate: true,
          RotationRules: { ScheduleExpression: { Ref: 'RotationSchedule' }, Duration: '3h' },
        },
      });
      expect([schedule.DependsOn].flat()).toContain(permission);
      expect(schedule.Properties).not.toHaveProperty('HostedRotationLambda');
    }
    // The administrator rotates after the app user's schedule exists (a single-user change of the superuser's password).
    expect([rotation.AdminSecretRotation!.DependsOn].flat()).toContain('AppSecretRotation');
    expect(catalog.stacks.rotation!.parameters.RotationSchedule).toEqual({ config: 'sizes.secretRotation' });
  });

  it('accepts in the template every schedule cafe-ops.yml accepts', () => {
    const pattern = new RegExp(rotationParams.RotationSchedule!.AllowedPattern!);
    for (const value of ['rate(1 day)', 'rate(7 days)', 'rate(90 days)', 'rate(4 hours)', 'cron(0 3 ? * SUN *)']) expect([value, isRotationSchedule(value), pattern.test(value)]).toEqual([value, true, true]);
    expect(isRotationSchedule(String(rotationParams.RotationSchedule!.Default))).toBe(true);
  });

  it('lets only Secrets Manager invoke the function, for these two secrets of this account', () => {
    for (const [id, secret] of [['AppSecretInvokePermission', 'AppDbSecretArn'], ['AdminSecretInvokePermission', 'DbSecretArn']] as const) {
      expect(rotation[id]!.Properties).toEqual({
        FunctionName: { 'Fn::GetAtt': ['RotationFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: { Ref: secret },
      });
    }
  });

  it('runs in the VPC against the global writer endpoint, with this region\'s administrator secret as the superuser', () => {
    const fn = rotation.RotationFunction!.Properties!;
    expect(fn.VpcConfig).toEqual({ SubnetIds: { Ref: 'PrivateSubnetIds' }, SecurityGroupIds: [{ Ref: 'LambdaSecurityGroupId' }] });
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ DB_WRITER_HOST: { Ref: 'DbWriterHost' }, MASTER_SECRET_ARN: { Ref: 'DbSecretArn' } });
    expect(fn.KmsKeyArn).toEqual({ Ref: 'KmsKeyArn' });
    expect(catalog.stacks.rotation!.parameters.DbWriterHost).toEqual({ output: 'data.GlobalWriterEndpoint', from: 'primary' });
  });

  it('gives the function the rotation actions on the two secrets only, and the key only through Secrets Manager and Lambda', () => {
    const role = statements(rotation.RotationRole!);
    const secretActions = role.filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretActions).toEqual([
      expect.objectContaining({ Sid: 'RotateDatabaseSecrets', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: [{ Ref: 'AppDbSecretArn' }, { Ref: 'DbSecretArn' }] }),
      expect.objectContaining({ Sid: 'RandomPassword', Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
    ]);
    const kms = role.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => s.Condition)).toEqual([
      { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' } } },
      { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'lambda.${AWS::Region}.amazonaws.com' } } },
    ]);
    expect(kms.every((s) => JSON.stringify(s.Resource) === '{"Ref":"KmsKeyArn"}')).toBe(true);
    // Every "*" has its suppression with a reason (the audit checks the reasons).
    const wildcards = role.filter((s) => s.Resource === '*').map((s) => s.Sid);
    const suppressed = readSuppressions(rotation.RotationRole!.Metadata).suppressions.map((x) => x.target.sid);
    expect(wildcards.sort()).toEqual(suppressed.sort());
  });

  it('has the functions sign in as the app user; only migrate reads the administrator secret', () => {
    expect(catalog.stacks.app!.parameters.DbSecretArn).toEqual({ output: 'security.AppDbSecretArn' });
    expect(catalog.stacks.app!.parameters.AdminDbSecretArn).toEqual({ output: 'security.DbSecretArn' });
    const functions = Object.entries(app).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(5);
    for (const [id, fn] of functions) {
      const vars = (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const role = app[(fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]!;
      const readsAdmin = statements(role).some((s) => JSON.stringify(s.Resource).includes('"AdminDbSecretArn"'));
      if (id === 'MigrateFunction') {
        expect([id, vars.DB_SECRET_ARN, vars.APP_DB_SECRET_ARN, readsAdmin]).toEqual([id, { Ref: 'AdminDbSecretArn' }, { Ref: 'DbSecretArn' }, true]);
      } else if (vars.DB_SECRET_ARN === undefined) {
        // A function without the database (the token authorizer) reads neither secret.
        expect([id, statements(role).some((s) => /"(Admin)?DbSecretArn"/.test(JSON.stringify(s.Resource)))]).toEqual([id, false]);
      } else {
        expect([id, vars.DB_SECRET_ARN, readsAdmin]).toEqual([id, { Ref: 'DbSecretArn' }, false]);
      }
    }
  });

  it('creates the app user\'s secret beside the administrator\'s, replicated with the secondary\'s key; neither is suppressed for SecretsManager.1', () => {
    expect(security.AppDbSecret!.Properties).toMatchObject({
      Name: { 'Fn::Sub': '${Project}/${Environment}/aurora-app' },
      KmsKeyId: { Ref: 'KmsKeyArn' },
      ReplicaRegions: [{ Region: { Ref: 'SecondaryRegion' }, KmsKeyId: { Ref: 'ReplicaKmsKeyArn' } }],
    });
    expect(JSON.parse((security.AppDbSecret!.Properties!.GenerateSecretString as { SecretStringTemplate: string }).SecretStringTemplate)).toMatchObject({ username: 'cafe_app' });
    for (const id of ['DbSecret', 'AppDbSecret']) expect([id, readSuppressions(security[id]!.Metadata).suppressions]).toEqual([id, []]);
  });
});
