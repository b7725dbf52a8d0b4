/**
 * The live audit, for an environment with credentials: AWS Config rule and conformance-pack
 * compliance, CloudFormation drift of every catalog stack, CloudTrail logging, and whether what is
 * deployed is what the catalog says — in both regions (and the edge region for the edge stacks).
 */
import { regionOf, stackName, type Catalog, type Role } from '../../stacks/catalog';
import { errorMessage } from '../../errors';
import type { Output } from '../../ui/output';
import type { Finding } from '../types';
import { systemClock, type Clock, type RegionPorts, type ResourceDrift } from './ports';

export const LIVE_CHECKS = ['deployment', 'drift', 'config', 'cloudtrail'] as const;
export type LiveCheck = (typeof LIVE_CHECKS)[number];

export interface LiveEnvironment {
  name: string;
  project: string;
  primaryRegion: string;
  secondaryRegion: string;
}

export interface LiveAuditInput {
  catalog: Catalog;
  env: LiveEnvironment;
  ports: (region: string) => Promise<RegionPorts>;
  /** Audit only this region. */
  region?: string;
  checks?: LiveCheck[];
  clock?: Clock;
  out?: Output;
  /** Drift detection: time between status polls, and the give-up time per stack. */
  pollMs?: number;
  driftTimeoutMs?: number;
}

export type DriftState = 'IN_SYNC' | 'DRIFTED' | 'NOT_CHECKED' | 'UNKNOWN' | 'FAILED';

export interface LiveStack {
  region: string;
  stack: string;
  name: string;
  state: 'deployed' | 'missing' | 'extra';
  status?: string;
  drift?: DriftState;
  driftedResources?: number;
}

export interface LiveAuditResult {
  environment: string;
  regions: string[];
  stacks: LiveStack[];
  configRules: { region: string; rules: number; nonCompliant: number }[];
  conformancePacks: { region: string; name: string; nonCompliantRules: string[] }[];
  trails: { region: string; name: string; multiRegion: boolean; logging: boolean }[];
  findings: Finding[];
}

const BAD_STATUS = /(FAILED|ROLLBACK_COMPLETE|ROLLBACK_IN_PROGRESS)$/;

export async function auditLive(input: LiveAuditInput): Promise<LiveAuditResult> {
  const clock = input.clock ?? systemClock;
  const checks = new Set(input.checks ?? LIVE_CHECKS);
  const { env, catalog } = input;
  const findings: Finding[] = [];
  const result: LiveAuditResult = { environment: env.name, regions: [], stacks: [], configRules: [], conformancePacks: [], trails: [], findings };

  // Where each catalog stack should run.
  const expected = new Map<string, { stack: string; name: string }[]>();
  for (const [stack, spec] of Object.entries(catalog.stacks)) {
    for (const role of spec.regions as Role[]) {
      const region = regionOf(role, env);
      if (input.region && region !== input.region) continue;
      const list = expected.get(region) ?? [];
      if (!list.some((e) => e.stack === stack)) list.push({ stack, name: stackName(env.project, env.name, stack) });
      expected.set(region, list);
    }
  }
  const accountRegions = [env.primaryRegion, env.secondaryRegion].filter((r) => !input.region || r === input.region);
  result.regions = [...new Set([...accountRegions, ...expected.keys()])];

  // Regions are independent: audit them at once (drift detection dominates, polling for minutes), merge in order.
  const parts = await Promise.all(result.regions.map((region) => auditRegion(region, expected.get(region) ?? [], accountRegions, input, checks, clock)));
  const trailCoverage = new Set<string>();
  for (const { part, covered } of parts) {
    result.stacks.push(...part.stacks);
    result.configRules.push(...part.configRules);
    result.conformancePacks.push(...part.conformancePacks);
    result.trails.push(...part.trails);
    findings.push(...part.findings);
    for (const r of covered) trailCoverage.add(r);
  }
  if (checks.has('cloudtrail')) {
    for (const region of accountRegions) {
      if (!trailCoverage.has(region)) {
        findings.push({ rule: 'CloudTrail.Logging', control: 'CloudTrail.1', severity: 'high', title: 'CloudTrail trails are logging', message: `no logging trail records ${region}`, source: 'cloudtrail', region, remediation: 'Deploy the observability stack (its multi-Region trail) and make sure the trail is logging.' });
      }
    }
  }
  return result;
}

