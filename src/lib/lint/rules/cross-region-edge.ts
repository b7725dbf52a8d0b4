/**
 * A reference into another region with no edge in the catalog's graph.
 *
 * A template value can point at a resource of another region: an ARN built with that region's
 * name (`${SecondaryRegion}`, a region parameter), the KMS key of a DynamoDB replica or of a
 * secret's replica region, the VPC a peering connection requests. CloudFormation does not wait for
 * that resource, and the other region's stack may not exist yet: secret replicas encrypted with a
 * replica key that the secondary's security stack creates later never arrive; a global table's
 * replica with a key not yet there fails. Such a stack instance must be deployed after a stack
 * instance of that region that provides the thing, which only the catalog can say (a parameter
 * wired `from:` that role makes the edge).
 *
 * Heuristic (and its limits):
 * - Found: Fn::Sub / Fn::Join strings that render to an ARN whose region is another role's region
 *   (through `${AWS::Region}` of another instance, catalog context primaryRegion/secondaryRegion,
 *   or an output of another region), and `Region` / `PeerRegion` entries naming another region,
 *   together with the key-ish values of the same entry (KmsKeyId, KMSMasterKeyId, PeerVpcId ...).
 * - Satisfied when this instance has a dependency path in the graph to an instance of that region
 *   whose template creates a resource of the ARN's service (kms → AWS::KMS::*, secretsmanager →
 *   AWS::SecretsManager::* ...), or when the paired value is a parameter wired from an output of an
 *   instance of that region. A paired value from this instance's own region is a finding too (a
 *   replica's key must be in the replica's region).
 * - Not found: literal ARNs with a region spelled out (lint has no environment to map region names
 *   to roles, except us-east-1 for the edge), ARNs assembled at run time (in function code,
 *   Fn::Select/Split chains), and which resource of the service the ARN names (any resource of that
 *   service in the region's earlier stacks counts). AWS-managed aliases (alias/aws/...) exist in every region.
 *
 * Docs: https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html
 * (the replica region's key must exist there), https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html
 * (ReplicaSSESpecification KMSMasterKeyId: a key of the replica's region),
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-replicakey.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/walkthrough-crossstackref.html
 * (cross-stack references are regional: exports do not cross regions).
 */
import { EDGE_REGION } from '../../stacks/catalog';
import { DeployContext, isObject, type DeployRule, type Path, type RuleFinding, type StackInstance } from '../context';

const NAMESPACES: Record<string, string[]> = {
  kms: ['KMS'],
  secretsmanager: ['SecretsManager'],
  dynamodb: ['DynamoDB'],
  sns: ['SNS'],
  sqs: ['SQS'],
  s3: ['S3'],
  lambda: ['Lambda'],
  states: ['StepFunctions'],
  logs: ['Logs'],
  rds: ['RDS'],
  ec2: ['EC2'],
  'execute-api': ['ApiGateway'],
  apigateway: ['ApiGateway'],
  events: ['Events'],
  'cognito-idp': ['Cognito'],
  acm: ['CertificateManager'],
  wafv2: ['WAFv2'],
  ssm: ['SSM'],
  ecr: ['ECR'],
  kinesis: ['Kinesis'],
};

const REGION_KEYS = new Set(['Region', 'PeerRegion']);
const PAIRED_KEYS: Record<string, string> = { KmsKeyId: 'kms', KMSMasterKeyId: 'kms', KmsMasterKeyId: 'kms', KMSKeyId: 'kms', KmsKeyArn: 'kms', PeerVpcId: 'ec2' };
const ROLE_REGIONS = ['primary', 'secondary', EDGE_REGION];

function isBuilt(value: unknown): boolean {
  return isObject(value) && ('Fn::Sub' in value || 'Fn::Join' in value);
}

