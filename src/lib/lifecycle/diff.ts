/**
 * `cafe-ops diff`: property-level differences between what is deployed (GetTemplate, the stack's
 * parameters and tags) and what a deploy would send (the serialized template of the catalog, the
 * parameters resolved from the plan, the stack tags). Templates are compared by
 * @aws-cdk/cloudformation-diff, the library behind `cdk diff`, which also calls out IAM statement and
 * security-group changes (https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-diff.html).
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { ResolvedEnvironment } from '../config/load';
import type { PlannedStack } from '../deploy/plan';
import { errorMessage } from '../errors';
import { regionOf, stackName, type Role } from '../stacks/catalog';
import { parseTemplate, type CfnTemplate } from '../templates/load';
import { serializeTemplate } from '../templates/serialize';
import type { LifecycleDeps } from './ports';

export interface ResourceDiff {
  logicalId: string;
  type: string;
  /** WILL_CREATE, WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY, WILL_ORPHAN ... (cloudformation-diff's ResourceImpact). */
  impact: string;
  /** Names of the properties that change. */
  properties: string[];
  /** Other attributes that change (DeletionPolicy, Metadata, DependsOn ...). */
  other: string[];
}

export interface ValueDiff {
  name: string;
  deployed?: string;
  planned?: string;
}

export interface StackDiff {
  id: string;
  stackName: string;
  region: string;
  state: 'not deployed' | 'changed' | 'unchanged' | 'failed';
  resources: ResourceDiff[];
  /** Differences of the template's other sections (Parameters, Outputs, Conditions ...), counted. */
  templateDifferences: number;
  parameters: ValueDiff[];
  tags: ValueDiff[];
  security: { iamChanges: boolean; securityGroupChanges: boolean; permissionsBroadened: boolean };
  /** What cloudformation-diff prints for people (the IAM and security-group tables first). */
  text: string;
  error?: string;
}

export interface DiffReport {
  environment: string;
  changed: boolean;
  stacks: StackDiff[];
}

export interface DiffOptions {
  env: ResolvedEnvironment;
  /** Tags deploy puts on every stack. */
  tags: Record<string, string>;
  /** The S3 key deploy would give an artifact (content-addressed); built, never uploaded. */
  artifactKey(name: string): Promise<string>;
  /** Reads a template file (default: the file system). */
  readTemplate?(file: string): Promise<string>;
}

type CfnDiff = typeof import('@aws-cdk/cloudformation-diff');

export async function diffInstances(instances: PlannedStack[], options: DiffOptions, deps: LifecycleDeps): Promise<DiffReport> {
  const cfnDiff: CfnDiff = await import('@aws-cdk/cloudformation-diff');
  const outputs = new Map<string, Promise<Record<string, string> | undefined>>();
  const outputsOf = (stack: string, role: Role) => {
    const key = `${stack}@${role}`;
    if (!outputs.has(key)) {
      outputs.set(key, deps.cloudFormation(regionOf(role, options.env)).describeStack(stackName(options.env.project, options.env.name, stack)).then((s) => s?.outputs));
    }
    return outputs.get(key)!;
  };
  const stacks = await Promise.all(
    instances.map(async (node): Promise<StackDiff> => {
      const base = { id: node.id, stackName: node.stackName, region: node.region };
      try {
        return { ...base, ...(await diffOne(node, options, deps, cfnDiff, outputsOf)) };
      } catch (error) {
        return { ...base, state: 'failed', resources: [], templateDifferences: 0, parameters: [], tags: [], security: noSecurity, text: '', error: errorMessage(error) };
      }
    }),
  );
  return { environment: options.env.name, changed: stacks.some((s) => s.state !== 'unchanged'), stacks };
}

const noSecurity = { iamChanges: false, securityGroupChanges: false, permissionsBroadened: false };

async function diffOne(
  node: PlannedStack,
  options: DiffOptions,
  deps: LifecycleDeps,
  cfnDiff: CfnDiff,
  outputsOf: (stack: string, role: Role) => Promise<Record<string, string> | undefined>,
): Promise<Omit<StackDiff, 'id' | 'stackName' | 'region'>> {
  const cfn = deps.cloudFormation(node.region);
  const source = await (options.readTemplate ?? ((f: string) => readFile(f, 'utf8')))(node.template);
  // The planned values name the template's snapshots (API deployments, Lambda versions) as a deploy would.
  const values = await plannedValues(node, options, outputsOf);
  const planned = parseTemplate(serializeTemplate(source, node.template, values).body, node.template).template;
  const deployed = await cfn.describeStack(node.stackName);
  if (!deployed || deployed.status === 'DELETE_COMPLETE' || deployed.status === 'REVIEW_IN_PROGRESS') {
    const diff = cfnDiff.fullDiff({}, planned as never);
    return { state: 'not deployed', resources: resourceDiffs(diff), templateDifferences: 0, parameters: [], tags: [], security: noSecurity, text: render(cfnDiff, diff) };
  }
  const current = parseTemplate(await cfn.getTemplate(node.stackName), `${node.stackName} (deployed)`).template;
  const diff = cfnDiff.fullDiff(current as never, planned as never);
  const resources = resourceDiffs(diff);
  const parameters = valueDiffs(deployed.parameters, withDefaults(values, planned), noEcho(planned));
  const tags = valueDiffs(deployed.tags, options.tags, new Set());
  const security = { iamChanges: diff.iamChanges.hasChanges, securityGroupChanges: diff.securityGroupChanges.hasChanges, permissionsBroadened: diff.permissionsBroadened };
  const templateDifferences = diff.differenceCount - resources.length;
  const changed = diff.differenceCount > 0 || parameters.length > 0 || tags.length > 0;
  return { state: changed ? 'changed' : 'unchanged', resources, templateDifferences, parameters, tags, security, text: diff.isEmpty ? '' : render(cfnDiff, diff) };
}