type RegionPart = Pick<LiveAuditResult, 'stacks' | 'configRules' | 'conformancePacks' | 'trails' | 'findings'>;

async function auditRegion(
  region: string,
  expected: { stack: string; name: string }[],
  accountRegions: string[],
  input: LiveAuditInput,
  checks: Set<LiveCheck>,
  clock: Clock,
): Promise<{ part: RegionPart; covered: string[] }> {
  const part: RegionPart = { stacks: [], configRules: [], conformancePacks: [], trails: [], findings: [] };
  const covered: string[] = [];
  const incomplete = (check: string, source: Finding['source'], error: unknown) => {
    input.out?.warn(`${region}: ${check} could not be read: ${errorMessage(error)}`);
    part.findings.push({ rule: 'Audit.Incomplete', severity: 'high', title: 'A live check could not run', message: `${check} in ${region}: ${errorMessage(error)}`, source, region, remediation: 'Check the credentials and permissions of the audit (config:Describe*, config:Get*, cloudformation:DetectStackDrift, cloudformation:Describe*, cloudformation:ListStacks, cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus).' });
  };
  const ports = await input.ports(region);
  if (checks.has('deployment') || checks.has('drift')) {
    input.out?.progress(`${region}: stacks${checks.has('drift') ? ' and drift' : ''}`);
    try {
      await auditStacks(region, expected, ports, input.env, checks, clock, input, part);
    } catch (error) {
      incomplete('CloudFormation stacks', 'deployment', error);
    }
  }
  if (!accountRegions.includes(region)) return { part, covered };
  if (checks.has('config')) {
    input.out?.progress(`${region}: AWS Config compliance`);
    try {
      await auditConfig(region, ports, part);
    } catch (error) {
      incomplete('AWS Config compliance', 'config', error);
    }
  }
  if (checks.has('cloudtrail')) {
    input.out?.progress(`${region}: CloudTrail`);
    try {
      for (const trail of await ports.trails.trails()) {
        // A trail is checked once, from its home region; a multi-Region trail from elsewhere only when its home region is not audited.
        if (trail.homeRegion !== region && (accountRegions.includes(trail.homeRegion) || !trail.multiRegion)) continue;
        const status = await ports.trails.status(trail.arn);
        part.trails.push({ region, name: trail.name, multiRegion: trail.multiRegion, logging: status.isLogging });
        if (status.isLogging) covered.push(...(trail.multiRegion ? accountRegions : [region]));
        else {
          part.findings.push({ rule: 'CloudTrail.Logging', control: 'CloudTrail.1', severity: 'high', title: 'CloudTrail trails are logging', message: `trail ${trail.name} is not logging`, source: 'cloudtrail', region, resourceId: trail.arn, remediation: 'aws cloudtrail start-logging --name <trail>; find out who stopped it (StopLogging in CloudTrail event history).' });
        }
        if (status.latestDeliveryError) {
          part.findings.push({ rule: 'CloudTrail.Delivery', severity: 'medium', title: 'CloudTrail delivers its log files', message: `trail ${trail.name}: last delivery failed: ${status.latestDeliveryError}`, source: 'cloudtrail', region, resourceId: trail.arn, remediation: 'Check the trail bucket policy and the KMS key policy for cloudtrail.amazonaws.com.' });
        }
      }
    } catch (error) {
      incomplete('CloudTrail', 'cloudtrail', error);
      // Already reported as incomplete: do not also claim that no trail records the region.
      covered.push(region);
    }
  }
  return { part, covered };
}

