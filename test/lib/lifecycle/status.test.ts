import type { PlannedStack } from '../../../src/lib/deploy/plan';
import { statefulStackPolicy } from '../../../src/lib/deploy/status';
import { stackOutputs } from '../../../src/lib/lifecycle/outputs';
import { hasStatefulDeny, stackStatuses } from '../../../src/lib/lifecycle/status';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock } from '../../support/fake-clock';
import { FakeLifecycle } from './fake-lifecycle';

const planned = (stack: string, region: string, role: 'primary' | 'secondary' = 'primary'): PlannedStack => ({
  id: `${stack}@${role}`, stack, role, region, stackName: `cafe-staging-${stack}`, template: `${stack}.yaml`, dependsOn: [], parameters: [], after: [],
});
const instances = [planned('data', 'eu-west-1'), planned('data', 'eu-central-1', 'secondary'), planned('edge', 'us-east-1')];

function setup() {
  const clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
  const cfn = new FakeLifecycle(clock);
  cfn.add('eu-west-1', 'cafe-staging-data', {
    policy: statefulStackPolicy(['AWS::RDS::DBCluster']),
    drift: { status: 'DRIFTED', lastChecked: '2026-11-30T08:00:00.000Z' },
    changeSets: [
      { name: 'cafe-1', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' },
      { name: 'cafe-0', status: 'CREATE_COMPLETE', executionStatus: 'EXECUTE_COMPLETE' },
    ],
    outputs: { ClusterIdentifier: 'cafe-staging-primary' },
  });
  cfn.add('eu-central-1', 'cafe-staging-data', { terminationProtection: false });
  return { clock, cfn, deps: { cloudFormation: cfn.deps(), clock, out: createMemoryOutput().output } };
}

describe('status engine', () => {
  it('every stack instance: status, last update, last known drift, protection, stack policy, change sets in review', async () => {
    const { cfn, deps } = setup();
    const report = await stackStatuses(instances, { environment: 'staging', detectDrift: false, driftTimeoutMs: 60_000 }, deps);
    expect(report.stacks).toEqual([
      {
        id: 'data@primary', stackName: 'cafe-staging-data', region: 'eu-west-1', status: 'CREATE_COMPLETE', lastUpdated: '2026-12-01T09:00:00.000Z',
        drift: { status: 'DRIFTED', lastChecked: '2026-11-30T08:00:00.000Z' }, terminationProtection: true, stackPolicy: { present: true, statefulDeny: true },
        changeSetsInReview: [{ name: 'cafe-1', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' }],
      },
      expect.objectContaining({ id: 'data@secondary', terminationProtection: false, stackPolicy: { present: false, statefulDeny: false }, drift: { status: 'NOT_CHECKED' }, changeSetsInReview: [] }),
      { id: 'edge@primary', stackName: 'cafe-staging-edge', region: 'us-east-1', status: 'NOT_DEPLOYED', changeSetsInReview: [] },
    ]);
    expect(cfn.calls.some((c) => c.startsWith('detectDrift'))).toBe(false);
  });

  it('--detect-drift starts a detection per deployed stack and waits for it', async () => {
    const { clock, cfn, deps } = setup();
    cfn.driftResult = 'IN_SYNC';
    const report = await stackStatuses(instances, { environment: 'staging', detectDrift: true, driftTimeoutMs: 120_000 }, deps);
    expect(report.stacks.slice(0, 2).map((s) => s.drift)).toEqual([
      { status: 'IN_SYNC', lastChecked: expect.any(String), detectedNow: true },
      { status: 'IN_SYNC', lastChecked: expect.any(String), detectedNow: true },
    ]);
    expect(cfn.calls.filter((c) => c.startsWith('detectDrift'))).toHaveLength(2);
    expect(clock.now() - clock.start).toBeGreaterThanOrEqual(cfn.driftMs);
  });

  it('the wait for drift detection is bounded: past the timeout, the last known status and why', async () => {
    const { clock, cfn, deps } = setup();
    cfn.driftMs = 3_600_000;
    const report = await stackStatuses(instances, { environment: 'staging', detectDrift: true, driftTimeoutMs: 60_000 }, deps);
    expect(report.stacks[0]!.drift).toEqual({ status: 'DRIFTED', lastChecked: '2026-11-30T08:00:00.000Z', reason: expect.stringMatching(/still not done after 60 s; it goes on in AWS/) });
    expect(clock.now() - clock.start).toBeLessThanOrEqual(60_000);
  });

  it('recognises the stateful deny of a stack policy', () => {
    expect(hasStatefulDeny(statefulStackPolicy(['AWS::S3::Bucket']))).toBe(true);
    expect(hasStatefulDeny(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] }))).toBe(false);
    expect(hasStatefulDeny('not json')).toBe(false);
  });
});

describe('outputs engine', () => {
  it('a map by stack instance, outputs as name → value, not-deployed ones marked', async () => {
    const { deps } = setup();
    const report = await stackOutputs(instances, 'staging', deps);
    expect(report).toEqual({
      environment: 'staging',
      stacks: {
        'data@primary': { stackName: 'cafe-staging-data', region: 'eu-west-1', deployed: true, outputs: { ClusterIdentifier: 'cafe-staging-primary' } },
        'data@secondary': { stackName: 'cafe-staging-data', region: 'eu-central-1', deployed: true, outputs: {} },
        'edge@primary': { stackName: 'cafe-staging-edge', region: 'us-east-1', deployed: false, outputs: {} },
      },
    });
  });
});
