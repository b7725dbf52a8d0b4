/**
 * Every rule of the registry: a minimal non-compliant fragment (the finding, its control, its line
 * — the line marked `# <-` — and its logical id) and a compliant one (no finding of that rule).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules } from '../../../src/lib/compliance/registry';
import { auditFragments, markedLine, NOW, stack } from './helpers';
import { parseTemplate } from '../../../src/lib/templates/load';
import { ruleDocUrl } from '../../../src/lib/compliance/kit';
import type { StackSpec } from '../../../src/lib/stacks/catalog';
import { MORE_CASES } from './more-cases';

interface Case {
  rule: string;
  bad: string;
  good: string;
  /** Logical id the finding names (undefined for catalog-level findings). */
  id?: string;
  spec?: StackSpec;
  /** Extra stacks for catalog rules. */
  others?: Record<string, { yaml: string; spec?: StackSpec }>;
}

const bucket = (extra = '', id = 'Bucket') => `Resources:
  ${id}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: b${extra}
`;

const distribution = (cfg: string, extra = '') => `Resources:
  Site:
    Type: AWS::S3::Bucket
  Headers:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: h
        SecurityHeadersConfig:
          StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, Override: true }
          ContentTypeOptions: { Override: true }
          FrameOptions: { FrameOption: DENY, Override: true }
          ReferrerPolicy: { ReferrerPolicy: same-origin, Override: true }
          ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true }
${extra}  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
${cfg}`;

const goodDistribution = `        Enabled: true
        DefaultRootObject: index.html
        WebACLId: arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/y
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            OriginAccessControlId: oac-1
            S3OriginConfig: { OriginAccessIdentity: '' }
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
          ResponseHeadersPolicyId: !Ref Headers
`;

const cluster = (props: string, instances = 2) => `Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
${props}${Array.from({ length: instances }, (_, i) => `  Instance${i}:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Db
      DBInstanceClass: db.serverless
      Engine: aurora-postgresql
`).join('')}`;

const goodCluster = `      DeletionProtection: true
      CopyTagsToSnapshot: true
      StorageEncrypted: true
      MasterUsername: cafe_admin
      AutoMinorVersionUpgrade: true
      EnableCloudwatchLogsExports: [postgresql]
`;

const trail = (props: string) => `Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: logs
${props}`;
const goodTrail = `      IsLogging: true
      IsMultiRegionTrail: true
      KMSKeyId: arn:aws:kms:eu-west-1:111111111111:key/k
      EnableLogFileValidation: true
      CloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:111111111111:log-group:t
      CloudWatchLogsRoleArn: arn:aws:iam::111111111111:role/t
`;

const role = (statement: string, metadata = '') => `Resources:
  Role:
    Type: AWS::IAM::Role
${metadata}    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
${statement}`;

const recorder = (role: string, group = 'AllSupported: true') => `Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: ${role}
      RecordingGroup:
        ${group}
`;
const SLR = "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig'";

const fn = (props: string) => `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Role: arn:aws:iam::111111111111:role/r
      Code: { ZipFile: x }
${props}`;

const table = (props: string, type = 'AWS::DynamoDB::Table') => `Resources:
  Table:
    Type: ${type}
    Properties:
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
${props}`;

const stage = (settings: string, association = true) => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: api }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: live
${settings}${association ? `  Association:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Sub 'arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${Api}/stages/\${Stage}'
      WebACLArn: arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/y
` : ''}`;

const webAcl = (rules: string, topMetrics = 'true') => `Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: { Allow: {} }
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: ${topMetrics}, MetricName: acl }
${rules}`;
const wafRule = (metrics: string) => `        - Name: common
          Priority: 0
          OverrideAction: { None: {} }
          Statement: { ManagedRuleGroupStatement: { VendorName: AWS, Name: AWSManagedRulesCommonRuleSet } }
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: ${metrics}, MetricName: common }`;

const CASES: Case[] = [
  ...MORE_CASES,
  { rule: 'S3.1', id: 'Bucket', bad: bucket('\n      AccessControl: PublicRead # <-'), good: bucket('\n      AccessControl: Private') },
  {
    rule: 'S3.5',
    id: 'Bucket',
    bad: bucket().replace('Type: AWS::S3::Bucket', 'Type: AWS::S3::Bucket # <-'),
    good: `${bucket()}  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource: [!GetAtt Bucket.Arn, !Sub '\${Bucket.Arn}/*']
            Condition: { Bool: { 'aws:SecureTransport': 'false' } }
