import { DEFAULT_SETTINGS, type DrillSettings } from '../../../src/lib/failover/engine';
import { runDrill, type DrillRequest, type DrillResult } from '../../../src/lib/failover/drill';
import type { Journal } from '../../../src/lib/failover/journal';
import { memoryJournalStore } from '../../support/memory-journal';
import { STEP_IDS, type StepId } from '../../../src/lib/failover/steps';
import type { DrillReport } from '../../../src/lib/failover/report';
import { createMemoryOutput } from '../../support/memory-output';
import { CanaryError } from '../../../src/lib/failover/ports';
import { ARN, CHECK, CONTROL, ENV, FakeWorld, HEALTH_FUNCTION } from './fakes';

const MUTATIONS = /PutItem|Switchover|Failover|UpdateHealthCheck|canary-write/;

function harness(world = new FakeWorld(), options: { interactive?: boolean; answers?: boolean[] } = {}) {
  const journals = memoryJournalStore();
  const out = createMemoryOutput({ interactive: options.interactive ?? false, ...(options.answers ? { answers: options.answers } : {}) });
  const run = (request: Omit<Partial<DrillRequest>, 'settings'> & { settings?: Partial<DrillSettings> } = {}) =>
    runDrill(
      { env: ENV, action: 'failover', to: 'secondary', mode: 'planned', yes: true, allowDataLoss: false, ...request, settings: { ...DEFAULT_SETTINGS, ...request.settings } },
      { ports: world.ports(), store: journals.store, out: out.output },
    );
  return { world, journals, out, run };
}

const report = (result: DrillResult) => result as DrillReport & { action: 'failover' | 'resume' };
const flag = async (world: FakeWorld, region: string) => world.ports().tables.writesPaused(region, CONTROL);

