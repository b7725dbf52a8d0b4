/**
 * The failover role (templates/ci.yaml FailoverRole) allows every AWS call the drill makes, on the resources it
 * makes them on, and no more than those resources. The calls are read from src/lib/failover/aws.ts (each SDK
 * command it sends, with its client package), so a new call without a grant fails here.
 * IAM matches Resource with * (any characters) and ? (one character), and an action prefix is case-insensitive.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate } from '../../src/lib/templates/load';
import { journalKey, lockKey, MAINTENANCE_KEY, TRAFFIC_KEY } from '../../src/lib/failover/aws';
import { canaryId } from '../../src/lib/failover/steps/kit';
import { jwksKey } from '../../functions/authorizer/jwks-store';

const root = join(__dirname, '../..');
const ACCOUNT = '222222222222';
const VALUES: Record<string, string> = { Project: 'cafe', Environment: 'production', 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT };

/** IAM service prefix of each SDK client package the drill uses. */
const PREFIX: Record<string, string> = {
  'client-cloudformation': 'cloudformation',
  'client-rds': 'rds',
  'client-cloudwatch': 'cloudwatch',
  'client-route-53': 'route53',
  'client-dynamodb': 'dynamodb',
  'client-secrets-manager': 'secretsmanager',
  'client-kms': 'kms',
  'client-lambda': 'lambda',
};

/** The IAM actions of the SDK commands src/lib/failover/aws.ts sends. */
function drillActions(): string[] {
  const source = readFileSync(join(root, 'src/lib/failover/aws.ts'), 'utf8');
  const packageOf = new Map<string, string>();
  // `const { XCommand } = await import('@aws-sdk/client-x')`, or `= await sdk()` after `const sdk = () => import('@aws-sdk/client-x')`.
  const sdks = [...source.matchAll(/const sdk = \(\) => import\('@aws-sdk\/(client-[a-z0-9-]+)'\)/g)].map((m) => ({ at: m.index, pkg: m[1]! }));
  for (const m of source.matchAll(/\{([^{}]*)\}\s*=\s*await (?:import\('@aws-sdk\/(client-[a-z0-9-]+)'\)|sdk\(\))/g)) {
    const pkg = m[2] ?? sdks.filter((d) => d.at < m.index).pop()?.pkg;
    if (!pkg) continue;
    for (const name of m[1]!.split(',').map((n) => n.trim()).filter(Boolean)) packageOf.set(name, pkg);
  }
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
    for (const name of m[1]!.split(',').map((n) => n.replace(/^type\s+/, '').trim()).filter(Boolean)) packageOf.set(name, m[2]!);
  }
  const sent = [...new Set([...source.matchAll(/new ([A-Za-z]+Command)\(/g)].map((m) => m[1]!))];
  return sent.map((command) => {
    const pkg = packageOf.get(command);
    if (!pkg || !PREFIX[pkg]) throw new Error(`${command}: no client package known (add it to PREFIX)`);
    return `${PREFIX[pkg]}:${command.replace(/Command$/, '').replace(/^Invoke$/, 'InvokeFunction')}`;
  });
}

const control = (region: string) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/cafe-production-control`;
const secret = (region: string, name: string) => `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:cafe/production/${name}-AbC123`;
const cluster = (region: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:cafe-production-data-cluster-1x2y3z`;

/** Where each call acts (both regions), as the drill makes it. A call missing here fails the test: say where it acts. */
const RESOURCES: Record<string, string[]> = {
  'cloudformation:DescribeStacks': ['eu-west-1', 'eu-central-1', 'us-east-1'].map((r) => `arn:aws:cloudformation:${r}:${ACCOUNT}:stack/cafe-production-data/0a1b2c3d`),
  'rds:DescribeGlobalClusters': [`arn:aws:rds::${ACCOUNT}:global-cluster:cafe-production`],
  'rds:SwitchoverGlobalCluster': [`arn:aws:rds::${ACCOUNT}:global-cluster:cafe-production`, cluster('eu-central-1')],
  'rds:FailoverGlobalCluster': [`arn:aws:rds::${ACCOUNT}:global-cluster:cafe-production`, cluster('eu-central-1')],
  'rds:DescribeDBInstances': [`arn:aws:rds:eu-central-1:${ACCOUNT}:db:cafe-production-data-cluster-1x2y3z-failover`],
  // CreateDBInstance with Tags: the instance, its cluster, and AddTagsToResource on the instance.
  'rds:CreateDBInstance': [`arn:aws:rds:eu-central-1:${ACCOUNT}:db:cafe-production-data-cluster-1x2y3z-failover`, cluster('eu-central-1')],
  'cloudwatch:GetMetricData': ['*'],
  'route53:GetHealthCheck': ['arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789'],
  'route53:GetHealthCheckStatus': ['arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789'],
  'route53:UpdateHealthCheck': ['arn:aws:route53:::healthcheck/abcdef01-2345-6789-abcd-ef0123456789'],
  'dynamodb:DescribeTable': ['menu', 'carts', 'idempotency', 'control'].map((t) => `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/cafe-production-${t}`),
  // The write pause, traffic role, canaries, journal and lock: items of the control table, in both regions.
  'dynamodb:GetItem': [control('eu-west-1'), control('eu-central-1')],
  'dynamodb:PutItem': [control('eu-west-1'), control('eu-central-1')],
  'dynamodb:DeleteItem': [control('eu-west-1'), control('eu-central-1')],
  // Preflight: the three secrets exist; the two database secrets are not mid-rotation.
  'secretsmanager:DescribeSecret': ['eu-west-1', 'eu-central-1'].flatMap((r) => [secret(r, 'aurora-admin'), secret(r, 'aurora-app'), secret(r, 'payment-provider-api-key')]),
  'kms:DescribeKey': [`arn:aws:kms:eu-central-1:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`],
  'lambda:InvokeFunction': ['eu-west-1', 'eu-central-1'].map((r) => `arn:aws:lambda:${r}:${ACCOUNT}:function:cafe-production-health`),
};
/** What a call needs besides its own action. */
const ALSO: Record<string, { action: string; resource: string }[]> = {
  'rds:CreateDBInstance': [{ action: 'rds:AddTagsToResource', resource: `arn:aws:rds:eu-central-1:${ACCOUNT}:db:cafe-production-data-cluster-1x2y3z-failover` }],
};

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function resolve(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(resolve);
  if (typeof value === 'string') return [value];
  const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (typeof sub === 'string') return [sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => VALUES[name] ?? `<${name}>`)];
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
const actionMatches = (pattern: string, action: string) => glob(pattern).test(action);
const resourceMatches = (pattern: string, arn: string) => new RegExp(glob(pattern).source).test(arn);

