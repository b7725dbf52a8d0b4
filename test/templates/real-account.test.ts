/**
 * What an empty AWS account refuses in the first waves of `cafe-ops deploy` (issue 12), checked on the real
 * templates and catalog. Each test names the AWS behaviour it relies on; the template next to the line carries
 * the documentation page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, parseDocument, visit } from 'yaml';
import { parseCatalog, sourceFor, type Catalog, type ParameterSource, type Role } from '../../src/lib/stacks/catalog';
import { parseTemplate, type LoadedTemplate } from '../../src/lib/templates/load';
import { readSuppressions } from '../../src/lib/compliance/suppressions';

const root = join(__dirname, '../..');
const catalogFile = join(root, 'templates/stacks.yaml');
const catalog: Catalog = parseCatalog(readFileSync(catalogFile, 'utf8'), catalogFile);
const files = [...new Set(Object.values(catalog.stacks).map((s) => s.template))];
const source = (file: string) => readFileSync(join(root, 'templates', file), 'utf8');
const load = (file: string): LoadedTemplate => parseTemplate(source(file), `templates/${file}`);
const template = (stack: string) => load(catalog.stacks[stack]!.template).template;
type Json = Record<string, unknown>;
const statementsOf = (doc: unknown) => ((doc as { Statement: Json[] }).Statement ?? []) as Json[];
const keyStatements = (resource: string) => statementsOf(template('keys').Resources[resource]!.Properties!.KeyPolicy);
const services = (st: Json) => [((st.Principal as Json | undefined)?.Service ?? [])].flat().map((s) => JSON.stringify(s));
const wired = (stack: string, parameter: string, role: Role): ParameterSource | undefined => {
  const spec = catalog.stacks[stack]!.parameters[parameter];
  return spec === undefined ? undefined : sourceFor(spec, role);
};

describe('what CloudFormation accepts', () => {
  // CloudFormation: "Template error: YAML aliases are not allowed in CloudFormation templates".
  it.each(files)('%s has no YAML anchor or alias', (file) => {
    const doc = parseDocument(source(file));
    const found: string[] = [];
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) found.push(`*${node.source}`);
        else if ((node as { anchor?: string }).anchor) found.push(`&${(node as { anchor?: string }).anchor}`);
      },
    });
    expect(found).toEqual([]);
  });
});

describe('order across stacks and regions', () => {
  it('sets the API Gateway CloudWatch role in bootstrap, which app reads before its stage logs (item 2)', () => {
    expect(Object.values(template('observability').Resources).filter((r) => r.Type === 'AWS::ApiGateway::Account')).toEqual([]);
    const account = Object.values(template('bootstrap').Resources).find((r) => r.Type === 'AWS::ApiGateway::Account');
    expect(account?.Properties?.CloudWatchRoleArn).toEqual({ 'Fn::GetAtt': ['ApiGatewayCloudWatchRole', 'Arn'] });
    expect(catalog.stacks.bootstrap!.regions).toEqual(expect.arrayContaining(catalog.stacks.app!.regions));
    for (const role of catalog.stacks.app!.regions) expect(wired('app', 'ApiGatewayCloudWatchRoleArn', role)).toEqual({ output: 'bootstrap.ApiGatewayCloudWatchRoleArn' });
    expect(JSON.stringify(template('app').Resources.ApiStage!.Properties)).toContain('${ApiGatewayCloudWatchRoleArn}');
  });

  it('replicates the secrets with a replica key the catalog deploys first, in the secondary region (item 4)', () => {
    const security = template('security');
    for (const id of ['DbSecret', 'PaymentApiKeySecret']) {
      expect(security.Resources[id]!.Properties!.ReplicaRegions).toEqual([{ Region: { Ref: 'SecondaryRegion' }, KmsKeyId: { Ref: 'ReplicaKmsKeyArn' } }]);
    }
    expect(wired('security', 'ReplicaKmsKeyArn', 'primary')).toEqual({ output: 'keys.KmsKeyArn', from: 'secondary' });
    expect(wired('keys', 'PrimaryKeyArn', 'secondary')).toEqual({ output: 'keys.KmsKeyArn', from: 'primary' });
  });

  it('encrypts each global table replica in the secondary region with a key read from keys@secondary (item 4)', () => {
    const data = template('data');
    for (const [id, r] of Object.entries(data.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable')) {
      const secondary = (r.Properties!.Replicas as Json[]).find((x) => JSON.stringify(x.Region) === JSON.stringify({ Ref: 'SecondaryRegion' }));
      expect([id, secondary?.SSESpecification]).toEqual([id, { KMSMasterKeyId: { Ref: 'SecondaryKmsKeyArn' } }]);
    }
    expect(wired('data', 'SecondaryKmsKeyArn', 'primary')).toEqual({ output: 'keys.KmsKeyArn', from: 'secondary' });
  });

  it('builds no ARN of another region by hand: cross-region values are catalog outputs (item 4)', () => {
    for (const file of files) expect([file, /\$\{(Secondary|Primary|Peer)Region\}:\$\{AWS::AccountId\}:key\//.test(source(file))]).toEqual([file, false]);
  });
});

describe('retries after a failed create (OnStackFailure=DELETE)', () => {
  const NAME_PROPERTIES: Record<string, string> = {
    'AWS::Logs::LogGroup': 'LogGroupName',
    'AWS::SecretsManager::Secret': 'Name',
    'AWS::DynamoDB::GlobalTable': 'TableName',
    'AWS::RDS::GlobalCluster': 'GlobalClusterIdentifier',
    'AWS::IAM::ServiceLinkedRole': 'AWSServiceName',
  };

  it('deletes the fixed-name resources a failed create made (RetainExceptOnCreate), so the retry finds no name taken (item 3)', () => {
    const kept: string[] = [];
    for (const file of files) {
      for (const [id, r] of Object.entries(load(file).template.Resources)) {
        const name = NAME_PROPERTIES[r.Type];
        if (name && r.Properties?.[name] !== undefined && r.DeletionPolicy !== 'RetainExceptOnCreate') kept.push(`${file} ${id} ${r.DeletionPolicy}`);
      }
    }
    expect(kept).toEqual([]);
  });

  it('lets a failed create of data be deleted: deletion protection is a parameter the create change set turns off (item 3)', () => {
    const data = load('data.yaml').template;
    expect(data.Parameters!.DeletionProtection).toMatchObject({ Default: 'true', AllowedValues: ['true', 'false'] });
    expect((data.Metadata!['cafe-ops'] as Json)['on-create-parameters']).toEqual({ DeletionProtection: 'false' });
    for (const [id, r] of Object.entries(data.Resources)) {
      if (r.Type === 'AWS::RDS::DBCluster' || r.Type === 'AWS::RDS::GlobalCluster') expect([id, r.Properties!.DeletionProtection]).toEqual([id, { Ref: 'DeletionProtection' }]);
      if (r.Type === 'AWS::DynamoDB::GlobalTable') for (const replica of r.Properties!.Replicas as Json[]) expect([id, replica.DeletionProtectionEnabled]).toEqual([id, { Ref: 'DeletionProtection' }]);
      if (r.Type === 'AWS::RDS::DBInstance') expect([id, r.DeletionPolicy]).toEqual([id, 'RetainExceptOnCreate']);
    }
  });
});

describe('keys every service can use', () => {
  it.each(['PlatformKey', 'PlatformReplicaKey'])('%s lets CloudWatch Logs encrypt any log group of its region, by encryption context (item 10)', (key) => {
    const logs = keyStatements(key).find((st) => services(st).some((s) => s.includes('logs.${AWS::Region}')))!;
    expect(logs.Condition).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' } },
    });
  });

  it.each(['PlatformKey', 'PlatformReplicaKey'])('%s lets Config, alarms and Budgets use it, each with conditions (items 5, 6)', (key) => {
    const st = keyStatements(key);
    for (const service of ['config.amazonaws.com', 'cloudwatch.amazonaws.com', 'budgets.amazonaws.com']) {
      const grant = st.find((s) => services(s).includes(JSON.stringify(service)));
      expect([service, [grant?.Action].flat()]).toEqual([service, expect.arrayContaining(['kms:Decrypt'])]);
      expect([service, JSON.stringify(grant?.Condition)]).toEqual([service, expect.stringMatching(/SourceAccount/i)]);
    }
  });

  it('lets Budgets publish to the alert topic and sets no cost filter that nothing activates (item 6)', () => {
    const policy = template('security').Resources.AlertTopicPolicy!.Properties!.PolicyDocument;
    expect(statementsOf(policy).some((s) => services(s).includes('"budgets.amazonaws.com"'))).toBe(true);
    expect((template('observability').Resources.MonthlyCostBudget!.Properties!.Budget as Json).CostFilters).toBeUndefined();
  });

  it('creates the Config delivery channel after its recorder and bucket policy (item 5)', () => {
    const channel = template('observability').Resources.ConfigDeliveryChannel!;
    expect([channel.DependsOn].flat().sort()).toEqual(['ConfigBucketPolicy', 'ConfigRecorder']);
    expect(channel.Properties!.S3KmsKeyArn).toEqual({ Ref: 'KmsKeyArn' });
  });
});

describe('the CI roles', () => {
  const ci = () => template('ci').Resources;
  const policy = (role: string) => (ci()[role]!.Properties!.Policies as { PolicyDocument: unknown }[]).flatMap((p) => statementsOf(p.PolicyDocument));

  it('lets the deploy role see a missing artifact as 404, use the artifacts key through S3 and delete a failed new stack (item 7)', () => {
    const st = policy('DeployRole');
    const list = st.find((s) => s.Action === 's3:ListBucket' && JSON.stringify(s.Resource).includes('bootstrap-artifactsbucket-*'));
    expect(list).toBeDefined();
    expect(st.some((s) => [s.Action].flat().includes('kms:GenerateDataKey') && JSON.stringify(s.Condition).includes('kms:ViaService'))).toBe(true);
    expect(st.some((s) => [s.Action].flat().includes('cloudformation:DeleteStack'))).toBe(true);
  });

  it('lets the CloudFormation role create and change roles only with the boundary, and never the ci roles or the boundary (item 8)', () => {
    const st = policy('CloudFormationRole');
    const risky = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy'];
    for (const action of risky) {
      for (const s of st.filter((x) => x.Effect === 'Allow' && [x.Action].flat().includes(action))) {
        expect([action, s.Condition]).toEqual([action, { StringEquals: { 'iam:PermissionsBoundary': { Ref: 'PermissionsBoundary' } } }]);
      }
    }
    const deny = st.find((s) => s.Effect === 'Deny' && s.Action === 'iam:*')!;
    expect(JSON.stringify(deny.Resource)).toEqual(expect.stringContaining('github-deploy'));
    expect(JSON.stringify(deny.Resource)).toEqual(expect.stringContaining('-cloudformation'));
    expect(deny.Resource).toContainEqual({ Ref: 'PermissionsBoundary' });
    expect(st.some((s) => s.Effect === 'Deny' && s.Action === 'iam:DeleteRolePermissionsBoundary')).toBe(true);
  });

  it('gives every role the platform stacks create the ci boundary, read from ci@primary (item 8)', () => {
    for (const [stack, spec] of Object.entries(catalog.stacks).filter(([name]) => name !== 'ci')) {
      const roles = Object.entries(template(stack).Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
      if (roles.length === 0) continue;
      for (const [id, r] of roles) {
        expect([stack, id, r.Properties!.PermissionsBoundary]).toEqual([stack, id, { 'Fn::If': ['HasPermissionsBoundary', { Ref: 'PermissionsBoundaryArn' }, { Ref: 'AWS::NoValue' }] }]);
      }
      for (const role of spec.regions) expect([stack, wired(stack, 'PermissionsBoundaryArn', role)]).toEqual([stack, { output: 'ci.PermissionsBoundaryArn', from: 'primary' }]);
    }
  });

  it('reuses an existing GitHub OIDC provider when given its ARN (item 11)', () => {
    const t = template('ci');
    expect(t.Resources.GitHubOidcProvider!.Condition).toBe('CreatesOidcProvider');
    expect(t.Conditions!.CreatesOidcProvider).toEqual({ 'Fn::Equals': [{ Ref: 'GitHubOidcProviderArn' }, ''] });
  });
});

describe('smaller ones', () => {
  it('marks the API deployment to follow API changes, in a Metadata block the suppression reader accepts (item 9)', () => {
    const deployment = template('app').Resources.ApiDeployment!;
    expect(deployment.Metadata).toEqual({ 'cafe-ops': { 'redeploy-on-change': true } });
    expect(readSuppressions(deployment.Metadata)).toEqual({ suppressions: [], problems: [] });
  });

  it('turns off automatic minor upgrades on the global database members (item 11)', () => {
    for (const [id, r] of Object.entries(template('data').Resources)) {
      if (r.Type === 'AWS::RDS::DBCluster' || r.Type === 'AWS::RDS::DBInstance') expect([id, r.Properties!.AutoMinorVersionUpgrade]).toEqual([id, false]);
    }
  });

  it('requires both primary secret ARNs in the secondary region and can skip an existing Config role (item 11)', () => {
    const t = template('security');
    const asserted = JSON.stringify(t.Rules);
    expect(asserted).toContain('PrimaryDbSecretArn');
    expect(asserted).toContain('PrimaryPaymentApiKeySecretArn');
    expect(t.Resources.ConfigRecorderRole!.Condition).toBe('CreatesConfigRole');
    expect(t.Parameters!.ConfigServiceLinkedRole).toMatchObject({ Default: 'create', AllowedValues: ['create', 'exists'] });
  });
});
