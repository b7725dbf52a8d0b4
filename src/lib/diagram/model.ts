/**
 * The architecture diagram's model, derived from the stack catalog and the templates: one box per
 * stack instance (stack × role), placed by deployment wave, listing the resources it creates, and
 * one edge per output that another stack instance takes as a parameter.
 */
import { resolve } from 'node:path';
import { loadTemplate, type CfnTemplate } from '../templates/load';
import { sourceFor, ROLES, type Catalog, type Role } from '../stacks/catalog';
import { buildGraph, waves } from '../stacks/graph';

export interface DiagramBox {
  id: string;
  stack: string;
  role: Role;
  wave: number;
  description: string;
  /** Resource summary lines such as `3 DynamoDB global tables`, most significant first. */
  resources: string[];
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** The outputs carried, e.g. `KmsKeyArn`. */
  outputs: string[];
  crossRegion: boolean;
}

export interface DiagramModel {
  roles: Role[];
  boxes: DiagramBox[];
  edges: DiagramEdge[];
}

/** Display names of the resource types worth showing, in the order they are listed; others are left out. */
const LABELS: [type: string, singular: string, plural?: string][] = [
  ['AWS::CloudFront::Distribution', 'CloudFront distribution'],
  ['AWS::CertificateManager::Certificate', 'ACM certificate'],
  ['AWS::WAFv2::WebACL', 'WAF web ACL'],
  ['AWS::Route53::RecordSet', 'Route 53 record'],
  ['AWS::Route53::HealthCheck', 'Route 53 health check'],
  ['AWS::ApiGateway::RestApi', 'REST API'],
  ['AWS::ApiGateway::Authorizer', 'API authorizer'],
  ['AWS::ApiGateway::DomainName', 'API custom domain'],
  ['AWS::Lambda::Function', 'Lambda function'],
  ['AWS::StepFunctions::StateMachine', 'Step Functions state machine'],
  ['AWS::Cognito::UserPool', 'Cognito user pool'],
  ['AWS::Cognito::UserPoolGroup', 'user pool group'],
  ['AWS::RDS::GlobalCluster', 'Aurora global database'],
  ['AWS::RDS::DBCluster', 'Aurora cluster'],
  ['AWS::RDS::DBInstance', 'Aurora Serverless v2 instance'],
  ['AWS::DynamoDB::GlobalTable', 'DynamoDB global table'],
  ['AWS::S3::Bucket', 'S3 bucket'],
  ['AWS::KMS::Key', 'KMS key'],
  ['AWS::KMS::ReplicaKey', 'KMS replica key'],
  ['AWS::SecretsManager::Secret', 'Secrets Manager secret'],
  ['AWS::SNS::Topic', 'SNS topic'],
  ['AWS::EC2::VPC', 'VPC'],
  ['AWS::EC2::Subnet', 'subnet'],
  ['AWS::EC2::NatGateway', 'NAT gateway'],
  ['AWS::EC2::VPCEndpoint', 'VPC endpoint'],
  ['AWS::EC2::NetworkAcl', 'network ACL'],
  ['AWS::EC2::SecurityGroup', 'security group'],
  ['AWS::EC2::FlowLog', 'flow log'],
  ['AWS::CloudWatch::Dashboard', 'CloudWatch dashboard'],
  ['AWS::CloudWatch::Alarm', 'CloudWatch alarm'],
  ['AWS::CloudTrail::Trail', 'CloudTrail trail'],
  ['AWS::Config::ConfigurationRecorder', 'Config recorder'],
  ['AWS::Config::ConfigRule', 'Config rule'],
  ['AWS::Config::ConformancePack', 'Config conformance pack'],
  ['AWS::Budgets::Budget', 'budget'],
  ['AWS::IAM::OIDCProvider', 'OIDC provider'],
  ['AWS::IAM::Role', 'IAM role'],
];