async function auditStacks(
  region: string,
  expected: { stack: string; name: string }[],
  ports: RegionPorts,
  env: LiveEnvironment,
  checks: Set<LiveCheck>,
  clock: Clock,
  input: LiveAuditInput,
  result: RegionPart,
): Promise<void> {
  const deployed = new Map((await ports.stacks.listStacks()).map((s) => [s.name, s.status]));
  const prefix = `${env.project}-${env.name}-`;
  const present: LiveStack[] = [];
  for (const { stack, name } of expected) {
    const status = deployed.get(name);
    if (status === undefined) {
      result.stacks.push({ region, stack, name, state: 'missing' });
      if (checks.has('deployment')) result.findings.push({ rule: 'Deployment.Missing', severity: 'high', title: 'Every catalog stack is deployed', message: `${name} is in the catalog but not deployed in ${region}`, source: 'deployment', region, stack: name, remediation: `cafe-ops deploy --env ${env.name} --stack ${stack}` });
      continue;
    }
    const entry: LiveStack = { region, stack, name, state: 'deployed', status };
    result.stacks.push(entry);
    present.push(entry);
    if (checks.has('deployment') && BAD_STATUS.test(status)) {
      result.findings.push({ rule: 'Deployment.Status', severity: 'high', title: 'Deployed stacks are healthy', message: `${name} is ${status}`, source: 'deployment', region, stack: name, remediation: 'Look at the stack events (cafe-ops deploy shows them) and redeploy or continue the rollback.' });
    }
  }
  if (checks.has('deployment')) {
    const known = new Set(expected.map((e) => e.name));
    for (const [name, status] of deployed) {
      if (!name.startsWith(prefix) || known.has(name)) continue;
      result.stacks.push({ region, stack: name.slice(prefix.length), name, state: 'extra', status });
      result.findings.push({ rule: 'Deployment.Extra', severity: 'low', title: 'Nothing is deployed that the catalog does not know', message: `${name} is deployed in ${region} but is not a stack of the catalog there`, source: 'deployment', region, stack: name, remediation: 'Delete the stack if it is left over, or add it to templates/stacks.yaml.' });
    }
  }
  if (!checks.has('drift')) return;
  await detectDrift(region, present, ports, clock, input, result);
}

async function detectDrift(region: string, stacks: LiveStack[], ports: RegionPorts, clock: Clock, input: LiveAuditInput, result: RegionPart): Promise<void> {
  const pollMs = input.pollMs ?? 5000;
  const timeoutMs = input.driftTimeoutMs ?? 10 * 60_000;
  const pending: { entry: LiveStack; id: string; started: number }[] = [];
  for (const entry of stacks) {
    if (entry.status?.endsWith('_IN_PROGRESS')) {
      entry.drift = 'NOT_CHECKED';
      continue;
    }
    try {
      pending.push({ entry, id: await ports.stacks.detectDrift(entry.name), started: clock.now().getTime() });
    } catch (error) {
      entry.drift = 'FAILED';
      result.findings.push(driftFailure(region, entry.name, errorMessage(error)));
    }
  }
  while (pending.length > 0) {
    for (const item of [...pending]) {
      const status = await ports.stacks.driftStatus(item.id);
      if (status.status === 'DETECTION_IN_PROGRESS') {
        if (clock.now().getTime() - item.started < timeoutMs) continue;
        item.entry.drift = 'UNKNOWN';
        result.findings.push(driftFailure(region, item.entry.name, `no result after ${Math.round(timeoutMs / 1000)} s`));
      } else if (status.status === 'DETECTION_FAILED' && status.stackDriftStatus === undefined) {
        item.entry.drift = 'FAILED';
        result.findings.push(driftFailure(region, item.entry.name, status.reason ?? 'detection failed'));
      } else {
        // DETECTION_FAILED with a status means some resources could not be checked; the others were.
        const drifts = await ports.stacks.resourceDrifts(item.entry.name);
        item.entry.drift = drifts.length > 0 || status.stackDriftStatus === 'DRIFTED' ? 'DRIFTED' : 'IN_SYNC';
        item.entry.driftedResources = drifts.length;
        for (const d of drifts) {
          const where = { source: 'drift' as const, region, stack: item.entry.name, logicalId: d.logicalId, resourceType: d.resourceType, ...(d.physicalId ? { resourceId: d.physicalId } : {}) };
          if (managedOutsideTemplate(d)) {
            result.findings.push({
              rule: 'Drift.Managed',
              severity: 'info',
              title: 'Properties cafe-ops manages outside the template',
              message: `${item.entry.name}: ${d.logicalId} differs from its template only in ${d.properties.map((p) => p.path).join(', ')}, which cafe-ops manages outside it (${MANAGED_OUTSIDE_TEMPLATE[d.resourceType]!.why})`,
              ...where,
              remediation: 'Nothing to do: this is the expected state. Do not redeploy to "fix" it.',
            });
            continue;
          }
          const props = d.properties.map((p) => `${p.path} ${p.difference.toLowerCase()}${p.expected !== undefined || p.actual !== undefined ? ` (expected ${p.expected ?? '-'}, actual ${p.actual ?? '-'})` : ''}`);
          result.findings.push({
            rule: 'Drift',
            severity: 'high',
            title: 'Deployed resources match their templates',
            message: `${item.entry.name}: ${d.logicalId} ${d.status === 'DELETED' ? 'was deleted outside CloudFormation' : `was changed outside CloudFormation${props.length ? `: ${props.join('; ')}` : ''}`}`,
            ...where,
            remediation: 'Put the change into the template and deploy, or redeploy to undo it.',
          });
        }
      }
      pending.splice(pending.indexOf(item), 1);
    }
    if (pending.length > 0) await clock.sleep(pollMs);
  }
}