describe('failover drill on fakes', () => {
  it('fails over to the secondary (planned, --traffic-switch health-check): writer, DNS and writes end in the secondary, RTO and RPO measured', async () => {
    const { world, run, journals, out } = harness();
    const result = report(await run({ settings: { trafficSwitch: 'health-check' } }));
    expect(result.state).toBe('completed');
    expect(world.writer).toBe('secondary');
    expect(world.checks.get(CHECK.primary)).toMatchObject({ inverted: true, disabled: true });
    expect(world.publicRegion()).toBe('eu-central-1');
    expect(await flag(world, 'eu-central-1')).toBe(false);
    expect(await flag(world, 'eu-west-1')).toBe(false);
    // Order: the database switched before DNS moved; a single switchover call.
    const switchAt = world.calls.indexOf('rds.SwitchoverGlobalCluster eu-central-1');
    const dnsAt = world.calls.indexOf('route53.UpdateHealthCheck us-east-1');
    expect(switchAt).toBeGreaterThan(0);
    expect(dnsAt).toBeGreaterThan(switchAt);
    expect(world.calls.filter((c) => c.startsWith('rds.Switchover'))).toHaveLength(1);
    // Timeline: every step done, timed, with request ids where AWS was called.
    expect(result.timeline.map((t) => t.status)).toEqual(STEP_IDS.map(() => 'done'));
    expect(result.timeline.find((t) => t.step === 'switch-database')!.requestIds.length).toBeGreaterThanOrEqual(3);
    expect(result.timeline.find((t) => t.step === 'switch-database')!.durationMs).toBeGreaterThanOrEqual(45_000);
    expect(result.timeline.find((t) => t.step === 'wait-ttl')!.durationMs).toBe(60_000);
    // RTO = detection + recovery, at least the switch and the TTL; RPO 0 with every canary arrived.
    expect(result.rto.ms).toBe(result.rto.detectionMs + result.rto.recoveryMs!);
    expect(result.rto.ms).toBeGreaterThan(105_000);
    expect(result.rpo).toMatchObject({ ms: 0, canaryMs: 0, auroraMs: 0, canaries: { written: [1, 2], arrived: [1, 2], missing: [] } });
    expect(result.rpo).toMatchObject({ auroraCanaryMs: 0, auroraCanaries: { written: [1, 2], arrived: [1, 2], missing: [] } });
    // Aurora canaries 1 and 2 went through the primary's health function to the primary cluster before the switch;
    // the verify step's signed writes through the API (public name, then the secondary's own name) and canary 3
    // through the secondary's, to the secondary cluster.
    const drill = result.drillId;
    expect(world.auroraRows.map((r) => [r.row.id, r.row.region, r.cluster])).toEqual([
      [`canary#${drill}#1`, 'eu-west-1', 'primary'],
      [`canary#${drill}#2`, 'eu-west-1', 'primary'],
      [`canary#${drill}#api-public`, 'eu-central-1', 'secondary'],
      [`canary#${drill}#api-regional`, 'eu-central-1', 'secondary'],
      [`canary#${drill}#3`, 'eu-central-1', 'secondary'],
    ]);
    expect(world.apiPosts.map((p) => [p.url, p.region, p.signedFor, p.body])).toEqual([
      ['https://api.cafe.example.com/health/canary', 'eu-central-1', 'eu-central-1', { id: `canary#${drill}#api-public` }],
      ['https://api-eu-central-1.cafe.example.com/health/canary', 'eu-central-1', 'eu-central-1', { id: `canary#${drill}#api-regional` }],
    ]);
    // The API writes are made in verify, while the café's writes are still paused.
    const apiWriteAt = world.calls.indexOf('http.POST api.cafe.example.com');
    expect(apiWriteAt).toBeGreaterThan(world.calls.lastIndexOf('http.GET api.cafe.example.com'));
    expect(result.timeline.find((t) => t.step === 'verify')!.detail).toContain('signed POST /health/canary 201 from eu-central-1 through api.cafe.example.com and api-eu-central-1.cafe.example.com');
    expect(world.calls.filter((c) => c === 'lambda.Invoke:canary-write eu-west-1')).toHaveLength(2);
    expect(world.calls.lastIndexOf('lambda.Invoke:canary-write eu-west-1')).toBeLessThan(switchAt);
    const targetWrite = world.calls.indexOf('lambda.Invoke:canary-write eu-central-1');
    const resumedAt = world.calls.lastIndexOf('dynamodb.PutItem eu-central-1', targetWrite);
    expect(world.calls.slice(resumedAt, targetWrite).some((c) => c.startsWith('rds.') || c.startsWith('route53.'))).toBe(false);
    expect(targetWrite).toBeGreaterThan(world.calls.indexOf('http.GET api.cafe.example.com'));
    const resume = result.timeline.find((t) => t.step === 'resume-writes')!;
    expect(Date.parse(result.startedAt) + result.rto.ms! + result.rto.promptMs).toBeGreaterThanOrEqual(Date.parse(resume.endedAt!));
    expect(result.timeline.find((t) => t.step === 'check-canary')!.detail).toBe(
      'canary 3 written in eu-central-1 (Aurora through cafe-production-health, and the control table); from eu-west-1: 2 of 2 control-table canaries and 2 of 2 Aurora canaries arrived',
    );
    const journal = (await journals.store.load('production'))!;
    expect(journal.auroraCanaries!.map((c) => c.requestId)).toEqual([expect.stringMatching(/^req-/), expect.stringMatching(/^req-/), expect.stringMatching(/^req-/)]);
    expect(result.timeline.find((t) => t.step === 'check-canary')!.requestIds).toContain(journal.auroraCanaries![2]!.requestId);
    expect(journal.switchRequestedAt).toBeGreaterThanOrEqual(journal.auroraCanaries![1]!.writtenAt);
    expect(result.writesPausedMs).toBeGreaterThan(0);
    expect(journals.reports[0]!.markdown).toMatch(/\| RTO \| \d+\.\d s \|/);
    expect(journals.reports[0]!.markdown).toContain('```mermaid\ngantt');
    expect(out.text()).toMatch(/RTO \d+\.\d s \(detection/);
    expect((await journals.store.load('production'))!.state).toBe('completed');
  });

  it('fails back to the primary the same way, waiting for Route 53 to see the primary healthy', async () => {
    const { world, run } = harness();
    await run({ settings: { trafficSwitch: 'health-check' } });
    const back = report(await run({ to: 'primary', settings: { trafficSwitch: 'health-check' } }));
    expect(back.state).toBe('completed');
    expect(back.from.region).toBe('eu-central-1');
    expect(world.writer).toBe('primary');
    expect(world.checks.get(CHECK.primary)).toMatchObject({ inverted: false, disabled: false });
    expect(world.publicRegion()).toBe('eu-west-1');
    expect(back.rpo.ms).toBe(0);
    expect(back.rpo).toMatchObject({ auroraCanaryMs: 0, auroraCanaries: { written: [1, 2], arrived: [1, 2], missing: [] } });
    expect(world.auroraRows.filter((r) => r.row.id.startsWith(`canary#${back.drillId}#`)).map((r) => [r.row.id.split('#').pop(), r.row.region, r.cluster])).toEqual([
      ['1', 'eu-central-1', 'secondary'],
      ['2', 'eu-central-1', 'secondary'],
      ['api-public', 'eu-west-1', 'primary'],
      ['api-regional', 'eu-west-1', 'primary'],
      ['3', 'eu-west-1', 'primary'],
    ]);
    expect(world.apiPosts.slice(-2).map((p) => [new URL(p.url).host, p.region, p.signedFor])).toEqual([
      ['api.cafe.example.com', 'eu-west-1', 'eu-west-1'],
      ['api-eu-west-1.cafe.example.com', 'eu-west-1', 'eu-west-1'],
    ]);
    expect(back.timeline.find((t) => t.step === 'move-traffic')!.durationMs).toBeGreaterThanOrEqual(30_000);
  });

  it('asks before changing anything: yes runs the drill, no changes nothing, no terminal refuses', async () => {
    const accepted = harness(new FakeWorld(), { interactive: true, answers: [true] });
    expect(report(await accepted.run({ yes: false })).state).toBe('completed');
    expect(accepted.out.questions).toEqual(['Run the planned failover of production to eu-central-1 now?']);
    const declined = harness(new FakeWorld(), { interactive: true, answers: [false] });
    await expect(declined.run({ yes: false })).rejects.toThrow('failover cancelled: nothing changed');
    expect(declined.world.calls.filter((c) => MUTATIONS.test(c))).toEqual([]);
    const headless = harness(new FakeWorld(), { interactive: false });
    await expect(headless.run({ yes: false })).rejects.toMatchObject({ message: expect.stringMatching(/^confirmation needed: Run the planned failover/) });
    expect(headless.journals.saved).toHaveLength(0);
  });

  it('--dry-run runs the preflight and shows the plan without changing anything', async () => {
    const { world, run, journals } = harness();
    const result = await run({ action: 'dry-run' });
    expect(result).toMatchObject({ action: 'dry-run', ok: true, from: 'eu-west-1', to: 'eu-central-1' });
    if (result.action !== 'dry-run') throw new Error('not a dry run');
    expect(result.plan.map((p) => p.step)).toEqual(['preflight', ...STEP_IDS, 'journal']);
    expect(result.plan.find((p) => p.step === 'switch-database')!.does).toContain(`SwitchoverGlobalCluster cafe-production-global → ${ARN.secondary}`);
    expect(result.plan.find((p) => p.step === 'canary')!.does).toBe('put canary 1 in cafe-production-control and in Aurora through cafe-production-health (eu-west-1)');
    expect(result.plan.find((p) => p.step === 'check-canary')!.does).toContain('write canary 3 in eu-central-1 (Aurora through cafe-production-health');
    expect(result.preflight.map((c) => c.status)).toEqual(result.preflight.map(() => 'pass'));
    expect(world.calls.filter((c) => MUTATIONS.test(c))).toEqual([]);
    expect(journals.saved).toHaveLength(0);
  });

  const failures: [string, (world: FakeWorld) => void, RegExp][] = [
    ['a stack not complete', (w) => (w.stacks.get('eu-central-1/cafe-production-app')!.status = 'UPDATE_ROLLBACK_FAILED'), /stacks: cafe-production-app \(eu-central-1\) is UPDATE_ROLLBACK_FAILED/],
    ['a stack missing', (w) => w.stacks.delete('eu-central-1/cafe-production-security'), /stacks: cafe-production-security \(eu-central-1\) is MISSING/],
    ['an output missing', (w) => delete w.stacks.get('us-east-1/cafe-production-edge')!.outputs.SecondaryHealthCheckId, /stack outputs missing: edge@edge\.SecondaryHealthCheckId/],
    ['the target cluster not a member', (w) => (w.stacks.get('eu-central-1/cafe-production-data')!.outputs.ClusterArn = 'arn:aws:rds:eu-central-1:222222222222:cluster:stray'), /global-cluster: arn:aws:rds:eu-central-1:222222222222:cluster:stray is not a member of cafe-production-global/],
    ['target already the writer', (w) => (w.writer = 'secondary'), /global-cluster: eu-central-1 is already the writer/],
    ['a switch already under way', (w) => (w.failoverState = { status: 'switching-over', from: ARN.primary, to: ARN.secondary, dataLossAllowed: false, until: Infinity }), /global-cluster: a switching-over switchover\/failover is already under way/],
    ['secondary out of sync', (w) => (w.syncStatus = 'pending-resync'), /global-cluster: target cluster replication is pending-resync/],
    ['lag above the threshold', (w) => (w.replicationLagMs = 4_200), /replication-lag: replication lag 4\.2 s, RPO lag 0\.\d s, above the 1\.0 s threshold/],
    ['no lag datapoints', (w) => (w.lagDatapoints = false), /replication-lag: no recent AuroraGlobalDBReplicationLag datapoints for cafe-production-secondary/],
    ['target /health failing', (w) => w.unhealthy.add('eu-central-1'), /target-health: https:\/\/api-eu-central-1\.cafe\.example\.com\/health answered 503/],
    ['a DynamoDB replica not ACTIVE', (w) => w.replicaStatus.set('eu-central-1/cafe-production-carts', 'CREATING'), /dynamodb-replicas: cafe-production-carts replica in eu-central-1 is CREATING/],
    ['a health check missing', (w) => w.checks.delete(CHECK.secondary), /route53: health check hc-secondary-2222 does not exist/],
    ['the target health check unhealthy', (w) => (w.checks.get(CHECK.secondary)!.inverted = true), /route53: eu-central-1 check hc-secondary-2222: 0 of 8 checkers healthy/],
    ['a secret not replicated', (w) => w.secrets.delete('arn:aws:secretsmanager:eu-central-1:222222222222:secret:pay-XyZ789'), /secrets-keys: .*pay-XyZ789 missing/],
    ['the key disabled', (w) => w.disabledKeys.add('arn:aws:kms:eu-central-1:222222222222:key/mrk-1234'), /secrets-keys: key .* missing or disabled/],
    [
      'a health function without the canary actions',
      (w) => (w.failOn = (op, region) => (op === 'lambda.Invoke:canary-read' && region === 'eu-central-1' ? new CanaryError('cafe-production-health in eu-central-1 answered a canary read without found and missing', false) : undefined)),
      /aurora-canary: eu-central-1: cafe-production-health in eu-central-1 answered a canary read without found and missing/,
    ],
    [
      'no permission to invoke the health function in the source',
      (w) => (w.failOn = (op, region) => (op.startsWith('lambda.Invoke') && region === 'eu-west-1' ? Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' }) : undefined)),
      /aurora-canary: eu-west-1: User is not authorized to perform: lambda:InvokeFunction/,
    ],
    ['writes already paused', (w) => ((w.pauseReason = 'failover drill 20261125T0800-abc'), w.writes.push({ region: 'eu-west-1', key: `${CONTROL}/maintenance`, value: true, at: 0 })), /writes-paused: writes are already paused \(.*eu-west-1: failover drill 20261125T0800-abc/],
    [
      'a rotation of the administrator secret in progress',
      (w) => w.rotating.add('eu-central-1'),
      /secret-rotation: a rotation of the administrator secret is in progress in eu-central-1 \(arn:aws:secretsmanager:eu-central-1:222222222222:secret:db-AbC123 has an AWSPENDING version that is not AWSCURRENT\): wait for it to finish .*docs\/failover\.md/,
    ],
    // The secrets rotate in their primary region (the source of this drill) and replicate to the target.
    [
      'a rotation of the app user secret in progress in the primary region',
      (w) => w.rotatingSecrets.add('arn:aws:secretsmanager:eu-west-1:222222222222:secret:app-DeF456'),
      /secret-rotation: a rotation of the app user secret is in progress in eu-west-1 /,
    ],
    ['the app user secret not replicated', (w) => w.secrets.delete('arn:aws:secretsmanager:eu-central-1:222222222222:secret:app-DeF456'), /secrets-keys: .*app-DeF456 missing/],
    ['another drill holding the lock', (w) => w.locks.set(`eu-central-1/${CONTROL}/production`, { drillId: 'd-other', holder: 'ana@ci-runner-7, pid 42', since: Date.UTC(2026, 10, 25, 8, 30) }), /drill-lock: drill d-other holds the lock \(eu-central-1\), started by ana@ci-runner-7, pid 42 at 2026-11-25T08:30:00.000Z/],
    ['RDS throttling', (w) => (w.failOn = (op) => (op === 'rds.DescribeGlobalClusters' ? Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }) : undefined)), /global-cluster: Rate exceeded/],
  ];
  it.each(failures)('refuses when preflight finds %s, and changes nothing', async (_name, breakIt, message) => {
    const { world, run, journals } = harness();
    breakIt(world);
    await expect(run(/route53/.test(message.source) ? { settings: { trafficSwitch: 'health-check' } } : {})).rejects.toMatchObject({ name: 'UserError', message: expect.stringMatching(message), exitCode: 1 });
    expect(world.calls.filter((c) => MUTATIONS.test(c))).toEqual([]);
    expect(journals.saved).toHaveLength(0);
  });

  it('stops before DNS when the switchover never finishes, and says how to roll back; --abort resumes writes', async () => {
    const { world, run, journals } = harness(new FakeWorld({ switchMs: Infinity }));
    const result = report(await run({ settings: { switchTimeoutMs: 10 * 60_000 } }));
    expect(result.state).toBe('stopped');
    expect(result.ok).toBe(false);
    expect(result.stop).toMatchObject({ step: 'switch-database', reason: 'eu-central-1 to become the writer: not done after 600 s' });
    expect(result.stop!.rollback).toContain('aws rds describe-global-clusters --global-cluster-identifier cafe-production-global --region eu-central-1');
    expect(result.stop!.rollback).toContain('DNS was not moved');
    expect(world.calls.some((c) => c.startsWith('route53.UpdateHealthCheck'))).toBe(false);
    expect(await flag(world, 'eu-west-1')).toBe(true);
    expect(journals.reports).toHaveLength(1);
    // The switch is still under way: abort refuses until it ends.
    await expect(run({ action: 'abort' })).rejects.toThrow(/still under way in AWS/);
    // AWS gives up on the switch: the primary stays the writer.
    world.failoverState = undefined;
    world.globalStatus = 'available';
    const aborted = await run({ action: 'abort' });
    expect(aborted).toMatchObject({ action: 'abort', ok: true });
    expect(await flag(world, 'eu-west-1')).toBe(false);
    expect(world.writer).toBe('primary');
    expect((await journals.store.load('production'))!.state).toBe('aborted');
  });

  it.each(STEP_IDS.slice(0, -1).map((s) => [s]))('resumes after a crash right after %s, and finishes in the same state as an uninterrupted drill', async (step) => {
    const { world, run, journals } = harness();
    const stopper = new AbortController();
    const save = journals.store.save;
    journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === step && s.status === 'done')) stopper.abort();
    };
    const first = report(await run({ signal: stopper.signal }));
    expect(first.state).toBe('interrupted');
    // A crash leaves the journal as saved right after the step, still "running".
    const image = journals.saved.find((j) => j.state === 'running' && j.steps.some((s) => s.id === step && s.status === 'done'))!;
    journals.put(image);
    journals.store.save = save;
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(resumed.resumed).toBe(1);
    expect(world.writer).toBe('secondary');
    expect(world.publicRegion()).toBe('eu-central-1');
    expect(await flag(world, 'eu-central-1')).toBe(false);
    expect(world.calls.filter((c) => c.startsWith('rds.Switchover'))).toHaveLength(1);
    expect(resumed.rpo.ms).toBe(0);
    expect(resumed.rpo.auroraCanaries).toEqual({ written: [1, 2], arrived: [1, 2], missing: [] });
    // Each canary once, the API's included, whatever step was run again.
    expect(world.auroraRows.map((r) => r.row.id.split('#').pop())).toEqual(['1', '2', 'api-public', 'api-regional', '3']);
    expect(resumed.rto.ms).toBeGreaterThan(0);
  });

  it('resumes a crash in the middle of the switch without asking AWS to switch again', async () => {
    const { world, run, journals } = harness();
    const stopper = new AbortController();
    const save = journals.store.save;
    journals.store.save = async (j) => {
      await save(j);
      if (world.calls.some((c) => c.startsWith('rds.Switchover'))) stopper.abort();
    };
    expect(report(await run({ signal: stopper.signal })).state).toBe('interrupted');
    const image = journals.saved.find((j: Journal) => j.steps.some((s) => s.id === 'switch-database' && s.status === 'running'))!;
    journals.put(image);
    journals.store.save = save;
    expect(report(await run({ action: 'resume' })).state).toBe('completed');
    expect(world.calls.filter((c) => c.startsWith('rds.Switchover'))).toHaveLength(1);
  });

  it('--abort before the database switch restores DNS and writes as they were', async () => {
    const { world, run, journals } = harness();
    const stopper = new AbortController();
    const save = journals.store.save;
    journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === 'pause-writes' && s.status === 'done')) stopper.abort();
    };
    await run({ signal: stopper.signal });
    expect(await flag(world, 'eu-west-1')).toBe(true);
    const result = await run({ action: 'abort' });
    if (result.action !== 'abort') throw new Error('not an abort');
    expect(result.advice).toContain('still in eu-west-1');
    expect(await flag(world, 'eu-west-1')).toBe(false);
    expect(world.checks.get(CHECK.primary)).toMatchObject({ inverted: false, disabled: false });
    await expect(run({ action: 'resume' })).rejects.toThrow(/is aborted: nothing to resume/);
  });

  it('--abort after the database switched keeps traffic with the writer and says how to switch back', async () => {
    const { world, run, journals } = harness();
    const stopper = new AbortController();
    const save = journals.store.save;
    journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === 'move-traffic' && s.status === 'done')) stopper.abort();
    };
    await run({ signal: stopper.signal, settings: { trafficSwitch: 'health-check' } });
    const result = await run({ action: 'abort' });
    if (result.action !== 'abort') throw new Error('not an abort');
    expect(result.actions).toEqual([expect.stringMatching(/^writes resumed in eu-central-1 \(request req-\d+\)$/)]);
    expect(result.advice).toContain('cafe-ops failover --env production --to primary');
    expect(world.writer).toBe('secondary');
    expect(world.checks.get(CHECK.primary)).toMatchObject({ inverted: true, disabled: true });
    expect(await flag(world, 'eu-central-1')).toBe(false);
  });

  it('refuses to start while an earlier drill is unfinished, and to resume or abort when there is none', async () => {
    const { run, journals } = harness(new FakeWorld({ switchMs: Infinity }));
    await expect(run({ action: 'resume' })).rejects.toThrow('no failover drill of production to resume');
    await expect(run({ action: 'abort' })).rejects.toThrow('no failover drill of production to abort');
    await run({ settings: { switchTimeoutMs: 60_000 } });
    await expect(run()).rejects.toMatchObject({ message: expect.stringMatching(/is stopped at switch-database/), hint: expect.stringContaining('--resume') });
    expect(journals.reports).toHaveLength(1);
  });

  it('unplanned with replication lag: fails over with data loss and reports an RPO above zero', async () => {
    const world = new FakeWorld({ tableLagMs: 3_000 });
    world.rpoLagMs = 2_500;
    world.replicationLagMs = 2_400;
    const { run } = harness(world);
    const result = report(await run({ mode: 'unplanned', allowDataLoss: true }));
    expect(result.state).toBe('completed');
    expect(world.calls).toContain('rds.FailoverGlobalCluster eu-central-1');
    expect(world.calls.some((c) => c.startsWith('rds.Switchover'))).toBe(false);
    expect(result.lagBeforeSwitch).toEqual({ replicationLagMs: 2_400, rpoLagMs: 2_500 });
    expect(result.rpo.auroraMs).toBe(2_500);
    // Nothing was asked of the source: Aurora's own figure is the RPO.
    expect(result.rpo.canaries.written).toEqual([]);
    expect(result.rpo.ms).toBe(2_500);
    expect(result.deviations).toContain('preflight replication-lag: replication lag 2.4 s, RPO lag 2.5 s: writes from the last 2.5 s may be lost');
  });

  it('unplanned with the primary region lost: reads what it can from the secondary and measures the RPO from Aurora', async () => {
    const world = new FakeWorld();
    world.down.add('eu-west-1');
    world.rpoLagMs = 1_800;
    const { run } = harness(world);
    const result = report(await run({ mode: 'unplanned', allowDataLoss: true }));
    expect(result.state).toBe('completed');
    expect(result.preflight.find((c) => c.id === 'stacks')!.status).toBe('pass');
    expect(result.preflight.find((c) => c.id === 'aurora-canary')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/eu-west-1 not asked: unplanned/) });
    expect(world.writer).toBe('secondary');
    expect(world.publicRegion()).toBe('eu-central-1');
    expect(result.rpo).toMatchObject({ ms: 1_800, auroraMs: 1_800, canaries: { written: [] }, auroraCanaries: { written: [], arrived: [], missing: [] } });
    expect(result.rpo.auroraCanaryMs).toBeUndefined();
    expect(world.calls.filter((c) => c.endsWith(' eu-west-1') || c.endsWith(' us-east-1'))).toEqual([]);
    // The write in the new primary still happened, through its own health function.
    expect(world.auroraRows.map((r) => [r.row.id.split('#').pop(), r.row.region, r.cluster])).toEqual([
      ['api-public', 'eu-central-1', 'secondary'],
      ['api-regional', 'eu-central-1', 'secondary'],
      ['3', 'eu-central-1', 'secondary'],
    ]);
  });

  it('preflight reads the rotation of both database secrets in both regions when planned; unplanned, only in the target', async () => {
    const planned = harness();
    const dry = await planned.run({ action: 'dry-run' });
    if (dry.action !== 'dry-run') throw new Error('not a dry run');
    expect(dry.preflight.find((c) => c.id === 'secret-rotation')).toMatchObject({ status: 'pass', detail: 'rotation enabled on both, none in progress' });
    expect(planned.world.calls.filter((c) => c.startsWith('secretsmanager.DescribeSecret')).sort()).toEqual(
      [...Array(2).fill('secretsmanager.DescribeSecret eu-central-1'), ...Array(2).fill('secretsmanager.DescribeSecret eu-west-1'), ...Array(3).fill('secretsmanager.DescribeSecret eu-central-1')].sort(),
    );
    // The primary region is lost, a rotation there stopped half-way: the drill asks only the target, whose replica shows none.
    const lost = new FakeWorld();
    lost.down.add('eu-west-1');
    lost.rotatingSecrets.add('arn:aws:secretsmanager:eu-west-1:222222222222:secret:app-DeF456');
    const result = report(await harness(lost).run({ mode: 'unplanned', allowDataLoss: true }));
    expect(result.state).toBe('completed');
    expect(lost.calls.filter((c) => c.startsWith('secretsmanager.') && c.endsWith('eu-west-1'))).toEqual([]);
  });

  it('preflight warns when a database secret has no rotation configured, and the drill still runs', async () => {
    const world = new FakeWorld();
    world.unrotatedSecrets.add('arn:aws:secretsmanager:eu-west-1:222222222222:secret:db-AbC123');
    const dry = await harness(world).run({ action: 'dry-run' });
    if (dry.action !== 'dry-run') throw new Error('not a dry run');
    expect(dry.preflight.find((c) => c.id === 'secret-rotation')).toMatchObject({ status: 'warn', detail: expect.stringContaining('rotation not enabled on the administrator secret') });
  });

  it('unplanned: an old writer still listed in a lost region is a deviation; in planned mode it stops before DNS', async () => {
    const lost = new FakeWorld();
    lost.down.add('eu-west-1');
    lost.staleWriter = true;
    const result = report(await harness(lost).run({ mode: 'unplanned', allowDataLoss: true }));
    expect(result.state).toBe('completed');
    expect(result.deviations).toContain(`switch-database: ${ARN.primary} is still listed as a writer (its region does not answer); Aurora demotes it when the region recovers`);
    const planned = new FakeWorld();
    planned.staleWriter = true;
    const stopped = report(await harness(planned).run());
    expect(stopped.stop).toMatchObject({ step: 'switch-database', reason: `after the switch the global cluster still lists ${ARN.primary} as a writer` });
    expect(planned.calls.some((c) => c.startsWith('route53.UpdateHealthCheck'))).toBe(false);
  });

  it('unplanned needs its own confirmation: --yes alone is refused, a declined prompt changes nothing', async () => {
    const { world, run } = harness();
    await expect(run({ mode: 'unplanned' })).rejects.toMatchObject({ hint: expect.stringContaining('--allow-data-loss') });
    const interactive = harness(world, { interactive: true, answers: [false] });
    await expect(interactive.run({ mode: 'unplanned', yes: false })).rejects.toThrow('failover cancelled: nothing changed');
    expect(interactive.out.questions).toEqual(['Accept data loss and fail over production to eu-central-1?']);
    expect(world.calls.filter((c) => MUTATIONS.test(c))).toEqual([]);
  });

  it('stops at verify when the new region does not answer, with the database already switched', async () => {
    const { world, run } = harness();
    world.failOn = (op, host) => (op === 'http.GET' && host === 'api.cafe.example.com' && world.writer === 'secondary' ? new Error('connect ECONNREFUSED') : undefined);
    const result = report(await run({ settings: { verifyTimeoutMs: 30_000 } }));
    expect(result.stop).toMatchObject({ step: 'verify' });
    expect(result.stop!.reason).toMatch(/did not answer from eu-central-1 within 30 s \(last: connect ECONNREFUSED\)/);
    expect(result.stop!.rollback).toContain('The database writer is now in eu-central-1');
    expect(await flag(world, 'eu-central-1')).toBe(true);
  });
});