function resourceDiffs(diff: import('@aws-cdk/cloudformation-diff').TemplateDiff): ResourceDiff[] {
  const list: ResourceDiff[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    list.push({
      logicalId,
      type: change.resourceType ?? change.newResourceType ?? change.oldResourceType ?? '?',
      impact: change.changeImpact,
      properties: Object.keys(change.propertyUpdates),
      other: Object.keys(change.otherChanges),
    });
  });
  return list;
}

function render(cfnDiff: CfnDiff, diff: import('@aws-cdk/cloudformation-diff').TemplateDiff): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  cfnDiff.formatDifferences(sink, diff);
  return text.trimEnd();
}

/** The parameter values deploy would pass: planned ones, outputs read from the producers, artifact keys. */
async function plannedValues(node: PlannedStack, options: DiffOptions, outputsOf: (stack: string, role: Role) => Promise<Record<string, string> | undefined>): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const p of node.parameters) {
    if (p.value !== undefined) {
      values[p.name] = p.value;
    } else if (typeof p.source === 'object' && 'output' in p.source) {
      const [stack, output] = p.source.output.split('.') as [string, string];
      const role = (p.source.from ?? node.role) as Role;
      const produced = await outputsOf(stack, role);
      values[p.name] = produced?.[output] ?? `(output ${output} of ${stack}@${role}: ${produced ? 'missing' : 'not deployed'})`;
    } else if (typeof p.source === 'object' && 'artifact' in p.source) {
      values[p.name] = await options.artifactKey(p.source.artifact);
    }
  }
  return values;
}

/** Parameters the plan leaves out take their template Default, as CloudFormation does. */
function withDefaults(values: Record<string, string>, template: CfnTemplate): Record<string, string> {
  const all = { ...values };
  for (const [name, p] of Object.entries(template.Parameters ?? {})) {
    if (all[name] === undefined && p.Default !== undefined) all[name] = Array.isArray(p.Default) ? p.Default.join(',') : String(p.Default);
  }
  return all;
}

function noEcho(template: CfnTemplate): Set<string> {
  return new Set(Object.entries(template.Parameters ?? {}).filter(([, p]) => p.NoEcho === true || String(p.NoEcho) === 'true').map(([name]) => name));
}

/** Keys whose values differ; a NoEcho parameter (DescribeStacks shows it as ****) is never compared. */
function valueDiffs(deployed: Record<string, string>, planned: Record<string, string>, hidden: Set<string>): ValueDiff[] {
  const names = [...new Set([...Object.keys(deployed), ...Object.keys(planned)])].sort();
  return names
    .filter((name) => !hidden.has(name) && deployed[name] !== planned[name])
    .map((name) => ({ name, ...(deployed[name] !== undefined ? { deployed: deployed[name] } : {}), ...(planned[name] !== undefined ? { planned: planned[name] } : {}) }));
}

/** The diff for people: one block per stack instance with changes, then a one-line summary. */
export function renderDiff(report: DiffReport, out: LifecycleDeps['out']): void {
  for (const s of report.stacks) {
    const where = `${s.stackName} (${s.region})`;
    if (s.state === 'unchanged') {
      out.info(`${where}: no differences`);
      continue;
    }
    if (s.state === 'failed') {
      out.warn(`${where}: cannot diff: ${s.error}`);
      continue;
    }
    out.info('');
    out.info(s.state === 'not deployed' ? `${where}: not deployed; a deploy creates ${s.resources.length} resources` : `${where}:`);
    if (s.state === 'not deployed') continue;
    if (s.text) out.info(s.text);
    if (s.parameters.length) {
      out.info('Parameters');
      for (const p of s.parameters) out.info(`[~] ${p.name}: ${p.deployed ?? '(none)'} → ${p.planned ?? '(none)'}`);
    }
    if (s.tags.length) {
      out.info('Stack tags');
      for (const t of s.tags) out.info(`[~] ${t.name}: ${t.deployed ?? '(none)'} → ${t.planned ?? '(none)'}`);
    }
    if (s.security.iamChanges || s.security.securityGroupChanges) {
      out.warn(`${where}: ${[s.security.iamChanges && 'IAM statement', s.security.securityGroupChanges && 'security group'].filter(Boolean).join(' and ')} changes (see the tables above)${s.security.permissionsBroadened ? '; permissions are broadened' : ''}`);
    }
    out.info('');
  }
  const changed = report.stacks.filter((s) => s.state !== 'unchanged');
  out.info(changed.length ? `${changed.length} of ${report.stacks.length} stack instances differ from what a deploy would send` : `no differences in ${report.stacks.length} stack instances`);
}