export async function buildDiagramModel(catalog: Catalog): Promise<DiagramModel> {
  const graph = buildGraph(catalog);
  const templates = new Map<string, CfnTemplate>();
  await Promise.all(
    Object.values(catalog.stacks).map(async (spec) => {
      if (!templates.has(spec.template)) templates.set(spec.template, (await loadTemplate(resolve(catalog.root, spec.template))).template);
    }),
  );
  const boxes: DiagramBox[] = [];
  waves(graph, new Set(graph.nodes.keys())).forEach((wave, index) => {
    for (const id of wave) {
      const node = graph.nodes.get(id)!;
      const spec = catalog.stacks[node.stack]!;
      const known = knownParameters(catalog, node.stack, node.role);
      boxes.push({
        id,
        stack: node.stack,
        role: node.role,
        wave: index,
        description: spec.description ?? '',
        resources: summarise(activeOf(templates.get(spec.template)!, known)),
      });
    }
  });
  const edges: DiagramEdge[] = [];
  for (const [stack, spec] of Object.entries(catalog.stacks)) {
    for (const role of spec.regions) {
      const carried = new Map<string, string[]>();
      for (const value of Object.values(spec.parameters)) {
        const src = sourceFor(value, role);
        if (!src || typeof src !== 'object' || !('output' in src)) continue;
        const [producer, output] = src.output.split('.') as [string, string];
        const from = `${producer}@${src.from ?? role}`;
        carried.set(from, [...(carried.get(from) ?? []), output]);
      }
      for (const [from, outputs] of carried) {
        edges.push({ from, to: `${stack}@${role}`, outputs: outputs.sort(), crossRegion: from.split('@')[1] !== role });
      }
    }
  }
  const roles = ROLES.filter((role) => boxes.some((b) => b.role === role));
  return { roles, boxes, edges: edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)) };
}

/** Parameter values a stack instance gets whatever the environment: its role and literals. */
function knownParameters(catalog: Catalog, stack: string, role: Role): Map<string, string> {
  const known = new Map<string, string>();
  for (const [name, value] of Object.entries(catalog.stacks[stack]!.parameters)) {
    const src = sourceFor(value, role);
    if (src === undefined) continue;
    if (typeof src !== 'object') known.set(name, String(src));
    else if ('context' in src && src.context === 'role') known.set(name, role);
  }
  return known;
}

/** The resources whose Condition is not known to be false for this instance. */
function activeOf(template: CfnTemplate, known: Map<string, string>): CfnTemplate['Resources'] {
  return Object.fromEntries(
    Object.entries(template.Resources).filter(([, resource]) => !resource.Condition || evaluate({ Condition: resource.Condition }, template, known) !== false),
  );
}

/** Logical ids of the resources a stack instance creates (its Conditions evaluated for its role). */
export function activeResources(catalog: Catalog, stack: string, role: Role, template: CfnTemplate): Set<string> {
  return new Set(Object.keys(activeOf(template, knownParameters(catalog, stack, role))));
}

/** Counts the labelled resource types, e.g. `3 DynamoDB global tables`. */
export function summarise(resources: CfnTemplate['Resources']): string[] {
  const counts = new Map<string, number>();
  for (const resource of Object.values(resources)) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  return LABELS.filter(([type]) => counts.has(type)).map(([type, singular, plural]) => {
    const n = counts.get(type)!;
    return n === 1 ? singular : `${n} ${plural ?? `${singular}s`}`;
  });
}

/** Evaluates a condition when every parameter it reads is known; undefined otherwise. */
function evaluate(expr: unknown, template: CfnTemplate, known: Map<string, string>): boolean | string | undefined {
  if (typeof expr === 'string') return expr;
  if (!expr || typeof expr !== 'object') return undefined;
  const [fn, arg] = Object.entries(expr)[0] ?? [];
  const args = Array.isArray(arg) ? arg : [arg];
  switch (fn) {
    case 'Ref':
      return known.get(String(arg));
    case 'Condition':
      return evaluate(template.Conditions?.[String(arg)], template, known) as boolean | undefined;
    case 'Fn::Equals': {
      const [a, b] = args.map((x) => evaluate(x, template, known));
      return a === undefined || b === undefined ? undefined : String(a) === String(b);
    }
    case 'Fn::Not': {
      const v = evaluate(args[0], template, known);
      return typeof v === 'boolean' ? !v : undefined;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = args.map((x) => evaluate(x, template, known));
      if (fn === 'Fn::And' && values.includes(false)) return false;
      if (fn === 'Fn::Or' && values.includes(true)) return true;
      return values.every((v) => typeof v === 'boolean') ? fn === 'Fn::And' : undefined;
    }
    default:
      return undefined;
  }
}