let statements: Statement[];
beforeAll(async () => {
  const ci = await loadTemplate(join(root, 'templates/ci.yaml'));
  const role = ci.template.Resources.FailoverRole!;
  statements = (role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
});

/** The Sids of the Allow statements that grant the action on the resource. */
function allows(action: string, resource: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => actionMatches(a, action)) && resolve(s.Resource).some((r) => resourceMatches(r, resource)))
    .map((s) => s.Sid ?? '?');
}

describe('FailoverRole allows what the drill calls', () => {
  const actions = drillActions();

  it('reads the drill\'s calls from src/lib/failover/aws.ts (the parse finds them all)', () => {
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'secretsmanager:DescribeSecret', 'rds:CreateDBInstance', 'rds:SwitchoverGlobalCluster', 'lambda:InvokeFunction']));
    expect(actions.filter((a) => !RESOURCES[a])).toEqual([]);
  });

  it.each(Object.keys(RESOURCES))('allows %s on each resource the drill makes it on', (action) => {
    const denied = [
      ...RESOURCES[action]!.filter((r) => allows(action, r).length === 0).map((r) => `${action} ${r}`),
      ...(ALSO[action] ?? []).filter((a) => allows(a.action, a.resource).length === 0).map((a) => `${a.action} ${a.resource}`),
    ];
    expect(denied).toEqual([]);
  });

  it('allows the signed POST /health/canary (src/lib/failover/http.ts), and nothing of the API besides', () => {
    expect(allows('execute-api:Invoke', `arn:aws:execute-api:eu-central-1:${ACCOUNT}:a1b2c3d4e5/prod/POST/health/canary`)).not.toEqual([]);
    expect(allows('execute-api:Invoke', `arn:aws:execute-api:eu-central-1:${ACCOUNT}:a1b2c3d4e5/prod/POST/orders`)).toEqual([]);
  });

  it('keeps each grant to its resources: no other table\'s items, no other secret, no other instance', () => {
    expect(allows('dynamodb:DeleteItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/cafe-production-idempotency`)).toEqual([]);
    expect(allows('dynamodb:PutItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/cafe-production-menu`)).toEqual([]);
    expect(allows('dynamodb:PutItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/cafe-staging-control`)).toEqual([]);
    expect(allows('secretsmanager:DescribeSecret', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:cafe/production/other-AbC123`)).toEqual([]);
    expect(allows('secretsmanager:DescribeSecret', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:cafe/staging/aurora-app-AbC123`)).toEqual([]);
    expect(allows('secretsmanager:GetSecretValue', secret('eu-west-1', 'aurora-admin'))).toEqual([]);
    expect(allows('rds:CreateDBInstance', `arn:aws:rds:eu-central-1:${ACCOUNT}:db:someone-elses-instance`)).toEqual([]);
    expect(allows('rds:DeleteDBInstance', `arn:aws:rds:eu-central-1:${ACCOUNT}:db:cafe-production-data-cluster-1x2y3z-failover`)).toEqual([]);
  });
});

describe('FailoverRole writes only the drill\'s own items of the control table', () => {
  // ForAllValues:StringLike on dynamodb:LeadingKeys: every partition key the request touches must match a pattern.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
  const leadingKeys = () => {
    const grant = statements.find((s) => s.Sid === 'WritePauseCanariesJournalAndLock')!;
    return resolve(grant.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
  };
  const permitted = (key: string) => leadingKeys().some((pattern) => glob(pattern).test(key));

  it('permits every key the drill reads and writes', () => {
    const journal = { drillId: 'drill-20261201-0001' } as Parameters<typeof canaryId>[0];
    expect([MAINTENANCE_KEY, TRAFFIC_KEY, canaryId(journal, 3), lockKey('production'), journalKey('production')].filter((k) => !permitted(k))).toEqual([]);
  });

  it('does not permit the authorizer\'s copy of the user pool\'s signing keys', () => {
    expect(permitted(jwksKey('eu-west-1_AbCdEf123'))).toBe(false);
  });
});