/**
 * Properties the CLI changes on purpose outside CloudFormation, so drift there is the expected state: the
 * WAF blocklist's addresses (the template creates each IP set empty and `cafe-ops waf` fills it; docs/waf.md).
 * Drift reports such a resource MODIFIED with the property differences
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html).
 */
const MANAGED_OUTSIDE_TEMPLATE: Record<string, { paths: string[]; why: string }> = {
  'AWS::WAFv2::IPSet': { paths: ['/Addresses'], why: 'the WAF blocklist, `cafe-ops waf list`' },
};

function managedOutsideTemplate(d: ResourceDrift): boolean {
  const managed = MANAGED_OUTSIDE_TEMPLATE[d.resourceType];
  if (!managed || d.status !== 'MODIFIED' || d.properties.length === 0) return false;
  return d.properties.every((p) => managed.paths.some((m) => p.path === m || p.path.startsWith(`${m}/`)));
}

function driftFailure(region: string, stack: string, reason: string): Finding {
  return { rule: 'Drift.Unknown', severity: 'medium', title: 'Drift detection completes', message: `${stack}: drift detection did not complete: ${reason}`, source: 'drift', region, stack, remediation: 'Run drift detection again (aws cloudformation detect-stack-drift) and check the resources it could not read.' };
}

async function auditConfig(region: string, ports: RegionPorts, result: RegionPart): Promise<void> {
  const recorders = await ports.config.recorders();
  if (!recorders.some((r) => r.recording)) {
    result.findings.push({
      rule: 'Config.Recording',
      control: 'Config.1',
      severity: 'critical',
      title: 'AWS Config records resources in every region',
      message: recorders.length ? `the configuration recorder ${recorders.map((r) => r.name).join(', ')} of ${region} is not recording` : `${region} has no AWS Config configuration recorder`,
      source: 'config',
      region,
      remediation: 'Deploy the observability stack in this region (it defines the recorder), or start it: aws configservice start-configuration-recorder.',
    });
  }
  const rules = await ports.config.ruleCompliance();
  const packs = await ports.config.conformancePacks();
  const packOf = new Map<string, string>();
  for (const pack of packs) {
    result.conformancePacks.push({ region, name: pack.name, nonCompliantRules: pack.nonCompliantRules });
    for (const rule of pack.nonCompliantRules) packOf.set(rule, pack.name);
  }
  const failing = rules.filter((r) => r.compliance === 'NON_COMPLIANT');
  // Rules reported non-compliant only by a pack (e.g. not returned by the rule listing) are read too.
  const names = [...new Set([...failing.map((r) => r.name), ...packOf.keys()])];
  result.configRules.push({ region, rules: rules.length, nonCompliant: names.length });
  for (const name of names) {
    const resources = await ports.config.nonCompliantResources(name);
    const pack = packOf.get(name);
    const base = { rule: name, severity: 'medium' as const, title: pack ? `AWS Config rule of conformance pack ${pack}` : 'AWS Config rule', source: 'config' as const, region, remediation: `See the rule ${name} in the AWS Config console for what compliant means; fix the resource in its template and deploy.` };
    if (resources.length === 0) result.findings.push({ ...base, message: `${name} is NON_COMPLIANT` });
    for (const r of resources) {
      result.findings.push({ ...base, message: `${r.resourceType} ${r.resourceId} is NON_COMPLIANT${r.annotation ? `: ${r.annotation}` : ''}`, resourceType: r.resourceType, resourceId: r.resourceId });
    }
  }
}
