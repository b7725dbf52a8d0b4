/**
 * Planted violations: the real templates of the catalog, each time with one change that a security review
 * would expect to be caught, and the rule that must report it on the resource it was planted in. Together
 * with rules.test.ts (fragments) this proves that every rule fires on the real templates' own shapes, not
 * only on minimal examples. The first nine are the plants a review found unreported before these rules.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadCatalog, type Catalog } from '../../../src/lib/stacks/catalog';
import { auditTemplates } from '../../../src/lib/compliance/static';
import { loadRules } from '../../../src/lib/compliance/registry';
import { parseTemplate, type LoadedTemplate } from '../../../src/lib/templates/load';
import { NOW } from './helpers';
import { LEGACY_REASON_KEYS } from '../../../src/lib/compliance/suppressions';

type Edit =
  | { sub: [string, string] } // replace the first occurrence inside the resource's block
  | { del: string } // delete the first line of the block that contains the text
  | { add: string }; // insert lines right after the block's "    Properties:" line

interface Plant {
  rule: string;
  file: string;
  /** The resource the change is made in and the finding must name ('' for a template-level change). */
  resource: string;
  edits: Edit[];
  /** The resource the finding names, when it is not the one changed (e.g. a bucket for its policy). */
  expect?: string;
}

const P = (rule: string, file: string, resource: string, ...edits: Edit[]): Plant => ({ rule, file, resource, edits });