`,
  },
  {
    rule: 'S3.8',
    id: 'Bucket',
    bad: bucket('\n      PublicAccessBlockConfiguration: # <-\n        BlockPublicAcls: true\n        BlockPublicPolicy: false\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true'),
    good: bucket('\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n        IgnorePublicAcls: true\n        RestrictPublicBuckets: true'),
  },
  { rule: 'S3.9', id: 'Bucket', bad: bucket().replace('Type: AWS::S3::Bucket', 'Type: AWS::S3::Bucket # <-'), good: bucket('\n      LoggingConfiguration: { DestinationBucketName: logs, LogFilePrefix: b/ }') },
  { rule: 'CloudFront.1', id: 'Cdn', bad: distribution(goodDistribution.replace('        DefaultRootObject: index.html\n', '')).replace('      DistributionConfig:', '      DistributionConfig: # <-'), good: distribution(goodDistribution) },
  { rule: 'CloudFront.3', id: 'Cdn', bad: distribution(goodDistribution.replace('ViewerProtocolPolicy: redirect-to-https', 'ViewerProtocolPolicy: allow-all # <-')), good: distribution(goodDistribution) },
  { rule: 'CloudFront.6', id: 'Cdn', bad: distribution(goodDistribution.replace(/ {8}WebACLId: .*\n/, '')).replace('      DistributionConfig:', '      DistributionConfig: # <-'), good: distribution(goodDistribution) },
  { rule: 'CloudFront.12', id: 'Cdn', bad: distribution(goodDistribution.replace('DomainName: !GetAtt Site.RegionalDomainName', 'DomainName: gone.s3.eu-west-1.amazonaws.com # <-')), good: distribution(goodDistribution) },
  { rule: 'CloudFront.13', id: 'Cdn', bad: distribution(goodDistribution.replace('          - Id: site', '          - Id: site # <-').replace('            OriginAccessControlId: oac-1\n', '')), good: distribution(goodDistribution) },
  {
    rule: 'CloudFront.SecurityHeaders',
    id: 'Cdn',
    bad: distribution(goodDistribution.replace('ResponseHeadersPolicyId: !Ref Headers', 'ResponseHeadersPolicyId: !Ref Headers # <-')).replace('          ContentSecurityPolicy: {', '          XSSProtection: {'),
    good: distribution(goodDistribution),
  },
  { rule: 'WAF.10', id: 'Acl', bad: webAcl('      Rules: []').replace('    Properties:', '    Properties: # <-'), good: webAcl(`      Rules:\n${wafRule('true')}`) },
  { rule: 'WAF.12', id: 'Acl', bad: webAcl(`      Rules:\n${wafRule('false')}`).replace('          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: false', '          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: false').replace(/(\n {10}VisibilityConfig: [^\n]*)/, '$1 # <-'), good: webAcl(`      Rules:\n${wafRule('true')}`) },
  {
    rule: 'APIGateway.1',
    id: 'Stage',
    bad: stage("      MethodSettings:\n        - ResourcePath: '/*'\n          HttpMethod: '*'\n          LoggingLevel: 'OFF' # <-\n"),
    good: stage("      MethodSettings:\n        - ResourcePath: '/*'\n          HttpMethod: '*'\n          LoggingLevel: ERROR\n"),
  },
  { rule: 'APIGateway.4', id: 'Stage', bad: stage('', false).replace('    Type: AWS::ApiGateway::Stage', '    Type: AWS::ApiGateway::Stage # <-'), good: stage('') },
  {
    rule: 'APIGateway.8',
    id: 'Get',
    bad: 'Resources:\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: api\n      ResourceId: res\n      HttpMethod: GET\n      AuthorizationType: NONE # <-\n',
    good: 'Resources:\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: api\n      ResourceId: res\n      HttpMethod: GET\n      AuthorizationType: COGNITO_USER_POOLS\n      AuthorizerId: auth\n',
  },
  {
    rule: 'Lambda.1',
    id: 'Invoke',
    bad: "Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: f\n      Action: lambda:InvokeFunction\n      Principal: '*' # <-\n",
    good: 'Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: f\n      Action: lambda:InvokeFunction\n      Principal: apigateway.amazonaws.com\n      SourceAccount: !Ref AWS::AccountId\n',
  },
  { rule: 'Lambda.2', id: 'Fn', bad: fn('      Runtime: nodejs20.x # <-\n'), good: fn('      Runtime: nodejs22.x\n') },
  {
    rule: 'Lambda.5',
    id: 'Fn',
    bad: fn('      Runtime: nodejs22.x\n      VpcConfig:\n        SubnetIds: [subnet-a] # <-\n        SecurityGroupIds: [sg-1]\n'),
    good: fn('      Runtime: nodejs22.x\n      VpcConfig:\n        SubnetIds: [subnet-a, subnet-b]\n        SecurityGroupIds: [sg-1]\n'),
  },
  { rule: 'RDS.7', id: 'Db', bad: cluster(goodCluster.replace('DeletionProtection: true', 'DeletionProtection: false # <-')), good: cluster(goodCluster) },
  { rule: 'RDS.15', id: 'Db', bad: cluster(goodCluster, 1).replace('    Type: AWS::RDS::DBCluster', '    Type: AWS::RDS::DBCluster # <-'), good: cluster(goodCluster) },
  { rule: 'RDS.16', id: 'Db', bad: cluster(goodCluster.replace('CopyTagsToSnapshot: true', 'CopyTagsToSnapshot: false # <-')), good: cluster(goodCluster) },
  { rule: 'RDS.24', id: 'Db', bad: cluster(goodCluster.replace('MasterUsername: cafe_admin', 'MasterUsername: postgres # <-')), good: cluster(goodCluster) },
  { rule: 'RDS.27', id: 'Db', bad: cluster(goodCluster.replace('StorageEncrypted: true', 'StorageEncrypted: false # <-')), good: cluster(goodCluster) },
  { rule: 'RDS.35', id: 'Db', bad: cluster(goodCluster.replace('AutoMinorVersionUpgrade: true', 'AutoMinorVersionUpgrade: false # <-')), good: cluster(goodCluster) },
  { rule: 'RDS.37', id: 'Db', bad: cluster(goodCluster.replace('EnableCloudwatchLogsExports: [postgresql]', 'EnableCloudwatchLogsExports: [] # <-')), good: cluster(goodCluster) },
  {
    rule: 'DynamoDB.1',
    id: 'Table',
    bad: table('      BillingMode: PROVISIONED # <-\n      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }\n      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }\n'),
    good: table('      BillingMode: PAY_PER_REQUEST\n'),
  },
  {
    rule: 'DynamoDB.2',
    id: 'Table',
    bad: table('      BillingMode: PAY_PER_REQUEST\n      Replicas:\n        - Region: eu-west-1 # <-\n          DeletionProtectionEnabled: true\n', 'AWS::DynamoDB::GlobalTable'),
    good: table('      BillingMode: PAY_PER_REQUEST\n      Replicas:\n        - Region: eu-west-1\n          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }\n', 'AWS::DynamoDB::GlobalTable'),
  },
  {
    rule: 'DynamoDB.6',
    id: 'Table',
    bad: table('      BillingMode: PAY_PER_REQUEST\n      DeletionProtectionEnabled: false\n').replace('    Properties:', '    Properties: # <-'),
    good: table('      BillingMode: PAY_PER_REQUEST\n      DeletionProtectionEnabled: true\n'),
  },
  {
    rule: 'KMS.3',
    id: 'Key',
    bad: 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    DeletionPolicy: Delete # <-\n    Properties:\n      EnableKeyRotation: true\n',
    good: 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      EnableKeyRotation: true\n',
  },
  {
    rule: 'KMS.4',
    id: 'Key',
    bad: 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: false # <-\n',
    good: 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n  Signing:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: ECC_NIST_P256\n      KeyUsage: SIGN_VERIFY\n',
  },
  { rule: 'CloudTrail.1', id: 'Trail', bad: trail(goodTrail.replace('IsMultiRegionTrail: true', 'IsMultiRegionTrail: false')).replace('    Properties:', '    Properties: # <-'), good: trail(goodTrail) },
  { rule: 'CloudTrail.2', id: 'Trail', bad: trail(goodTrail.replace(/ {6}KMSKeyId: .*\n/, '')).replace('    Properties:', '    Properties: # <-'), good: trail(goodTrail) },
  { rule: 'CloudTrail.4', id: 'Trail', bad: trail(goodTrail.replace('EnableLogFileValidation: true', 'EnableLogFileValidation: false # <-')), good: trail(goodTrail) },
  { rule: 'CloudTrail.5', id: 'Trail', bad: trail(goodTrail.replace(/ {6}CloudWatchLogs.*\n/g, '')).replace('    Properties:', '    Properties: # <-'), good: trail(goodTrail) },
  {
    rule: 'EC2.2',
    id: 'Open',
    bad: 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n  Open:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Vpc.DefaultSecurityGroup # <-\n      IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 0.0.0.0/0\n',
    good: 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: { GroupDescription: web, VpcId: !Ref Vpc }\n  Open:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Sg.GroupId\n      IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 10.0.0.0/16\n',
  },
  {
    rule: 'EC2.6',
    id: 'Vpc',
    bad: 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC # <-\n    Properties: { CidrBlock: 10.0.0.0/16 }\n',
    good: 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n  Flow:\n    Type: AWS::EC2::FlowLog\n    Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: arn:aws:s3:::logs }\n',
  },
  {
    rule: 'SecretsManager.1',
    id: 'Secret',
    bad: 'Resources:\n  Secret:\n    Type: AWS::SecretsManager::Secret # <-\n    Properties: { GenerateSecretString: { PasswordLength: 32 } }\n',
    good: 'Resources:\n  Secret:\n    Type: AWS::SecretsManager::Secret\n    Properties: { GenerateSecretString: { PasswordLength: 32 } }\n  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref Secret\n      HostedRotationLambda: { RotationType: PostgreSQLSingleUser }\n      RotationRules: { ScheduleExpression: rate(30 days) }\n',
  },
  {
    rule: 'StepFunctions.1',
    id: 'Machine',
    bad: "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::111111111111:role/r\n      DefinitionString: '{}'\n      LoggingConfiguration:\n        Level: 'OFF' # <-\n",
    good: "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::111111111111:role/r\n      DefinitionString: '{}'\n      LoggingConfiguration:\n        Level: ERROR\n        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arn:aws:logs:eu-west-1:111111111111:log-group:x } }]\n",
  },
  { rule: 'Config.1', id: 'Recorder', bad: recorder('arn:aws:iam::111111111111:role/config # <-'), good: recorder(SLR) },
  {
    rule: 'Cognito.3',
    id: 'Pool',
    bad: 'Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      Policies:\n        PasswordPolicy: # <-\n          MinimumLength: 6\n          RequireLowercase: true\n          RequireUppercase: true\n          RequireNumbers: true\n          RequireSymbols: false\n',
    good: 'Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      Policies:\n        PasswordPolicy:\n          MinimumLength: 12\n          RequireLowercase: true\n          RequireUppercase: true\n          RequireNumbers: true\n          RequireSymbols: true\n          TemporaryPasswordValidityDays: 3\n',
  },
  { rule: 'IAM.1', id: 'Role', bad: role("              - Effect: Allow # <-\n                Action: '*'\n                Resource: '*'\n"), good: role('              - Effect: Allow\n                Action: s3:GetObject\n                Resource: arn:aws:s3:::b/*\n') },
  { rule: 'IAM.21', id: 'Role', bad: role('              - Effect: Allow # <-\n                Action: s3:*\n                Resource: arn:aws:s3:::b/*\n'), good: role('              - Effect: Allow\n                Action: [s3:GetObject, s3:PutObject]\n                Resource: arn:aws:s3:::b/*\n') },
  {
    rule: 'Resilience.DeletionPolicy',
    id: 'Logs',
    bad: 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Delete # <-\n    UpdateReplacePolicy: Retain\n',
    good: 'Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n',
  },
  {
    rule: 'Resilience.CrossRegion',
    bad: 'Resources: # <-\n  Queue:\n    Type: AWS::SQS::Queue\n',
    spec: stack('main.yaml', ['primary']),
    good: 'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: { AssumeRolePolicyDocument: {} }\n',
  },
  {
    rule: 'Suppression.Reason',
    id: 'Bucket',
    bad: 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: S3.9 # <-\n',
    good: 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: S3.9\n            path: Type\n            reason: The access-log bucket itself; logging it into itself would loop.\n',
  },
];

describe('compliance rules', () => {
  const rules = loadRules();

  it('has one file per rule, named after its id, and a test case for each', () => {
    const files = readdirSync(join(__dirname, '../../../src/lib/compliance/rules')).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(rules.map((r) => r.id).sort()).toEqual(files);
    expect(CASES.map((c) => c.rule).sort()).toEqual(files);
  });

  it('covers every Security Hub control the platform relies on', () => {
    const controls = new Set(rules.map((r) => r.control).filter(Boolean));
    for (const c of ['S3.1', 'S3.5', 'S3.8', 'S3.9', 'CloudFront.1', 'CloudFront.3', 'CloudFront.6', 'CloudFront.12', 'CloudFront.13', 'WAF.10', 'WAF.12', 'APIGateway.1', 'APIGateway.4', 'APIGateway.8', 'Lambda.1', 'Lambda.2', 'Lambda.5', 'RDS.7', 'RDS.15', 'RDS.16', 'RDS.24', 'RDS.27', 'RDS.35', 'RDS.37', 'DynamoDB.1', 'DynamoDB.2', 'DynamoDB.6', 'KMS.3', 'KMS.4', 'CloudTrail.1', 'CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5', 'EC2.2', 'EC2.6', 'SecretsManager.1', 'StepFunctions.1', 'Config.1', 'Cognito.3', 'IAM.1', 'IAM.21']) {
      expect([c, controls.has(c)]).toEqual([c, true]);
    }
    for (const r of rules) expect(r.remediation.length).toBeGreaterThan(20);
  });

  describe.each(CASES)('$rule', (c) => {
    const run = (yaml: string) => auditFragments({ main: { yaml, ...(c.spec ? { spec: c.spec } : {}) }, ...(c.others ?? {}) }, { only: [c.rule] }).findings.filter((f) => f.rule === c.rule && !f.suppressed);

    it('reports the non-compliant fragment at the marked line', () => {
      const findings = run(c.bad);
      const rule = rules.find((r) => r.id === c.rule)!;
      expect(findings.length).toBeGreaterThan(0);
      expect(findings[0]).toMatchObject({ rule: c.rule, severity: rule.severity, file: 'main.yaml', line: markedLine(c.bad) });
      expect(findings[0]!.control).toBe(rule.control);
      if (c.id) expect(findings[0]!.logicalId).toBe(c.id);
    });

    it('passes the compliant fragment', () => {
      expect(run(c.good)).toEqual([]);
    });
  });

  it('APIGateway.8 counts AWS_IAM (a SigV4 signature checked by IAM) as an authorisation, with no authorizer', () => {
    const method = (type: string) => `Resources:\n  Canary:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: api\n      ResourceId: res\n      HttpMethod: POST\n      AuthorizationType: ${type}\n`;
    const findings = (type: string) => auditFragments({ main: { yaml: method(type) } }, { only: ['APIGateway.8'] }).findings.filter((f) => !f.suppressed);
    expect(findings('AWS_IAM')).toEqual([]);
    expect(findings('NONE').map((f) => f.logicalId)).toEqual(['Canary']);
  });
});

describe('what a violation names', () => {
  const rules = loadRules();
  const resourceCases = CASES.filter((c) => rules.find((r) => r.id === c.rule)?.scope === 'resource');

  it.each(resourceCases.map((c) => [c.rule, c] as const))('%s: every violation carries the path of the offending property (and a policy statement its index)', (_id, c) => {
    const rule = rules.find((r) => r.id === c.rule)!;
    if (rule.scope !== 'resource') throw new Error('resource rules only');
    const template = parseTemplate(c.bad, 'main.yaml');
    const violations = Object.entries(template.template.Resources)
      .filter(([, r]) => r && (rule.resourceTypes.includes('*') || rule.resourceTypes.includes(r.Type)))
      .flatMap(([id, resource]) => rule.check({ id, resource: resource!, template, now: NOW }));
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
      expect(Array.isArray(v.path)).toBe(true);
      const i = v.path!.lastIndexOf('Statement');
      if (i >= 0 && typeof v.path![i + 1] === 'number') expect(v.statement).toBe(v.path![i + 1]);
    }
  });

  it('every rule cites the page that specifies what it checks', () => {
    for (const r of rules) expect([r.id, ruleDocUrl(r)?.startsWith('https://')]).toEqual([r.id, true]);
  });
});