describe('Aurora canaries', () => {
  /** The drill's numbered Aurora canaries (1, 2, 3), without the verify step's API writes. */
  const rowsOf = (world: FakeWorld, drillId: string) => world.auroraRows.filter((r) => r.row.id.startsWith(`canary#${drillId}#`) && !r.row.id.includes('#api-'));

  it('retries the write in the new primary while its writer settles, then counts the RTO from it', async () => {
    const world = new FakeWorld();
    let settledAt: number | undefined;
    world.failOn = (op, region) => {
      if (op !== 'lambda.Invoke:canary-write' || region !== 'eu-central-1' || world.writer !== 'secondary') return undefined;
      settledAt ??= world.clock.now() + 5_000;
      return world.clock.now() < settledAt ? new CanaryError(`${HEALTH_FUNCTION} in eu-central-1: canary-write in eu-central-1 failed: Connection terminated unexpectedly`, true, 'req-retry') : undefined;
    };
    const { run } = harness(world);
    const result = report(await run());
    expect(result.state).toBe('completed');
    const step = result.timeline.find((t) => t.step === 'check-canary')!;
    expect(step.durationMs).toBeGreaterThanOrEqual(5_000);
    expect(Date.parse(result.startedAt) + result.rto.ms! + result.rto.promptMs).toBeGreaterThanOrEqual(settledAt!);
    expect(rowsOf(world, result.drillId).filter((r) => r.cluster === 'secondary')).toHaveLength(1);
  });

  it('stops at check-canary when the write keeps failing, naming the last error; --resume finishes once it works', async () => {
    const world = new FakeWorld();
    world.failOn = (op, region) =>
      op === 'lambda.Invoke:canary-write' && region === 'eu-central-1' && world.writer === 'secondary' ? new CanaryError(`${HEALTH_FUNCTION} in eu-central-1: canary-write in eu-central-1 failed: timeout exceeded when trying to connect (request req-x)`, true, 'req-x') : undefined;
    const { run } = harness(world);
    const stopped = report(await run({ settings: { canaryTimeoutMs: 20_000 } }));
    expect(stopped.stop).toMatchObject({ step: 'check-canary' });
    expect(stopped.stop!.reason).toBe(`Aurora canary 3 written through ${HEALTH_FUNCTION} in eu-central-1: not done after 20 s (last: ${HEALTH_FUNCTION} in eu-central-1: canary-write in eu-central-1 failed: timeout exceeded when trying to connect (request req-x))`);
    expect(stopped.stop!.rollback).toContain('The database writer is now in eu-central-1');
    expect(stopped.rto.ms).toBeUndefined();
    world.failOn = () => undefined;
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(resumed.rpo).toMatchObject({ ms: 0, auroraCanaryMs: 0 });
    expect(rowsOf(world, resumed.drillId).map((r) => r.cluster)).toEqual(['primary', 'primary', 'secondary']);
  });

  it('a function that refuses (no drill_canary table) stops the drill before any change, with the request id; nothing is retried', async () => {
    const world = new FakeWorld();
    world.failOn = (op) => (op === 'lambda.Invoke:canary-write' ? new CanaryError(`${HEALTH_FUNCTION} in eu-west-1: canary-write in eu-west-1 failed: relation "drill_canary" does not exist (request req-nt)`, false, 'req-nt') : undefined);
    const { run } = harness(world);
    const stopped = report(await run());
    expect(stopped.stop).toMatchObject({ step: 'canary', reason: expect.stringContaining('relation "drill_canary" does not exist') });
    expect(stopped.timeline[0]!.requestIds).toContain('req-nt');
    expect(stopped.stop!.rollback).toContain('DNS was not moved');
    expect(world.calls.filter((c) => c.startsWith('lambda.Invoke:canary-write'))).toHaveLength(1);
    expect(world.calls.some((c) => /Switchover|UpdateHealthCheck/.test(c))).toBe(false);
  });

  it('reads canary 3 back from the new primary\'s reader, waiting while the reader trails its writer', async () => {
    const trailing = new FakeWorld({ readerLagMs: 1_000 });
    const result = report(await harness(trailing).run());
    expect(result.state).toBe('completed');
    expect(result.timeline.find((t) => t.step === 'check-canary')!.durationMs).toBeGreaterThanOrEqual(1_000);
    const never = new FakeWorld({ readerLagMs: Infinity });
    const stopped = report(await harness(never).run({ settings: { canaryTimeoutMs: 10_000 } }));
    expect(stopped.stop).toMatchObject({ step: 'check-canary', reason: 'Aurora canary 3 readable from the eu-central-1 reader: not done after 10 s' });
    expect(stopped.rto.ms).toBeUndefined();
  });

  it('planned: a lost connection in the source is retried; unplanned: the source is not asked at all', async () => {
    const blip = (world: FakeWorld) => {
      let failures = 2;
      world.failOn = (op, region) =>
        op === 'lambda.Invoke:canary-write' && region === 'eu-west-1' && failures-- > 0 ? new CanaryError(`${HEALTH_FUNCTION} in eu-west-1: canary-write in eu-west-1 failed: Connection terminated unexpectedly`, true) : undefined;
    };
    const planned = new FakeWorld();
    blip(planned);
    const result = report(await harness(planned).run());
    expect(result.state).toBe('completed');
    expect(result.rpo.auroraCanaries).toEqual({ written: [1, 2], arrived: [1, 2], missing: [] });
    expect(planned.calls.filter((c) => c === 'lambda.Invoke:canary-write eu-west-1')).toHaveLength(4);
    const unplanned = new FakeWorld();
    blip(unplanned);
    const lossy = report(await harness(unplanned).run({ mode: 'unplanned', allowDataLoss: true }));
    expect(lossy.state).toBe('completed');
    expect(lossy.rpo.auroraCanaries.written).toEqual([]);
    expect(unplanned.calls.filter((c) => c.endsWith(' eu-west-1'))).toEqual([]);
  });

  it('in the new primary, a refusal that waiting cannot fix stops check-canary at once', async () => {
    const world = new FakeWorld();
    world.failOn = (op, region) =>
      op === 'lambda.Invoke:canary-write' && region === 'eu-central-1' ? new CanaryError(`${HEALTH_FUNCTION} in eu-central-1: canary-write in eu-central-1 failed: relation "drill_canary" does not exist`, false, 'req-nt') : undefined;
    const stopped = report(await harness(world).run());
    expect(stopped.stop).toMatchObject({ step: 'check-canary', reason: expect.stringContaining('relation "drill_canary" does not exist') });
    expect(world.calls.filter((c) => c === 'lambda.Invoke:canary-write eu-central-1')).toHaveLength(1);
    expect(stopped.timeline.find((t) => t.step === 'check-canary')!.durationMs).toBe(0);
  });

  const answerLost = (world: FakeWorld, region: string, seq: number) => {
    const ports = world.ports.bind(world);
    let lost = false;
    world.ports = () => {
      const p = ports();
      return {
        ...p,
        canary: {
          ...p.canary,
          write: async (r, fn, id) => {
            const row = await p.canary.write(r, fn, id);
            if (!lost && r === region && id.endsWith(`#${seq}`)) {
              lost = true;
              throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
            }
            return row;
          },
        },
      };
    };
  };

  it.each([
    ['canary', 'eu-west-1', 1],
    ['check-canary', 'eu-central-1', 3],
  ] as const)('resumes %s when the row was written but the answer was lost: the write is not repeated, the RPO stays 0', async (step, region, seq) => {
    const world = new FakeWorld();
    answerLost(world, region, seq);
    const { run } = harness(world);
    const stopped = report(await run());
    expect(stopped.stop).toMatchObject({ step, reason: 'socket hang up' });
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(rowsOf(world, resumed.drillId).map((r) => r.row.id.split('#').pop())).toEqual(['1', '2', '3']);
    expect(resumed.rpo).toMatchObject({ ms: 0, auroraCanaryMs: 0, auroraCanaries: { arrived: [1, 2] } });
  });

  it('resumes a crash in the middle of check-canary (after the writes, before the journal was saved)', async () => {
    const { world, run, journals } = harness();
    const first = report(await run());
    expect(first.state).toBe('completed');
    const image = journals.saved.find((j) => j.steps.some((s) => s.id === 'check-canary' && s.status === 'running'))!;
    journals.put(image);
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(rowsOf(world, resumed.drillId)).toHaveLength(3);
    expect(resumed.rpo).toMatchObject({ ms: 0, auroraCanaries: { written: [1, 2], arrived: [1, 2] } });
  });

  it('resumes a journal written before the drill had Aurora canaries, naming the health function from the environment', async () => {
    const { world, run, journals } = harness();
    const stopper = new AbortController();
    const save = journals.store.save;
    journals.store.save = async (j) => {
      await save(j);
      if (j.steps.some((s) => s.id === 'verify' && s.status === 'done')) stopper.abort();
    };
    await run({ signal: stopper.signal });
    journals.store.save = save;
    const old = (await journals.store.load('production'))!;
    delete old.topology.healthFunction;
    delete old.auroraCanaries;
    delete old.switchRequestedAt;
    journals.put(old);
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(resumed.rpo.auroraCanaries).toEqual({ written: [], arrived: [], missing: [] });
    expect(world.auroraRows.at(-1)).toMatchObject({ row: { id: `canary#${resumed.drillId}#3`, region: 'eu-central-1' }, cluster: 'secondary' });
  });
});