const PLANTS: Plant[] = [
  // The nine the review planted.
  P('EC2.DataTierEgress', 'network.yaml', 'DatabaseSecurityGroup', { sub: ["{ IpProtocol: '-1', CidrIp: 127.0.0.1/32", "{ IpProtocol: '-1', CidrIp: 0.0.0.0/0"] }),
  P('KMS.5', 'keys.yaml', 'PlatformKey', { sub: ['        Statement:\n', "        Statement:\n          - { Sid: Everyone, Effect: Allow, Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }\n"] }),
  P('CloudFront.15', 'edge.yaml', 'Distribution', { sub: ['MinimumProtocolVersion: TLSv1.2_2021', 'MinimumProtocolVersion: TLSv1'] }),
  P('APIGateway.AccessLogs', 'app.yaml', 'ApiStage', { del: 'DestinationArn: !GetAtt ApiAccessLogGroup.Arn' }),
  P('SNS.1', 'security.yaml', 'AlertTopic', { del: 'KmsMasterKeyId:' }),
  P('Cognito.5', 'identity.yaml', 'UserPool', { sub: ['MfaConfiguration: OPTIONAL', "MfaConfiguration: 'OFF'"] }),
  P('Lambda.SourceArn', 'app.yaml', 'MenuInvokePermission', { del: 'SourceArn:' }),
  P('Logs.KMS', 'app.yaml', 'MenuLogGroup', { del: 'KmsKeyId:' }),
  P('EC2.19', 'network.yaml', 'DatabaseSecurityGroup', { sub: ['CidrIp: !Ref PeerVpcCidr, Description: PostgreSQL from', 'CidrIp: 0.0.0.0/0, Description: PostgreSQL from'] }),
  // One per rule.
  P('ACM.1', 'edge.yaml', 'SiteCertificate', { sub: ['ValidationMethod: DNS', 'ValidationMethod: EMAIL'] }),
  P('ACM.2', 'app.yaml', 'RegionalCertificate', { add: '      KeyAlgorithm: RSA_1024' }),
  P('APIGateway.1', 'app.yaml', 'ApiStage', { sub: ['LoggingLevel: ERROR', "LoggingLevel: 'OFF'"] }),
  P('APIGateway.2', 'app.yaml', 'MenuListMethod', { sub: ['Type: AWS_PROXY', 'Type: HTTP_PROXY'] }),
  P('APIGateway.3', 'app.yaml', 'ApiStage', { sub: ['TracingEnabled: true', 'TracingEnabled: false'] }),
  P('APIGateway.4', 'app.yaml', 'RegionalWebAclAssociation', { sub: ['/stages/${ApiStage}', '/stages/other'] }),
  P('APIGateway.5', 'app.yaml', 'ApiStage', { sub: ['DataTraceEnabled: false', 'DataTraceEnabled: false\n          CachingEnabled: true'] }),
  P('APIGateway.8', 'app.yaml', 'MenuCreateMethod', { sub: ['AuthorizationType: CUSTOM', 'AuthorizationType: NONE'] }),
  P('CloudFront.1', 'edge.yaml', 'Distribution', { del: 'DefaultRootObject:' }),
  P('CloudFront.3', 'edge.yaml', 'Distribution', { sub: ['ViewerProtocolPolicy: redirect-to-https', 'ViewerProtocolPolicy: allow-all'] }),
  P('CloudFront.5', 'edge.yaml', 'Distribution', { sub: ['        Logging:', '        OldLogging:'] }),
  P('CloudFront.6', 'edge.yaml', 'Distribution', { del: 'WebACLId:' }),
  P('CloudFront.7', 'edge.yaml', 'Distribution', { sub: ['AcmCertificateArn: !Ref SiteCertificate', 'CloudFrontDefaultCertificate: true'] }),
  P('CloudFront.8', 'edge.yaml', 'Distribution', { sub: ['SslSupportMethod: sni-only', 'SslSupportMethod: vip'] }),
  P('CloudFront.9', 'edge.yaml', 'Distribution', { sub: ['        Origins:\n', '        Origins:\n          - Id: legacy\n            DomainName: legacy.example.com\n            CustomOriginConfig: { OriginProtocolPolicy: http-only }\n'] }),
  P('CloudFront.12', 'edge.yaml', 'Distribution', { sub: ['DomainName: !GetAtt SiteBucket.RegionalDomainName', 'DomainName: gone.s3.us-east-1.amazonaws.com'] }),
  P('CloudFront.13', 'edge.yaml', 'Distribution', { del: 'OriginAccessControlId:' }),
  P('CloudFront.16', 'edge.yaml', 'Distribution', { sub: ['        Origins:\n', '        Origins:\n          - Id: fn\n            DomainName: abc.lambda-url.us-east-1.on.aws\n            CustomOriginConfig: { OriginProtocolPolicy: https-only }\n'] }),
  P('CloudFront.SecurityHeaders', 'edge.yaml', 'Distribution', { del: 'ResponseHeadersPolicyId:' }),
  P('CloudTrail.1', 'observability.yaml', 'Trail', { sub: ['IsMultiRegionTrail: true', 'IsMultiRegionTrail: false'] }),
  P('CloudTrail.2', 'observability.yaml', 'Trail', { del: 'KMSKeyId:' }),
  P('CloudTrail.4', 'observability.yaml', 'Trail', { sub: ['EnableLogFileValidation: true', 'EnableLogFileValidation: false'] }),
  P('CloudTrail.5', 'observability.yaml', 'Trail', { del: 'CloudWatchLogsLogGroupArn:' }),
  P('CloudWatch.16', 'app.yaml', 'MenuLogGroup', { sub: ['RetentionInDays: !Ref LogRetentionDays', 'RetentionInDays: 14'] }),
  P('Cognito.1', 'identity.yaml', 'UserPool', { sub: ['AdvancedSecurityMode: ENFORCED', 'AdvancedSecurityMode: AUDIT'] }),
  P('Cognito.3', 'identity.yaml', 'UserPool', { sub: ['MinimumLength: ', 'MinimumLength: 6 #'] }),
  P('Cognito.6', 'identity.yaml', 'UserPool', { sub: ['DeletionProtection: ACTIVE', 'DeletionProtection: INACTIVE'] }),
  P('Config.1', 'observability.yaml', 'ConfigRecorder', { sub: ['AllSupported: true', 'AllSupported: false'] }),
  P('DynamoDB.1', 'data.yaml', 'MenuTable', { sub: ['BillingMode: !If [MenuProvisioned, PROVISIONED, PAY_PER_REQUEST]', 'BillingMode: PROVISIONED'] }),
  P('DynamoDB.2', 'data.yaml', 'MenuTable', { sub: ['PointInTimeRecoveryEnabled: true', 'PointInTimeRecoveryEnabled: false'] }),
  P('DynamoDB.6', 'data.yaml', 'MenuTable', { sub: ['DeletionProtectionEnabled: !Ref DeletionProtection', 'DeletionProtectionEnabled: false'] }),
  P('EC2.2', 'network.yaml', 'LambdaSecurityGroup', { sub: ['VpcId: !Ref Vpc', 'VpcId: !Ref Vpc\n      Description: !GetAtt Vpc.DefaultSecurityGroup'] }),
  P('EC2.6', 'network.yaml', 'FlowLog', { sub: ['ResourceId: !Ref Vpc', 'ResourceId: vpc-other'] }),
  // As the template is, without its reasoned exception (no workload calls those APIs).
  P('EC2.10', 'network.yaml', 'Vpc'),
  P('APIGateway.Cache', 'app.yaml', 'ApiStage'),
  P('CloudFront.4', 'edge.yaml', 'Distribution'),
  P('EC2.15', 'network.yaml', 'PublicSubnetA', { add: '      MapPublicIpOnLaunch: true' }),
  { ...P('EC2.16', 'network.yaml', 'IsolatedNetworkAcl', { sub: ['  IsolatedNetworkAcl:', '  UnusedNetworkAcl:'] }), expect: 'UnusedNetworkAcl' },
  P('EC2.18', 'network.yaml', 'EndpointSecurityGroup', { sub: ['CidrIp: !Ref VpcCidr, Description: HTTPS from the VPC', 'CidrIp: 0.0.0.0/0, Description: HTTPS from the VPC }\n        - { IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0, Description: http'] }),
  P('EC2.21', 'network.yaml', 'IsolatedAclInPostgres', { sub: ['CidrBlock: !Ref VpcCidr\n      PortRange: { From: 5432, To: 5432 }', 'CidrBlock: 0.0.0.0/0\n      PortRange: { From: 0, To: 65535 }'] }),
  P('EC2.53', 'network.yaml', 'EndpointSecurityGroup', { sub: ['FromPort: 443, ToPort: 443, CidrIp: !Ref VpcCidr', 'FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0'] }),
  P('EC2.SecurityGroupDescriptions', 'network.yaml', 'EndpointSecurityGroup', { sub: [', Description: HTTPS from the VPC', ''] }),
  P('IAM.1', 'app.yaml', 'MenuRole', { sub: ['Action: [dynamodb:GetItem]', "Action: '*'\n                Resource: '*'\n              - Sid: Access2\n                Effect: Allow\n                Action: [dynamodb:GetItem]"] }),
  P('IAM.21', 'app.yaml', 'MenuRole', { sub: ['Action: [dynamodb:GetItem, dynamodb:PutItem]', 'Action: [dynamodb:*]'] }),
  P('IAM.CredentialsExposure', 'app.yaml', 'PaymentsRole', { sub: ['              - Sid: Tracing', "              - Sid: Keys\n                Effect: Allow\n                Action: iam:CreateAccessKey\n                Resource: '*'\n              - Sid: Tracing"] }),
  P('IAM.DataExfiltration', 'app.yaml', 'MenuRole', { sub: ['Resource: !Ref DbSecretArn', "Resource: '*'"] }),
  P('IAM.PermissionsManagement', 'app.yaml', 'AdminRole', { sub: ['              - Sid: Tracing', "              - Sid: Grants\n                Effect: Allow\n                Action: kms:CreateGrant\n                Resource: '*'\n              - Sid: Tracing"] }),
  P('IAM.PrivilegeEscalation', 'ci.yaml', 'CloudFormationRole', { sub: ["                Condition:\n                  StringEquals: { 'iam:PermissionsBoundary': !Ref PermissionsBoundary }", ''] }),
  P('IAM.TrustPolicy', 'app.yaml', 'MenuRole', { sub: ['Principal: { Service: lambda.amazonaws.com }', "Principal: { AWS: '*' }"] }),
  P('IAM.WriteAccess', 'app.yaml', 'HealthRole', { sub: ['              - Sid: Tracing', "              - Sid: Everything\n                Effect: Allow\n                Action: dynamodb:PutItem\n                Resource: '*'\n              - Sid: Tracing"] }),
  P('KMS.2', 'app.yaml', 'MenuRole', { sub: ['Action: [kms:Decrypt, kms:GenerateDataKey]\n                Resource: !Ref KmsKeyArn', "Action: [kms:Decrypt, kms:GenerateDataKey]\n                Resource: '*'"] }),
  P('KMS.3', 'bootstrap.yaml', 'ArtifactsKey', { sub: ['    DeletionPolicy: Retain', '    DeletionPolicy: Delete'] }),
  P('KMS.4', 'bootstrap.yaml', 'ArtifactsKey', { sub: ['EnableKeyRotation: true', 'EnableKeyRotation: false'] }),
  P('Lambda.1', 'app.yaml', 'MenuInvokePermission', { sub: ['Principal: apigateway.amazonaws.com', "Principal: '*'"] }, { del: 'SourceArn:' }, { del: 'SourceAccount:' }),
  P('Lambda.2', 'app.yaml', 'MenuFunction', { sub: ['Runtime: nodejs22.x', 'Runtime: nodejs16.x'] }),
  P('Lambda.3', 'app.yaml', 'MenuFunction', { sub: ['      VpcConfig:\n        SubnetIds: !Ref PrivateSubnetIds\n        SecurityGroupIds: [!Ref LambdaSecurityGroupId]\n', ''] }),
  P('Lambda.5', 'app.yaml', 'MenuFunction', { sub: ['SubnetIds: !Ref PrivateSubnetIds', "SubnetIds: [!Select [0, !Ref PrivateSubnetIds]]"] }),
  P('Lambda.7', 'app.yaml', 'MenuFunction', { sub: ['TracingConfig: { Mode: Active }', 'TracingConfig: { Mode: PassThrough }'] }),
  P('Lambda.Concurrency', 'app.yaml', 'MigrateFunction', { del: 'ReservedConcurrentExecutions:' }),
  P('Lambda.DeadLetterQueue', 'app.yaml', 'MenuInvokePermission', { sub: ['Principal: apigateway.amazonaws.com', 'Principal: events.amazonaws.com'] }),
  P('Lambda.EnvironmentKMS', 'app.yaml', 'MenuFunction', { del: 'KmsKeyArn:' }),
  P('Lambda.EnvironmentSecrets', 'app.yaml', 'MenuFunction', { sub: ['        Variables:\n', '        Variables:\n          PAYMENT_API_TOKEN: sk_live_0123456789abcdef\n'] }),
  P('RDS.2', 'data.yaml', 'WriterInstance', { sub: ['PubliclyAccessible: false', 'PubliclyAccessible: true'] }),
  P('RDS.3', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'StorageEncrypted: false'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.5', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'MultiAZ: false'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.6', 'data.yaml', 'ReaderInstance', { sub: ['MonitoringInterval: 60', 'MonitoringInterval: 0'] }),
  P('RDS.7', 'data.yaml', 'Cluster', { sub: ['DeletionProtection: !Ref DeletionProtection', 'DeletionProtection: false'] }),
  P('RDS.8', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'DeletionProtection: false'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.9', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'EnableCloudwatchLogsExports: []'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.10', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'EnableIAMDatabaseAuthentication: false'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.11', 'data.yaml', 'Cluster', { sub: ['BackupRetentionPeriod: !Ref BackupRetentionDays', 'BackupRetentionPeriod: 1'] }),
  P('RDS.12', 'data.yaml', 'Cluster', { sub: ['EnableIAMDatabaseAuthentication: true', 'EnableIAMDatabaseAuthentication: false'] }),
  P('RDS.15', 'data.yaml', 'ReaderInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'DBClusterIdentifier: other'] }),
  P('RDS.16', 'data.yaml', 'Cluster', { sub: ['CopyTagsToSnapshot: true', 'CopyTagsToSnapshot: false'] }),
  P('RDS.17', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'CopyTagsToSnapshot: false'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.23', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'Port: 5432'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.24', 'data.yaml', 'Cluster', { sub: ["MasterUsername: !If [IsPrimary, !Sub '{{resolve:secretsmanager:${DbSecretArn}:SecretString:username}}', !Ref AWS::NoValue]", 'MasterUsername: postgres'] }),
  P('RDS.25', 'data.yaml', 'WriterInstance', { sub: ['DBClusterIdentifier: !Ref Cluster', 'MasterUsername: admin'] }, { sub: ['Engine: aurora-postgresql', 'Engine: postgres'] }),
  P('RDS.27', 'data.yaml', 'Cluster', { sub: ['StorageEncrypted: true', 'StorageEncrypted: false'] }),
  // As the template is, without its reasoned exception (a global database member).
  P('RDS.35', 'data.yaml', 'Cluster'),
  P('RDS.37', 'data.yaml', 'Cluster', { sub: ['EnableCloudwatchLogsExports: [postgresql]', 'EnableCloudwatchLogsExports: []'] }),
  P('Resilience.DeletionPolicy', 'app.yaml', 'MenuLogGroup', { sub: ['DeletionPolicy: RetainExceptOnCreate', 'DeletionPolicy: Delete'] }),
  P('S3.1', 'bootstrap.yaml', 'ArtifactsBucket', { add: '      AccessControl: PublicRead' }),
  P('S3.5', 'edge.yaml', 'SiteBucketPolicy', { sub: ['Bool: { \'aws:SecureTransport\': \'false\' }', 'Bool: { \'aws:MultiFactorAuthPresent\': \'false\' }'] }),
  P('S3.6', 'edge.yaml', 'SiteBucketPolicy', { sub: ['        Statement:\n', "        Statement:\n          - { Effect: Allow, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:PutBucketPolicy', Resource: !GetAtt SiteBucket.Arn }\n"] }),
  P('S3.8', 'edge.yaml', 'SiteBucket', { sub: ['BlockPublicPolicy: true', 'BlockPublicPolicy: false'] }),
  P('S3.9', 'edge.yaml', 'SiteBucket', { sub: ['LoggingConfiguration:', 'OldLoggingConfiguration:'] }),
  P('S3.10', 'edge.yaml', 'SiteBucket', { del: 'NoncurrentVersionExpiration:' }),
  P('S3.11', 'edge.yaml', 'SiteBucket', { del: 'NotificationConfiguration:' }, { del: 'EventBridgeConfiguration:' }),
  P('S3.12', 'edge.yaml', 'SiteBucket', { sub: ['ObjectOwnership: BucketOwnerEnforced', 'ObjectOwnership: ObjectWriter'] }),
  P('S3.13', 'edge.yaml', 'SiteBucket', { sub: ['            Status: Enabled\n            NoncurrentVersionExpiration', '            Status: Disabled\n            NoncurrentVersionExpiration'] }),
  P('S3.Encryption', 'edge.yaml', 'SiteBucket', { sub: ['      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 }\n', ''] }),
  P('S3.Versioning', 'edge.yaml', 'SiteBucket', { sub: ['Status: Enabled\n      LoggingConfiguration', 'Status: Suspended\n      LoggingConfiguration'] }),
  P('SNS.2', 'security.yaml', 'AlertTopic', { sub: ['- Protocol: email', '- Protocol: lambda'] }),
  P('SNS.4', 'security.yaml', 'AlertTopicPolicy', { sub: ['        Statement:\n', "        Statement:\n          - { Effect: Allow, Principal: '*', Action: sns:Publish, Resource: !Ref AlertTopic }\n"] }),
  // As the template is, without its reasoned exception (a key the payment provider issues).
  P('SecretsManager.1', 'security.yaml', 'PaymentApiKeySecret'),
  P('SecretsManager.4', 'security.yaml', 'DbSecret', { sub: ['\n  DbSecret:\n', '\n  DbRotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: { SecretId: !Ref DbSecret, HostedRotationLambda: { RotationType: PostgreSQLSingleUser }, RotationRules: { ScheduleExpression: rate(365 days) } }\n  DbSecret:\n'] }),
  P('SecretsManager.KMS', 'security.yaml', 'DbSecret', { sub: ['      KmsKeyId: !Ref KmsKeyArn', '      KmsKeyId: alias/aws/secretsmanager'] }),
  P('StepFunctions.1', 'app.yaml', 'OrderLifecycle', { sub: ['Level: ERROR', "Level: 'OFF'"] }),
  P('WAF.10', 'app.yaml', 'RegionalWebAcl', { sub: ['      Rules:\n', '      Rules: []\n      OldRules:\n'] }),
  P('WAF.11', 'edge.yaml', 'EdgeWafLogging', { sub: ['ResourceArn: !GetAtt EdgeWebAcl.Arn', 'ResourceArn: arn:aws:wafv2:us-east-1:111111111111:global/webacl/other/1'] }),
  P('WAF.12', 'edge.yaml', 'EdgeWebAcl', { sub: ['CloudWatchMetricsEnabled: true, MetricName: blocklist', 'CloudWatchMetricsEnabled: false, MetricName: blocklist'] }),
  P('WAF.Log4j', 'edge.yaml', 'EdgeWebAcl', { sub: ['Name: AWSManagedRulesKnownBadInputsRuleSet', 'Name: AWSManagedRulesAnonymousIpList'] }),
];

// Where the finding is reported on another resource than the one changed.
const EXPECT_ON: Record<string, string> = {
  'APIGateway.2': 'ApiStage', 'APIGateway.4': 'ApiStage', 'EC2.6': 'Vpc', 'EC2.16': 'IsolatedNetworkAcl', 'RDS.15': 'Cluster', 'Lambda.DeadLetterQueue': 'MenuFunction',
  'S3.5': 'SiteBucket', 'WAF.11': 'EdgeWebAcl', 'EC2.2': 'LambdaSecurityGroup',
};

function applyEdit(text: string, resource: string, edit: Edit): string {
  const start = text.indexOf(`\n  ${resource}:\n`);
  if (start < 0) throw new Error(`no resource ${resource}`);
  const next = text.slice(start + 1).search(/\n {2}[A-Za-z0-9]+:\n/);
  const end = next < 0 ? text.length : start + 1 + next;
  const block = text.slice(start, end);
  let changed: string;
  if ('sub' in edit) {
    if (!block.includes(edit.sub[0])) throw new Error(`${resource}: no "${edit.sub[0]}"`);
    changed = block.replace(edit.sub[0], edit.sub[1]);
  } else if ('del' in edit) {
    const lines = block.split('\n');
    const i = lines.findIndex((l) => l.includes(edit.del));
    if (i < 0) throw new Error(`${resource}: no line with "${edit.del}"`);
    lines.splice(i, 1);
    changed = lines.join('\n');
  } else {
    if (!block.includes('\n    Properties:\n')) throw new Error(`${resource}: no Properties block`);
    changed = block.replace('\n    Properties:\n', `\n    Properties:\n${edit.add}\n`);
  }
  return text.slice(0, start) + changed + text.slice(end);
}

describe('planted violations in copies of the real templates', () => {
  let catalog: Catalog;
  const texts = new Map<string, string>();
  const files = new Map<string, string>(); // stack name -> file (relative, as the audit names it)
  const rules = loadRules();

  beforeAll(async () => {
    catalog = await loadCatalog('templates/stacks.yaml');
    for (const [name, spec] of Object.entries(catalog.stacks)) {
      const file = relative(process.cwd(), resolve(catalog.root, spec.template));
      files.set(name, file);
      if (!texts.has(file)) texts.set(file, readFileSync(file, 'utf8'));
    }
  });

  const parsed = new Map<string, LoadedTemplate>();
  const audit = (changed: Map<string, string>, only: string) => {
    const loaded = new Map<string, LoadedTemplate>();
    const byFile = new Map<string, LoadedTemplate>();
    for (const [name, file] of files) {
      if (!changed.has(file) && !parsed.has(file)) parsed.set(file, parseTemplate(texts.get(file)!, file));
      const t = byFile.get(file) ?? (changed.has(file) ? parseTemplate(changed.get(file)!, file) : parsed.get(file)!);
      byFile.set(file, t);
      loaded.set(name, t);
    }
    return auditTemplates(catalog, loaded, { now: NOW, rules, only: [only] }).findings;
  };

  it('plants one violation for every rule of the registry', () => {
    const planted = new Set(PLANTS.map((p) => p.rule));
    const catalogOnly = ['Resilience.CrossRegion', 'Suppression.Reason']; // planted in the catalog and the metadata below
    expect(rules.map((r) => r.id).filter((id) => !planted.has(id) && !catalogOnly.includes(id))).toEqual([]);
  });

  it.each(PLANTS.map((p) => [p.rule, p.resource, p] as const))('%s is reported on %s', (_rule, _resource, plant) => {
    const file = `templates/${plant.file}`;
    const before = audit(new Map(), plant.rule).filter((f) => !f.suppressed && f.file === file);
    let text = texts.get(file)!;
    for (const edit of plant.edits) text = applyEdit(text, plant.resource, edit);
    // A suppression of this rule would hide the plant: drop it from the copy (both spellings).
    text = text.replace(new RegExp(`\\n {10}- rule: ${plant.rule.replace(/\./g, '\\.')}\\n(?: {12}(?:path|sid|fingerprint): .*\\n)* {12}reason: (?:>-\\n(?: {14}.*\\n)+|.*\\n)`, 'g'), '\n');
    for (const [key, rule] of Object.entries(LEGACY_REASON_KEYS))
      if (rule === plant.rule) text = text.replace(new RegExp(`\\n {8}${key}: (?:>-\\n(?: {10}.*\\n)+|.*\\n)`, 'g'), `\n        dropped-${key}: planted\n`);
    const after = audit(new Map([[file, text]]), plant.rule).filter((f) => !f.suppressed && f.file === file);
    const on = plant.expect ?? EXPECT_ON[plant.rule] ?? plant.resource;
    expect(before.filter((f) => f.logicalId === on)).toEqual([]);
    expect(after.filter((f) => f.logicalId === on).map((f) => f.rule)).toContain(plant.rule);
  });

  it('Resilience.CrossRegion: a regional stack moved to one region is reported', () => {
    const text = readFileSync('templates/stacks.yaml', 'utf8');
    expect(text).toContain('  data:\n    template: data.yaml\n');
    const loaded = new Map<string, LoadedTemplate>();
    for (const [name, file] of files) loaded.set(name, parseTemplate(texts.get(file)!, file));
    const oneRegion: Catalog = { ...catalog, stacks: { ...catalog.stacks, data: { ...catalog.stacks.data!, regions: ['primary'] } } };
    const findings = auditTemplates(oneRegion, loaded, { now: NOW, rules, only: ['Resilience.CrossRegion'] }).findings.filter((f) => !f.suppressed);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/stack data runs only in the primary region/);
  });

  it('Suppression.Reason: a suppression without a reason is reported on its resource', () => {
    const file = 'templates/edge.yaml';
    const text = applyEdit(texts.get(file)!, 'Distribution', { add: '' }).replace('  Distribution:\n    Type: AWS::CloudFront::Distribution\n    Metadata:\n      cafe-ops:\n        suppress:\n', '  Distribution:\n    Type: AWS::CloudFront::Distribution\n    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: CloudFront.5\n');
    const findings = audit(new Map([[file, text]]), 'Suppression.Reason').filter((f) => f.file === file);
    expect(findings.map((f) => f.logicalId)).toContain('Distribution');
  });
});
