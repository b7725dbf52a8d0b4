/**
 * Compliant and non-compliant fragments of the rules that compare the templates with Security Hub
 * and Checkov (security groups, key and trust policies, CloudFront, API Gateway, S3, SNS, Cognito,
 * ACM, log groups, Lambda, RDS, WAF, IAM); rules.test.ts runs them with its own cases.
 */
export interface FragmentCase {
  rule: string;
  bad: string;
  good: string;
  id?: string;
}

const sg = (rules: string, egress = "      SecurityGroupEgress:\n        - { IpProtocol: '-1', CidrIp: 127.0.0.1/32, Description: none }\n") => `Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      VpcId: vpc-1
      SecurityGroupIngress:
${rules}${egress}`;

const cdn = (cfg: string) => `Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
${cfg}`;
const cert = "        ViewerCertificate:\n          AcmCertificateArn: arn:aws:acm:us-east-1:111111111111:certificate/c\n          SslSupportMethod: sni-only\n          MinimumProtocolVersion: TLSv1.2_2021\n";

const stageOf = (props: string, extra = '') => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: api }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: live
${props}${extra}`;

const bucketOf = (props: string, extra = '') => `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags: []
${props}${extra}`;

const policyDoc = (statement: string, type = 'AWS::IAM::ManagedPolicy', key = 'PolicyDocument') => `Resources:
  Policy:
    Type: ${type}
    Properties:
      ${key}:
        Statement:
${statement}`;

const fnOf = (props: string, extra = '') => `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Role: arn:aws:iam::111111111111:role/r
      Runtime: nodejs22.x
${props}${extra}`;

const instance = (props: string) => `Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
${props}`;
const member = (props: string, clusterProps = '      StorageEncrypted: true\n') => `Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
${clusterProps}  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      Engine: aurora-postgresql
      DBInstanceClass: db.serverless
${props}`;
const clusterOf = (props: string) => `Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
${props}`;

const pool = (props: string) => `Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
${props}`;

const certOf = (props: string) => `Resources:
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: example.com
${props}`;

const logGroup = (props: string) => `Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: l
${props}`;

const secret = (props: string, extra = '') => `Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: s
${props}${extra}`;

const acl = (rules: string, extra = '') => `Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: { Allow: {} }
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: acl }
      Rules:
${rules}${extra}`;
const badInputs = "        - Name: bad-inputs\n          Priority: 0\n          OverrideAction: { None: {} }\n          Statement: { ManagedRuleGroupStatement: { VendorName: AWS, Name: AWSManagedRulesKnownBadInputsRuleSet } }\n          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: bad }\n";

const roleTrust = (statement: string) => `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
${statement}`;

export const MORE_CASES: FragmentCase[] = [
  { rule: 'EC2.53', id: 'Sg', bad: sg('        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: ssh } # <-\n'), good: sg('        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/16, Description: ssh }\n') },
  { rule: 'EC2.19', id: 'Sg', bad: sg('        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0, Description: db } # <-\n'), good: sg('        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0, Description: https }\n') },
  { rule: 'EC2.18', id: 'Sg', bad: sg('        - { IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIpv6: ::/0, Description: http } # <-\n'), good: sg('        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: ::/0, Description: https }\n') },
  {
    rule: 'EC2.DataTierEgress',
    id: 'Sg',
    bad: sg('        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/16, Description: db }\n', "      SecurityGroupEgress:\n        - { IpProtocol: '-1', CidrIp: 0.0.0.0/0, Description: all } # <-\n"),
    good: sg('        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/16, Description: db }\n'),
  },
  { rule: 'EC2.SecurityGroupDescriptions', id: 'Sg', bad: sg('        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16 } # <-\n'), good: sg('        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16, Description: https }\n') },
  {
    rule: 'EC2.15',
    id: 'Subnet',
    bad: 'Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n      CidrBlock: 10.0.0.0/24\n      MapPublicIpOnLaunch: true # <-\n',
    good: 'Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n      CidrBlock: 10.0.0.0/24\n',
  },
  {
    rule: 'EC2.16',
    id: 'Nacl',
    bad: 'Resources:\n  Nacl:\n    Type: AWS::EC2::NetworkAcl # <-\n    Properties: { VpcId: vpc-1 }\n',
    good: 'Resources:\n  Nacl:\n    Type: AWS::EC2::NetworkAcl\n    Properties: { VpcId: vpc-1 }\n  Assoc:\n    Type: AWS::EC2::SubnetNetworkAclAssociation\n    Properties: { NetworkAclId: !Ref Nacl, SubnetId: subnet-1 }\n',
  },
  {
    rule: 'EC2.21',
    id: 'Entry',
    bad: 'Resources:\n  Entry:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: acl-1\n      RuleNumber: 100\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 0, To: 1024 } # <-\n',
    good: 'Resources:\n  Entry:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: acl-1\n      RuleNumber: 100\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 443, To: 443 }\n',
  },
  {
    rule: 'EC2.10',
    id: 'Vpc',
    bad: 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC # <-\n    Properties: { CidrBlock: 10.0.0.0/16 }\n',
    good: `Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n${['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssm-contacts', 'ssm-incidents'].map((s, i) => `  Endpoint${i}:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: { VpcId: !Ref Vpc, VpcEndpointType: Interface, ServiceName: !Sub 'com.amazonaws.\${AWS::Region}.${s}' }\n`).join('')}`,
  },
  {
    rule: 'KMS.5',
    id: 'Key',
    bad: "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          - { Effect: Allow, Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' } # <-\n",
    good: "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          - { Effect: Allow, Principal: { AWS: '*' }, Action: kms:Decrypt, Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111111111111' } } }\n",
  },
  { rule: 'KMS.2', id: 'Policy', bad: policyDoc("          - { Effect: Allow, Action: kms:Decrypt, Resource: '*' } # <-\n"), good: policyDoc('          - { Effect: Allow, Action: kms:Decrypt, Resource: arn:aws:kms:eu-west-1:111111111111:key/k }\n') },
  { rule: 'IAM.PrivilegeEscalation', id: 'Policy', bad: policyDoc('          - { Effect: Allow, Action: [iam:CreateRole, iam:AttachRolePolicy], Resource: arn:aws:iam::111111111111:role/app-* } # <-\n'), good: policyDoc("          - { Effect: Allow, Action: [iam:CreateRole, iam:AttachRolePolicy], Resource: arn:aws:iam::111111111111:role/app-*, Condition: { StringEquals: { 'iam:PermissionsBoundary': arn:aws:iam::111111111111:policy/b } } }\n") },
  { rule: 'IAM.CredentialsExposure', id: 'Policy', bad: policyDoc("          - { Effect: Allow, Action: iam:CreateAccessKey, Resource: '*' } # <-\n"), good: policyDoc('          - { Effect: Allow, Action: iam:CreateAccessKey, Resource: arn:aws:iam::111111111111:user/ci }\n') },
  { rule: 'IAM.DataExfiltration', id: 'Policy', bad: policyDoc("          - { Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: '*' } # <-\n"), good: policyDoc('          - { Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf }\n') },
  { rule: 'IAM.PermissionsManagement', id: 'Policy', bad: policyDoc("          - { Effect: Allow, Action: s3:PutBucketPolicy, Resource: '*' } # <-\n"), good: policyDoc('          - { Effect: Allow, Action: s3:PutBucketPolicy, Resource: arn:aws:s3:::site }\n') },
  { rule: 'IAM.WriteAccess', id: 'Policy', bad: policyDoc("          - { Effect: Allow, Action: dynamodb:PutItem, Resource: '*' } # <-\n"), good: policyDoc("          - { Effect: Allow, Action: [xray:PutTraceSegments, dynamodb:GetItem], Resource: '*' }\n") },
  { rule: 'IAM.TrustPolicy', id: 'Role', bad: roleTrust("          - { Effect: Allow, Principal: { AWS: '111111111111' }, Action: sts:AssumeRole } # <-\n"), good: roleTrust("          - { Effect: Allow, Principal: { AWS: '111111111111' }, Action: sts:AssumeRole, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }\n") },
  { rule: 'CloudFront.15', id: 'Cdn', bad: cdn(cert.replace('MinimumProtocolVersion: TLSv1.2_2021', 'MinimumProtocolVersion: TLSv1 # <-')), good: cdn(cert) },
  { rule: 'CloudFront.7', id: 'Cdn', bad: cdn('        ViewerCertificate: # <-\n          CloudFrontDefaultCertificate: true\n'), good: cdn(cert) },
  { rule: 'CloudFront.8', id: 'Cdn', bad: cdn(cert.replace('        ViewerCertificate:', '        ViewerCertificate: # <-').replace('sni-only', 'vip')), good: cdn(cert) },
  { rule: 'CloudFront.5', id: 'Cdn', bad: cdn(cert).replace('      DistributionConfig:', '      DistributionConfig: # <-'), good: cdn(`${cert}        Logging: { Bucket: logs.s3.amazonaws.com, Prefix: cdn/ }\n`) },
  {
    rule: 'CloudFront.9',
    id: 'Cdn',
    bad: cdn('        Origins:\n          - Id: api\n            DomainName: api.example.com\n            CustomOriginConfig:\n              OriginProtocolPolicy: http-only # <-\n              OriginSSLProtocols: [TLSv1.2]\n'),
    good: cdn('        Origins:\n          - Id: api\n            DomainName: api.example.com\n            CustomOriginConfig:\n              OriginProtocolPolicy: https-only\n              OriginSSLProtocols: [TLSv1.2]\n'),
  },
  {
    rule: 'CloudFront.4',
    id: 'Cdn',
    bad: cdn(cert).replace('      DistributionConfig:', '      DistributionConfig: # <-'),
    good: cdn(`${cert}        OriginGroups:\n          Quantity: 1\n          Items:\n            - Id: g\n              FailoverCriteria: { StatusCodes: { Quantity: 1, Items: [503] } }\n              Members: { Quantity: 2, Items: [{ OriginId: a }, { OriginId: b }] }\n`),
  },
  {
    rule: 'CloudFront.16',
    id: 'Cdn',
    bad: cdn('        Origins:\n          - Id: fn # <-\n            DomainName: abc.lambda-url.eu-west-1.on.aws\n            CustomOriginConfig: { OriginProtocolPolicy: https-only }\n'),
    good: cdn('        Origins:\n          - Id: fn\n            DomainName: abc.lambda-url.eu-west-1.on.aws\n            OriginAccessControlId: oac-1\n            CustomOriginConfig: { OriginProtocolPolicy: https-only }\n'),
  },
  { rule: 'APIGateway.3', id: 'Stage', bad: stageOf('      TracingEnabled: false # <-\n'), good: stageOf('      TracingEnabled: true\n') },
  { rule: 'APIGateway.AccessLogs', id: 'Stage', bad: stageOf('      TracingEnabled: true\n').replace('    Properties:\n      RestApiId', '    Properties: # <-\n      RestApiId'), good: stageOf("      AccessLogSetting:\n        DestinationArn: arn:aws:logs:eu-west-1:111111111111:log-group:a\n        Format: '$context.requestId'\n") },
  {
    rule: 'APIGateway.5',
    id: 'Stage',
    bad: stageOf("      MethodSettings:\n        - ResourcePath: '/*' # <-\n          HttpMethod: '*'\n          CachingEnabled: true\n"),
    good: stageOf("      MethodSettings:\n        - ResourcePath: '/*'\n          HttpMethod: '*'\n          CachingEnabled: true\n          CacheDataEncrypted: true\n"),
  },
  {
    rule: 'APIGateway.Cache',
    id: 'Stage',
    bad: stageOf('      CacheClusterEnabled: false # <-\n'),
    good: stageOf("      CacheClusterEnabled: true\n      CacheClusterSize: '0.5'\n      MethodSettings:\n        - { ResourcePath: '/*', HttpMethod: GET, CachingEnabled: true, CacheDataEncrypted: true }\n"),
  },
  {
    rule: 'APIGateway.2',
    id: 'Stage',
    bad: stageOf('      TracingEnabled: true\n', '  Get:\n    Type: AWS::ApiGateway::Method\n    Properties: { RestApiId: !Ref Api, ResourceId: r, HttpMethod: GET, AuthorizationType: AWS_IAM, Integration: { Type: HTTP_PROXY, IntegrationHttpMethod: GET, Uri: https://backend.example.com } }\n').replace('    Properties:\n      RestApiId', '    Properties: # <-\n      RestApiId'),
    good: stageOf('      TracingEnabled: true\n', '  Get:\n    Type: AWS::ApiGateway::Method\n    Properties: { RestApiId: !Ref Api, ResourceId: r, HttpMethod: GET, AuthorizationType: AWS_IAM, Integration: { Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: arn } }\n'),
  },
  {
    rule: 'S3.6',
    id: 'Policy',
    bad: "Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument:\n        Statement:\n          - { Effect: Allow, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' } # <-\n",
    good: "Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument:\n        Statement:\n          - { Effect: Allow, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }\n",
  },
  { rule: 'S3.10', id: 'Bucket', bad: bucketOf('      VersioningConfiguration: { Status: Enabled } # <-\n'), good: bucketOf('      VersioningConfiguration: { Status: Enabled }\n      LifecycleConfiguration:\n        Rules: [{ Id: old, Status: Enabled, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }]\n') },
  { rule: 'S3.11', id: 'Bucket', bad: bucketOf('').replace('    Properties:', '    Properties: # <-'), good: bucketOf('      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } }\n') },
  { rule: 'S3.12', id: 'Bucket', bad: bucketOf('      OwnershipControls: # <-\n        Rules: [{ ObjectOwnership: ObjectWriter }]\n'), good: bucketOf('      OwnershipControls:\n        Rules: [{ ObjectOwnership: BucketOwnerEnforced }]\n') },
  { rule: 'S3.13', id: 'Bucket', bad: bucketOf('').replace('    Properties:', '    Properties: # <-'), good: bucketOf('      LifecycleConfiguration:\n        Rules: [{ Id: logs, Status: Enabled, ExpirationInDays: 365 }]\n') },
  { rule: 'S3.Versioning', id: 'Bucket', bad: bucketOf('      VersioningConfiguration:\n        Status: Suspended # <-\n'), good: bucketOf('      VersioningConfiguration: { Status: Enabled }\n') },
  { rule: 'S3.Encryption', id: 'Bucket', bad: bucketOf('').replace('    Properties:', '    Properties: # <-'), good: bucketOf('      BucketEncryption:\n        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 } }]\n') },
  { rule: 'SNS.1', id: 'Topic', bad: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties: # <-\n      TopicName: t\n', good: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: t\n      KmsMasterKeyId: alias/platform\n' },
  {
    rule: 'SNS.2',
    id: 'Topic',
    bad: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties: # <-\n      Subscription: [{ Protocol: lambda, Endpoint: arn:aws:lambda:eu-west-1:111111111111:function:f }]\n',
    good: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription: [{ Protocol: lambda, Endpoint: arn:aws:lambda:eu-west-1:111111111111:function:f }]\n      DeliveryStatusLogging: [{ Protocol: lambda, SuccessFeedbackRoleArn: arn:aws:iam::111111111111:role/r, FailureFeedbackRoleArn: arn:aws:iam::111111111111:role/r }]\n',
  },
  {
    rule: 'SNS.4',
    id: 'TopicPolicy',
    bad: "Resources:\n  TopicPolicy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [t]\n      PolicyDocument:\n        Statement:\n          - { Effect: Allow, Principal: '*', Action: sns:Publish, Resource: t } # <-\n",
    good: "Resources:\n  TopicPolicy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [t]\n      PolicyDocument:\n        Statement:\n          - { Effect: Allow, Principal: { Service: cloudwatch.amazonaws.com }, Action: sns:Publish, Resource: t, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } }\n",
  },
  { rule: 'Cognito.1', id: 'Pool', bad: pool('      UserPoolAddOns: # <-\n        AdvancedSecurityMode: AUDIT\n'), good: pool('      UserPoolTier: PLUS\n      UserPoolAddOns:\n        AdvancedSecurityMode: ENFORCED\n') },
  { rule: 'Cognito.5', id: 'Pool', bad: pool("      MfaConfiguration: 'OFF' # <-\n"), good: pool('      MfaConfiguration: OPTIONAL\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n') },
  { rule: 'Cognito.6', id: 'Pool', bad: pool('      DeletionProtection: INACTIVE # <-\n'), good: pool('      DeletionProtection: ACTIVE\n') },
  { rule: 'ACM.1', id: 'Cert', bad: certOf('      ValidationMethod: EMAIL # <-\n'), good: certOf('      ValidationMethod: DNS\n      DomainValidationOptions: [{ DomainName: example.com, HostedZoneId: Z1 }]\n') },
  { rule: 'ACM.2', id: 'Cert', bad: certOf('      KeyAlgorithm: RSA_1024 # <-\n'), good: certOf('      KeyAlgorithm: EC_prime256v1\n') },
  { rule: 'CloudWatch.16', id: 'Logs', bad: logGroup('      RetentionInDays: 30 # <-\n      KmsKeyId: k\n'), good: logGroup('      RetentionInDays: 365\n      KmsKeyId: k\n') },
  { rule: 'Logs.KMS', id: 'Logs', bad: logGroup('      RetentionInDays: 365\n').replace('    Properties:', '    Properties: # <-'), good: logGroup('      RetentionInDays: 365\n      KmsKeyId: arn:aws:kms:eu-west-1:111111111111:key/k\n') },
  { rule: 'SecretsManager.KMS', id: 'Secret', bad: secret('      KmsKeyId: alias/aws/secretsmanager # <-\n'), good: secret('      KmsKeyId: arn:aws:kms:eu-west-1:111111111111:key/k\n') },
  {
    rule: 'SecretsManager.4',
    id: 'Secret',
    bad: secret('      KmsKeyId: k\n', '  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: { SecretId: !Ref Secret, RotationLambdaARN: arn, RotationRules: { ScheduleExpression: rate(180 days) } }\n').replace('    Type: AWS::SecretsManager::Secret', '    Type: AWS::SecretsManager::Secret # <-'),
    good: secret('      KmsKeyId: k\n', '  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: { SecretId: !Ref Secret, RotationLambdaARN: arn, RotationRules: { AutomaticallyAfterDays: 30 } }\n'),
  },
  {
    rule: 'WAF.11',
    id: 'Acl',
    bad: acl(badInputs).replace('    Type: AWS::WAFv2::WebACL', '    Type: AWS::WAFv2::WebACL # <-'),
    good: acl(badInputs, "  Logging:\n    Type: AWS::WAFv2::LoggingConfiguration\n    Properties: { ResourceArn: !GetAtt Acl.Arn, LogDestinationConfigs: ['arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-a'] }\n"),
  },
  { rule: 'WAF.Log4j', id: 'Acl', bad: acl(badInputs.replace('OverrideAction: { None: {} }', 'OverrideAction: { Count: {} }').replace('        - Name: bad-inputs', '        - Name: bad-inputs # <-')), good: acl(badInputs) },
  {
    rule: 'Lambda.SourceArn',
    id: 'Invoke',
    bad: 'Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: f\n      Action: lambda:InvokeFunction\n      Principal: apigateway.amazonaws.com # <-\n',
    good: "Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: f\n      Action: lambda:InvokeFunction\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:api/*/GET/menu'\n",
  },
  {
    rule: 'Lambda.DeadLetterQueue',
    id: 'Fn',
    bad: fnOf('      Code: { ZipFile: x }\n', '  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: events.amazonaws.com, SourceArn: arn }\n').replace('    Properties:\n      Handler', '    Properties: # <-\n      Handler'),
    good: fnOf('      Code: { ZipFile: x }\n      DeadLetterConfig: { TargetArn: arn:aws:sqs:eu-west-1:111111111111:dlq }\n', '  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: events.amazonaws.com, SourceArn: arn }\n'),
  },
  { rule: 'Lambda.Concurrency', id: 'Fn', bad: fnOf('      Code: { ZipFile: x }\n').replace('    Properties:', '    Properties: # <-'), good: fnOf('      ReservedConcurrentExecutions: 5\n') },
  { rule: 'Lambda.3', id: 'Fn', bad: fnOf('      Code: { ZipFile: x }\n').replace('    Properties:', '    Properties: # <-'), good: fnOf('      VpcConfig: { SubnetIds: [a, b], SecurityGroupIds: [sg] }\n') },
  { rule: 'Lambda.7', id: 'Fn', bad: fnOf('      TracingConfig:\n        Mode: PassThrough # <-\n'), good: fnOf('      TracingConfig: { Mode: Active }\n') },
  { rule: 'Lambda.EnvironmentSecrets', id: 'Fn', bad: fnOf('      Environment:\n        Variables:\n          DB_PASSWORD: hunter2hunter2 # <-\n'), good: fnOf('      Environment:\n        Variables:\n          DB_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:111111111111:secret:db\n') },
  { rule: 'Lambda.EnvironmentKMS', id: 'Fn', bad: fnOf('      Environment: # <-\n        Variables: { STAGE: live }\n'), good: fnOf('      Environment:\n        Variables: { STAGE: live }\n      KmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/k\n') },
  { rule: 'RDS.2', id: 'Db', bad: instance('      PubliclyAccessible: true # <-\n'), good: instance('      PubliclyAccessible: false\n') },
  { rule: 'RDS.3', id: 'Db', bad: member('      PubliclyAccessible: false\n', '      StorageEncrypted: false\n').replace('      DBClusterIdentifier: !Ref Cluster', '      DBClusterIdentifier: !Ref Cluster # <-'), good: member('      PubliclyAccessible: false\n') },
  { rule: 'RDS.5', id: 'Db', bad: instance('      MultiAZ: false # <-\n'), good: member('      PubliclyAccessible: false\n') },
  { rule: 'RDS.6', id: 'Db', bad: member('      MonitoringInterval: 0 # <-\n'), good: member('      MonitoringInterval: 60\n      MonitoringRoleArn: arn:aws:iam::111111111111:role/m\n') },
  { rule: 'RDS.8', id: 'Db', bad: instance('      DeletionProtection: false # <-\n'), good: instance('      DeletionProtection: true\n') },
  { rule: 'RDS.9', id: 'Db', bad: instance('      EnableCloudwatchLogsExports: [] # <-\n'), good: instance('      EnableCloudwatchLogsExports: [postgresql]\n') },
  { rule: 'RDS.10', id: 'Db', bad: instance('      EnableIAMDatabaseAuthentication: false # <-\n'), good: instance('      EnableIAMDatabaseAuthentication: true\n') },
  { rule: 'RDS.11', id: 'Cluster', bad: clusterOf('      BackupRetentionPeriod: 1 # <-\n'), good: clusterOf('      BackupRetentionPeriod: 7\n') },
  { rule: 'RDS.12', id: 'Cluster', bad: clusterOf('      EnableIAMDatabaseAuthentication: false # <-\n'), good: clusterOf('      EnableIAMDatabaseAuthentication: true\n') },
  { rule: 'RDS.17', id: 'Db', bad: instance('      CopyTagsToSnapshot: false # <-\n'), good: instance('      CopyTagsToSnapshot: true\n') },
  { rule: 'RDS.23', id: 'Cluster', bad: clusterOf('      Port: 5432 # <-\n'), good: clusterOf('      Port: 6543\n') },
  { rule: 'RDS.25', id: 'Db', bad: instance('      MasterUsername: postgres # <-\n'), good: instance('      MasterUsername: cafe_admin\n') },
];
