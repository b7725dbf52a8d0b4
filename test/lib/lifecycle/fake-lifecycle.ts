/**
 * An in-memory CloudFormation for the lifecycle engines, as strict as AWS where they rely on it:
 * DeleteStack fails on a stack with termination protection
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html);
 * a deletion takes `deleteMs` of virtual time; once deleted, a stack answers only to its unique id
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html);
 * drift detection is asynchronous and takes `driftMs`.
 */
import type { ChangeSetSummary, DeployedStack, DriftDetection, LifecycleEvent, LifecyclePort } from '../../../src/lib/lifecycle/ports';
import type { FakeClock } from '../../support/fake-clock';

export interface FakeStack extends DeployedStack {
  region: string;
  template: string;
  policy?: string;
  changeSets: ChangeSetSummary[];
  events: LifecycleEvent[];
  /** Deleting fails with these resources (DELETE_FAILED). */
  failDelete?: { logicalId: string; type: string; reason: string }[];
}

export class FakeLifecycle {
  readonly stacks: FakeStack[] = [];
  readonly calls: string[] = [];
  /** Stack names in the order their deletion completed. */
  readonly deleted: string[] = [];
  deleteMs = 30_000;
  driftMs = 20_000;
  driftResult = 'IN_SYNC';
  private detections = new Map<string, { done: number; stack: FakeStack }>();

  constructor(private readonly clock: FakeClock) {}

  add(region: string, name: string, extra: Partial<FakeStack> = {}): FakeStack {
    const stack: FakeStack = {
      name,
      id: `arn:aws:cloudformation:${region}:111111111111:stack/${name}/${this.stacks.length + 1}`,
      region,
      status: 'CREATE_COMPLETE',
      lastUpdated: new Date(this.clock.now()).toISOString(),
      drift: { status: 'NOT_CHECKED' },
      terminationProtection: true,
      parameters: {},
      tags: {},
      outputs: {},
      template: 'Resources: {}\n',
      changeSets: [],
      events: [],
      ...extra,
    };
    this.stacks.push(stack);
    return stack;
  }

  private find(region: string, nameOrId: string): FakeStack | undefined {
    return this.stacks.find((s) => s.region === region && (s.id === nameOrId || (s.name === nameOrId && s.status !== 'DELETE_COMPLETE')));
  }

  port(region: string): LifecyclePort {
    const log = (call: string) => this.calls.push(`${call}@${region}`);
    const need = (nameOrId: string) => {
      const s = this.find(region, nameOrId);
      if (!s) throw Object.assign(new Error(`Stack with id ${nameOrId} does not exist`), { name: 'ValidationError' });
      return s;
    };
    return {
      describeStack: async (nameOrId) => {
        log(`describeStack ${nameOrId}`);
        const s = this.find(region, nameOrId);
        return s ? structuredClone({ ...s, region: undefined }) as DeployedStack : undefined;
      },
      getTemplate: async (name) => (log(`getTemplate ${name}`), need(name).template),
      getStackPolicy: async (name) => (log(`getStackPolicy ${name}`), need(name).policy),
      listChangeSets: async (name) => (log(`listChangeSets ${name}`), need(name).changeSets),
      detectDrift: async (name) => {
        log(`detectDrift ${name}`);
        const id = `detection-${this.detections.size + 1}`;
        this.detections.set(id, { done: this.clock.now() + this.driftMs, stack: need(name) });
        return id;
      },
      driftDetectionStatus: async (id): Promise<DriftDetection> => {
        log(`driftDetectionStatus ${id}`);
        const d = this.detections.get(id)!;
        if (this.clock.now() < d.done) return { status: 'DETECTION_IN_PROGRESS' };
        d.stack.drift = { status: this.driftResult, lastChecked: new Date(d.done).toISOString() };
        return { status: 'DETECTION_COMPLETE', driftStatus: this.driftResult };
      },
      disableTerminationProtection: async (name) => {
        log(`disableTerminationProtection ${name}`);
        need(name).terminationProtection = false;
      },
      deleteStack: async (nameOrId) => {
        log(`deleteStack ${nameOrId}`);
        const s = need(nameOrId);
        if (s.terminationProtection) throw Object.assign(new Error(`Stack [${s.name}] cannot be deleted while TerminationProtection is enabled`), { name: 'ValidationError' });
        s.status = 'DELETE_IN_PROGRESS';
        const started = this.clock.now();
        void this.clock.sleep(this.deleteMs).then(() => {
          if (s.failDelete) {
            for (const r of s.failDelete) s.events.unshift({ timestamp: this.clock.now(), logicalId: r.logicalId, type: r.type, status: 'DELETE_FAILED', reason: r.reason });
            s.status = 'DELETE_FAILED';
            s.statusReason = 'The following resource(s) failed to delete: [' + s.failDelete.map((r) => r.logicalId).join(', ') + '].';
            return;
          }
          s.status = 'DELETE_COMPLETE';
          s.lastUpdated = new Date(started).toISOString();
          this.deleted.push(`${s.name}@${region}`);
        });
      },
      stackEvents: async (nameOrId) => (log(`stackEvents ${nameOrId}`), need(nameOrId).events),
    };
  }

  deps() {
    const ports = new Map<string, LifecyclePort>();
    return (region: string) => {
      if (!ports.has(region)) ports.set(region, this.port(region));
      return ports.get(region)!;
    };
  }
}