describe('the signed write through the API (verify)', () => {
  const postFails = (world: FakeWorld, host: string, status: number, body: string) => {
    const ports = world.ports.bind(world);
    world.ports = () => {
      const p = ports();
      return { ...p, http: { ...p.http, postSigned: async (url, payload, region, timeoutMs) => (new URL(url).hostname === host ? { status, body } : p.http.postSigned(url, payload, region, timeoutMs)) } };
    };
  };

  it.each([
    [403, '{"message":"User: arn:aws:sts::222222222222:assumed-role/cafe-production-deploy/x is not authorized to perform: execute-api:Invoke"}', /answered 403: User: .* is not authorized to perform: execute-api:Invoke \(the drill's credentials need execute-api:Invoke on POST \/health\/canary/],
    [500, '{"error":{"code":"internal","message":"the canary write failed","requestId":"r-1"}}', /^signed write POST https:\/\/api\.cafe\.example\.com\/health\/canary answered 500: the canary write failed$/],
  ])('a %i on the signed write stops the drill at verify with a one-line reason, writes still paused', async (status, body, reason) => {
    const world = new FakeWorld();
    postFails(world, 'api.cafe.example.com', status, body);
    const stopped = report(await harness(world).run());
    expect(stopped.state).toBe('stopped');
    expect(stopped.stop).toMatchObject({ step: 'verify', reason: expect.stringMatching(reason) });
    expect(stopped.stop!.reason).not.toContain('\n');
    expect(stopped.stop!.rollback).toContain('The database writer is now in eu-central-1');
    expect(await flag(world, 'eu-central-1')).toBe(true);
    expect(world.auroraRows.some((r) => r.row.id.includes('#api-'))).toBe(false);
  });

  it('a signature scoped to the wrong region (API Gateway answers 403) stops the drill', async () => {
    const world = new FakeWorld();
    const ports = world.ports.bind(world);
    world.ports = () => {
      const p = ports();
      return { ...p, http: { ...p.http, postSigned: (url, payload, _region, timeoutMs) => p.http.postSigned(url, payload, 'eu-west-1', timeoutMs) } };
    };
    const stopped = report(await harness(world).run());
    expect(stopped.stop).toMatchObject({ step: 'verify', reason: expect.stringMatching(/answered 403: Credential should be scoped to a valid region/) });
  });

  it('retries a 503 while the new writer settles, and times out naming the last answer when it never does', async () => {
    const settling = new FakeWorld();
    let until: number | undefined;
    const ports = settling.ports.bind(settling);
    settling.ports = () => {
      const p = ports();
      return {
        ...p,
        http: {
          ...p.http,
          postSigned: async (url, payload, region, timeoutMs) => {
            until ??= settling.clock.now() + 4_000;
            return settling.clock.now() < until ? { status: 503, body: '{"error":{"code":"unavailable","message":"canary-write in eu-central-1 failed: cannot execute INSERT in a read-only transaction"}}' } : p.http.postSigned(url, payload, region, timeoutMs);
          },
        },
      };
    };
    const done = report(await harness(settling).run());
    expect(done.state).toBe('completed');
    expect(settling.auroraRows.filter((r) => r.row.id.includes('#api-')).map((r) => r.cluster)).toEqual(['secondary', 'secondary']);
    const never = new FakeWorld();
    postFails(never, 'api-eu-central-1.cafe.example.com', 503, '{"error":{"code":"unavailable","message":"canary-write in eu-central-1 failed: Connection terminated unexpectedly"}}');
    const drill = harness(never);
    const stopped = report(await drill.run({ settings: { verifyTimeoutMs: 20_000 } }));
    expect(stopped.stop).toMatchObject({
      step: 'verify',
      reason: 'signed POST https://api-eu-central-1.cafe.example.com/health/canary to write from eu-central-1: not done after 20 s (last: 503 canary-write in eu-central-1 failed: Connection terminated unexpectedly)',
    });
    // The public write went through; resuming writes it again under the same id, so it stays one row.
    never.ports = FakeWorld.prototype.ports.bind(never);
    const resumed = report(await drill.run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(never.auroraRows.map((r) => r.row.id.split('#').pop())).toEqual(['1', '2', 'api-public', 'api-regional', '3']);
  });
});

describe('step order', () => {
  it('is fixed and names each step', () => {
    expect(STEP_IDS).toEqual(['canary', 'add-instance', 'pause-writes', 'switch-database', 'move-traffic', 'wait-ttl', 'verify', 'resume-writes', 'check-canary'] satisfies StepId[]);
  });
});

describe('polling', () => {
  it('starts fast and backs off: the drill notices the end of the switch within the 2 s cap, with few calls', async () => {
    const world = new FakeWorld({ callMs: 80, switchMs: 45_000 });
    const { run } = harness(world);
    const result = report(await run());
    const step = result.timeline.find((t) => t.step === 'switch-database')!;
    const requested = world.calls.indexOf('rds.SwitchoverGlobalCluster eu-central-1');
    const polls = world.calls.slice(requested).filter((c) => c === 'rds.DescribeGlobalClusters eu-central-1');
    // Switch done 45 s after the call: seen at most one poll interval (2 s) and one call later.
    expect(step.durationMs).toBeLessThan(45_000 + 2_000 + 6 * 80 + 500);
    expect(polls.length).toBeGreaterThanOrEqual(20);
    expect(polls.length).toBeLessThan(30);
  });
});

describe('failures from AWS', () => {
  it('keep the request id of the failed call in the timeline, and a forced secondary check is restored as a deviation', async () => {
    const world = new FakeWorld();
    world.checks.get(CHECK.secondary)!.inverted = true;
    world.checks.get(CHECK.secondary)!.disabled = true;
    const harnessed = harness(world);
    const run: typeof harnessed.run = (request = {}) => harnessed.run({ ...request, settings: { trafficSwitch: 'health-check', ...request.settings } });
    // Disabled + inverted is unhealthy for Route 53 but the preflight reads it as forced by an earlier drill.
    expect(await run({ action: 'dry-run' })).toMatchObject({ ok: true });
    world.failOn = (op) => (op === 'rds.SwitchoverGlobalCluster' ? Object.assign(new Error('Global cluster is busy'), { name: 'InvalidGlobalClusterStateFault', $metadata: { requestId: 'rds-fail-1' } }) : undefined);
    const stopped = report(await run());
    expect(stopped.stop).toMatchObject({ step: 'switch-database', reason: 'Global cluster is busy' });
    expect(stopped.timeline.find((t) => t.step === 'switch-database')!.requestIds).toContain('rds-fail-1');
    world.failOn = () => undefined;
    const resumed = report(await run({ action: 'resume' }));
    expect(resumed.state).toBe('completed');
    expect(resumed.deviations).toContain('move-traffic: the secondary health check hc-secondary-2222 was disabled and inverted; restored');
    expect(world.checks.get(CHECK.secondary)).toMatchObject({ inverted: false, disabled: false });
  });
});
