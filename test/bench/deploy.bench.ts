/**
 * Deploy makespan of the real catalog on the in-memory CloudFormation (virtual time), with
 * realistic per-stack durations, against the graph's critical path and a one-at-a-time baseline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../src/lib/config/load';
import { deployPlan } from '../../src/lib/deploy/engine';
import { buildPlan, type DeployPlan } from '../../src/lib/deploy/plan';
import { parseCatalog } from '../../src/lib/stacks/catalog';
import { parseTemplate } from '../../src/lib/templates/load';
import { templateHash } from '../../src/lib/templates/serialize';
import { createMemoryOutput } from '../support/memory-output';
import { FakeClock, FakeCloudFormation } from '../lib/deploy/fake-cloudformation';
import type { Benchmark } from './run';

const root = join(__dirname, '../..');
/**
 * Typical creation times in minutes (CloudFront and Aurora dominate). rotation: a function in the VPC (its network
 * interfaces) and the schedules, whose creation runs the first rotation.
 */
export const MINUTES: Record<string, number> = { bootstrap: 1, keys: 1, security: 2, network: 3, 'network-peering': 1, identity: 1, data: 25, rotation: 3, app: 4, edge: 8, observability: 2, ci: 1 };
const CHANGE_SET_MS = 5_000;
/**
 * The update after a create made with create-time values (data: deletion protection turned on): it only
 * flips DeletionProtection on the clusters, the global cluster and the tables, in place.
 */
const FOLLOW_UP_MS = 2 * 60_000;
/** Stacks whose template names create-time values (Metadata cafe-ops.on-create-parameters) get that update. */
const FOLLOWED_UP = new Set(['data']);
/** Work after a deploy: the migrations after app@primary, the storefront upload after edge. */
const HOOK_MS: Record<string, number> = { 'app@primary': 15_000, 'edge@edge': 30_000 };

function durationOf(id: string): number {
  const [stack, role] = id.split('@') as [string, string];
  const minutes = MINUTES[stack];
  // An unknown stack would sleep NaN ms, which stalls virtual time: say so instead.
  if (minutes === undefined) throw new Error(`deploy bench: no typical creation time for stack "${stack}"; add it to MINUTES`);
  // The secondary Aurora cluster joins an existing global cluster: a little faster.
  return (stack === 'data' && role === 'secondary' ? 20 : minutes) * 60_000 + (HOOK_MS[id] ?? 0) + (FOLLOWED_UP.has(stack) ? CHANGE_SET_MS + FOLLOW_UP_MS : 0);
}

export function criticalPath(plan: DeployPlan): number {
  const finish = new Map<string, number>();
  for (const node of plan.waves.flat()) {
    const start = Math.max(0, ...node.dependsOn.map((d) => finish.get(d) ?? 0));
    finish.set(node.id, start + durationOf(node.id));
  }
  return Math.max(...finish.values());
}