const rule: DeployRule = {
  id: 'cross-region-edge',
  title: 'References into another region follow an edge of the catalog',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/walkthrough-crossstackref.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    const providers = (region: string, service: string) =>
      ctx.instances.filter((i) => i.region === region && ctx.resources(i, (t) => (NAMESPACES[service] ?? [service]).some((ns) => t.toLowerCase().startsWith(`aws::${ns.toLowerCase()}::`))).length > 0);

    const needs = (instance: StackInstance, id: string, path: Path, region: string, service: string, shown: string) => {
      const candidates = providers(region, service);
      if (candidates.some((c) => ctx.dependsOn(instance.id, c.id))) return;
      const where = candidates.length
        ? `${candidates.map((c) => c.id).join(', ')} ${candidates.length === 1 ? 'creates' : 'create'} ${service} resources there but ${candidates.length === 1 ? 'is' : 'are'} not deployed before it`
        : `no stack of the catalog creates ${service} resources there`;
      findings.push({
        template: instance.template,
        path,
        message:
          `${id} in ${instance.id} points into the ${region} region (${shown}) with no edge of the catalog to it: ${where}. ` +
          `Wire the value from an output of that region's stack (a parameter with from: ${region === EDGE_REGION ? 'edge' : region}) so it is deployed first`,
      });
    };

    for (const instance of ctx.instances) {
      const foreign = (rendered: string) => DeployContext.regionsIn(rendered).filter((r) => r !== instance.region && ROLE_REGIONS.includes(r));
      for (const { id } of ctx.resources(instance)) {
        const resource = instance.template.template.Resources[id]!;
        const visit = (value: unknown, path: Path) => {
          if (Array.isArray(value)) return value.forEach((v, i) => visit(v, [...path, i]));
          if (!isObject(value)) return;
          if (isBuilt(value)) {
            const rendered = ctx.render(instance, value);
            if (rendered?.startsWith('arn:')) {
              const [, , service = '', region = ''] = rendered.split(':');
              for (const r of foreign(region)) needs(instance, id, path, r, service, DeployContext.show(rendered));
            }
            return;
          }
          if ('Fn::If' in value) return ctx.branches(instance, value).forEach((v) => visit(v, path));
          if ('Ref' in value || 'Fn::GetAtt' in value) return;
          for (const key of Object.keys(value).filter((k) => REGION_KEYS.has(k))) {
            const region = ctx.render(instance, value[key]);
            for (const r of region ? foreign(region) : []) {
              paired(value, [...path]).forEach(([pairedValue, pairedPath, service]) => checkPaired(instance, id, pairedValue, pairedPath, r, service));
            }
          }
          for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
        };
        visit(resource.Properties, ['Resources', id, 'Properties']);
      }
    }

    function paired(entry: Record<string, unknown>, path: Path): [unknown, Path, string][] {
      const found: [unknown, Path, string][] = [];
      const walk = (v: unknown, p: Path) => {
        if (!isObject(v) || 'Ref' in v || isBuilt(v)) return;
        for (const [k, child] of Object.entries(v)) {
          if (PAIRED_KEYS[k]) found.push([child, [...p, k], PAIRED_KEYS[k]!]);
          else walk(child, [...p, k]);
        }
      };
      walk(entry, path);
      return found;
    }

    function checkPaired(instance: StackInstance, id: string, value: unknown, path: Path, region: string, service: string) {
      for (const v of ctx.branches(instance, value)) {
        if (isBuilt(v)) {
          const rendered = ctx.render(instance, v);
          const arnRegion = rendered?.startsWith('arn:') ? rendered.split(':')[3] : undefined;
          // A foreign ARN is checked where it is built; one of this region, paired with another, is wrong.
          if (arnRegion !== undefined && DeployContext.regionsIn(arnRegion).includes(instance.region)) wrongRegion(instance, id, path, region, DeployContext.show(rendered!));
          continue;
        }
        if (typeof v === 'string') {
          if (v.startsWith('alias/aws/') || v.startsWith('arn:')) continue;
          needs(instance, id, path, region, service, v);
          continue;
        }
        if (!isObject(v) || typeof v.Ref !== 'string') continue;
        if (instance.template.template.Resources[v.Ref]) {
          wrongRegion(instance, id, path, region, `${v.Ref}, a resource of this stack`);
          continue;
        }
        const source = ctx.parameterSource(instance, v.Ref);
        if (source && typeof source === 'object' && 'output' in source) {
          const from = DeployContext.regionOf(source.from ?? instance.role);
          if (from !== region) wrongRegion(instance, id, path, region, `${v.Ref}, wired from ${source.output} of the ${from} region`);
          continue;
        }
        const rendered = ctx.render(instance, v);
        if (rendered && !rendered.startsWith('alias/aws/') && !rendered.startsWith('arn:')) needs(instance, id, path, region, service, `${v.Ref} = ${DeployContext.show(rendered)}`);
      }
    }

    function wrongRegion(instance: StackInstance, id: string, path: Path, region: string, shown: string) {
      findings.push({
        template: instance.template,
        path,
        message: `${id} in ${instance.id} pairs the ${region} region with ${shown}, which is of the ${instance.region} region: a replica's key (or peer) must be one of the replica's own region`,
      });
    }
    return findings;
  },
};
export default rule;