export async function simulate(concurrency: number, environment = 'production', noOpCallMs?: number) {
  const catalogFile = join(root, 'templates/stacks.yaml');
  const catalog = parseCatalog(readFileSync(catalogFile, 'utf8'), catalogFile);
  const env = selectEnvironment(parseConfig(readFileSync(join(root, 'cafe-ops.yml'), 'utf8')), environment);
  const plan = buildPlan(catalog, env);
  const clock = new FakeClock();
  const outputNames = (stackName: string) => {
    const stack = stackName.replace(`${env.project}-${env.name}-`, '');
    const template = parseTemplate(readFileSync(join(root, 'templates', catalog.stacks[stack]!.template), 'utf8'), stack);
    return Object.keys(template.template.Outputs ?? {});
  };
  const durations: Record<string, number> = {};
  const cfn = new FakeCloudFormation({
    clock,
    changeSetMs: CHANGE_SET_MS,
    outputs: (stackName, region) => Object.fromEntries(outputNames(stackName).map((o) => [o, `${stackName}.${o}@${region}`])),
  });
  // Per-instance durations: the fake keys durations by stack; set them as each instance executes.
  const port = (region: string) => {
    const p = cfn.port(region);
    return {
      ...p,
      executeChangeSet: async (stackName: string, changeSet: string) => {
        const node = plan.waves.flat().find((n) => n.stackName === stackName && n.region === region)!;
        const stack = stackName.replace(/^.*?-.*?-/, '');
        const followUp = FOLLOWED_UP.has(stack) ? CHANGE_SET_MS + FOLLOW_UP_MS : 0;
        durations[stack] = changeSet.endsWith('-regular') ? FOLLOW_UP_MS : durationOf(node.id) - (HOOK_MS[node.id] ?? 0) - followUp;
        Object.assign(cfn.options, { durations: { ...durations } });
        return p.executeChangeSet(stackName, changeSet);
      },
    };
  };
  const out = createMemoryOutput();
  let hookMs = (id: string) => HOOK_MS[id]!;
  const deploy = () => deployPlan(
    plan,
    { tags: {}, yes: true, concurrency, readTemplate: async (path) => readFileSync(join(root, path), 'utf8') },
    {
      cloudFormation: port,
      clock,
      out: out.output,
      artifacts: {
        publish: async (name) => `functions/${name}/${'0'.repeat(64)}.zip`,
        // GetTemplate answers a TemplateURL's body, as CloudFormation does.
        publishTemplate: async (body) => {
          const url = `https://bucket/${templateHash(body)}.yaml`;
          cfn.templateUrls.set(url, body);
          return url;
        },
      },
      hooks: {
        invoke: async () => (await clock.sleep(hookMs('app@primary')), { result: { applied: 0 } }),
        publishSite: async () => (await clock.sleep(hookMs('edge@edge')), { uploaded: [], unchanged: 0, deleted: [] }),
      },
    },
  );
  const report = await deploy();
  if (!report.ok) throw new Error(`simulated deploy failed: ${JSON.stringify(report.stacks.filter((s) => s.result !== 'created'))}`);
  const created = { makespan: clock.now(), critical: criticalPath(plan), nodes: report.stacks.length, sum: plan.waves.flat().reduce((n, node) => n + durationOf(node.id), 0) };
  if (noOpCallMs === undefined) return { ...created, noOp: undefined };
  // The same deploy again, nothing changed, every API call taking noOpCallMs; the hooks find nothing to do (0 s).
  Object.assign(cfn.options, { callMs: noOpCallMs });
  hookMs = () => 0;
  const calls = cfn.calls.length;
  const start = clock.now();
  const again = await deploy();
  if (!again.ok || again.stacks.some((s) => s.result !== 'no changes')) throw new Error(`no-op deploy changed something: ${JSON.stringify(again.stacks.filter((s) => s.result !== 'no changes'))}`);
  const made = cfn.calls.slice(calls);
  const byOp = new Map<string, number>();
  for (const c of made) byOp.set(c.split(' ')[0]!, (byOp.get(c.split(' ')[0]!) ?? 0) + 1);
  return { ...created, noOp: { makespan: clock.now() - start, calls: made.length, byOp, skipped: again.stacks.filter((s) => s.detectedBy === 'comparison').length } };
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

const bench: Benchmark = {
  title: 'Deploy makespan (virtual time, real catalog)',
  async run() {
    const rows: string[] = [];
    let critical = 0;
    let nodes = 0;
    let sum = 0;
    for (const concurrency of [1, 2, 4, 8]) {
      const r = await simulate(concurrency);
      critical = r.critical;
      nodes = r.nodes;
      sum = r.sum;
      rows.push(`| ${concurrency}${concurrency === 4 ? ' (default)' : ''} | ${minutes(r.makespan)} | ${(r.makespan / r.critical).toFixed(3)} |`);
    }
    return [
      `The production plan (${nodes} stack instances) deployed on the in-memory CloudFormation with virtual time: creation times`,
      `per stack ${Object.entries(MINUTES).map(([k, v]) => `${k} ${v}`).join(', ')} min (data in the secondary 20), ${CHANGE_SET_MS / 1000} s per change set,`,
      `then ${HOOK_MS['app@primary']! / 1000} s of migrations after app in the primary region and ${HOOK_MS['edge@edge']! / 1000} s of storefront upload after edge;`,
      `data's create is followed by a ${FOLLOW_UP_MS / 60_000} min update that turns deletion protection on (create-time values, docs/catalog.md).`,
      `Critical path of the graph: ${minutes(critical)}; all stacks one after another: ${minutes(sum)} (${(sum / critical).toFixed(2)} × the critical path).`,
      '',
      '| --concurrency | makespan | makespan / critical path |',
      '|---|---|---|',
      ...rows,
      '',
      'Target: ≤ 1.05 × the critical path at the default concurrency. The excess over the critical path is change-set creation and',
      'the polling interval (backoff from 1 s, capped at 10 s) on each link of the chain.',
    ].join('\n');
  },
};

const NO_OP_CALL_MS = 80;

/** A deploy that finds nothing to change: API calls per stack instance and makespan at 80 ms a call. */
export const noOpBench: Benchmark = {
  title: 'No-op deploy (virtual time, staging catalog, 80 ms per API call)',
  async run() {
    const r = await simulate(4, 'staging', NO_OP_CALL_MS);
    const n = r.noOp!;
    const perInstance = n.calls / r.nodes;
    return [
      `The staging plan (${r.nodes} stack instances) deployed once on the in-memory CloudFormation, then deployed again with nothing`,
      `changed, every API call taking ${NO_OP_CALL_MS} ms of virtual time, --concurrency 4, the after-deploy hooks finding nothing to do (0 s).`,
      `A stack instance whose template body, parameters, tags, role and stack policy equal what is deployed is "no changes"`,
      'without a change set (`detectedBy: comparison`); `--force` creates the change sets anyway.',
      '',
      '| | measured | goal |',
      '|---|---|---|',
      `| stack instances skipped without a change set | ${n.skipped} of ${r.nodes} | all |`,
      `| API calls per stack instance | ${perInstance.toFixed(2)} (${[...n.byOp].map(([op, c]) => `${op} ${c}`).join(', ')}) | ≤ 3 |`,
      `| makespan | ${(n.makespan / 1000).toFixed(2)} s | ≤ 5 s |`,
      '',
      'DescribeStacks, then GetTemplate and GetStackPolicy in parallel, per stack instance; stacks start as soon as the stacks they',
      'need are done, so the makespan is about two round trips per link of the longest dependency chain.',
    ].join('\n');
  },
};

export default [bench, noOpBench];
