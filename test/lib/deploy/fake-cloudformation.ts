/**
 * An in-memory CloudFormation for engine tests, with virtual time.
 *
 * Behaviour (what the real service does, reduced to what the engine relies on):
 * - CreateChangeSet CREATE on a missing stack makes it REVIEW_IN_PROGRESS; the change set is
 *   CREATE_PENDING for `changeSetMs`, then CREATE_COMPLETE, or FAILED with "The submitted
 *   information didn't contain changes." when template and parameters equal the stack's.
 * - Changes: every resource of a new stack is Add; on update, resources are Add / Remove / Modify
 *   by logical id, and Modify has Replacement True for ids listed in `replacements`.
 * - ExecuteChangeSet puts the stack in CREATE_/UPDATE_IN_PROGRESS for `durations[stack]` ms (default
 *   `defaultMs`), then *_COMPLETE with outputs from `outputs(stack, region, params)`; a stack in
 *   `failures` ends in ROLLBACK_COMPLETE (create) or UPDATE_ROLLBACK_COMPLETE (update) with a
 *   *_FAILED event for the failing resource followed by a cancellation of the others.
 * - DeleteStack takes `defaultMs` then the stack is gone; ContinueUpdateRollback ends in
 *   UPDATE_ROLLBACK_COMPLETE.
 * Every call is recorded in `calls` ("Operation region stack").
 */
import { parseTemplate } from '../../../src/lib/templates/load';
import { FakeClock } from '../../support/fake-clock';

export { FakeClock };
import type { ChangeSetInfo, CloudFormationPort, CreateChangeSetInput, ResourceChange, StackEvent, StackInfo } from '../../../src/lib/deploy/ports';


interface FakeStack {
  status: string;
  statusReason?: string;
  template?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  events: StackEvent[];
  policy?: string;
  protected: boolean;
  /** When the running operation finishes, and what it ends in. */
  until?: number;
  then?: () => void;
}

interface FakeChangeSet {
  input: CreateChangeSetInput;
  readyAt: number;
  changes: ResourceChange[];
  noChanges: boolean;
}

export interface FakeOptions {
  clock: FakeClock;
  defaultMs?: number;
  changeSetMs?: number;
  durations?: Record<string, number>;
  failures?: Record<string, { logicalId: string; reason: string }>;
  replacements?: Set<string>;
  outputs?: (stack: string, region: string, params: Record<string, string>) => Record<string, string>;
}

export class FakeCloudFormation {
  readonly stacks = new Map<string, FakeStack>();
  readonly changeSets = new Map<string, FakeChangeSet>();
  readonly calls: string[] = [];
  private eventSeq = 0;
  /** Highest number of stacks executing at once. */
  maxConcurrent = 0;
  private executing = 0;

  constructor(readonly options: FakeOptions) {}

  private key = (region: string, stack: string) => `${region}/${stack}`;

  /** Puts a stack in a given state, e.g. ROLLBACK_COMPLETE, before a test. */
  seed(region: string, stack: string, status: string, extra: Partial<FakeStack> = {}) {
    this.stacks.set(this.key(region, stack), { status, parameters: {}, outputs: {}, events: [], protected: false, ...extra });
  }

  get(region: string, stack: string) {
    return this.stacks.get(this.key(region, stack));
  }

  port(region: string): CloudFormationPort {
    const clock = this.options.clock;
    const settle = (s: FakeStack) => {
      if (s.until !== undefined && clock.now() >= s.until) {
        s.until = undefined;
        const then = s.then;
        s.then = undefined;
        then?.();
      }
    };
    const stackOf = (name: string) => {
      const s = this.stacks.get(this.key(region, name));
      if (s) settle(s);
      return s;
    };
    const event = (s: FakeStack, logicalId: string, type: string, status: string, reason?: string) => {
      s.events.unshift({ id: `e${this.eventSeq++}`, timestamp: clock.now(), logicalId, type, status, ...(reason ? { reason } : {}) });
    };
    const record = (op: string, name: string) => this.calls.push(`${op} ${region} ${name}`);
    return {
      describeStack: async (name): Promise<StackInfo | undefined> => {
        record('DescribeStacks', name);
        const s = stackOf(name);
        if (!s || s.status === 'DELETE_COMPLETE') return undefined;
        return { name, status: s.status, ...(s.statusReason ? { statusReason: s.statusReason } : {}), outputs: { ...s.outputs } };
      },
      createChangeSet: async (input) => {
        record('CreateChangeSet', input.stackName);
        let s = stackOf(input.stackName);
        if (input.type === 'CREATE') {
          if (s && s.status !== 'REVIEW_IN_PROGRESS' && s.status !== 'DELETE_COMPLETE') throw Object.assign(new Error(`Stack [${input.stackName}] already exists`), { name: 'AlreadyExistsException' });
          s = { status: 'REVIEW_IN_PROGRESS', parameters: {}, outputs: {}, events: [], protected: false };
          this.stacks.set(this.key(region, input.stackName), s);
        } else if (!s) {
          throw Object.assign(new Error(`Stack [${input.stackName}] does not exist`), { name: 'ValidationError' });
        }
        const body = input.templateBody ?? `url:${input.templateUrl}`;
        const noChanges = input.type === 'UPDATE' && s.template === body && JSON.stringify(s.parameters) === JSON.stringify(input.parameters);
        this.changeSets.set(`${this.key(region, input.stackName)}/${input.changeSetName}`, {
          input,
          readyAt: clock.now() + (this.options.changeSetMs ?? 2000),
          changes: noChanges ? [] : diff(s.template, body, this.options.replacements ?? new Set()),
          noChanges,
        });
      },
      describeChangeSet: async (stackName, changeSetName): Promise<ChangeSetInfo> => {
        record('DescribeChangeSet', stackName);
        const cs = this.changeSets.get(`${this.key(region, stackName)}/${changeSetName}`);
        if (!cs) throw Object.assign(new Error('ChangeSet not found'), { name: 'ChangeSetNotFoundException' });
        if (clock.now() < cs.readyAt) return { status: 'CREATE_PENDING', changes: [] };
        if (cs.noChanges) return { status: 'FAILED', statusReason: "The submitted information didn't contain changes. Submit different information to create a change set.", changes: [] };
        return { status: 'CREATE_COMPLETE', changes: cs.changes };
      },
      deleteChangeSet: async (stackName, changeSetName) => {
        record('DeleteChangeSet', stackName);
        this.changeSets.delete(`${this.key(region, stackName)}/${changeSetName}`);
      },
      executeChangeSet: async (stackName, changeSetName) => {
        record('ExecuteChangeSet', stackName);
        const cs = this.changeSets.get(`${this.key(region, stackName)}/${changeSetName}`)!;
        const s = stackOf(stackName)!;
        const creating = s.status === 'REVIEW_IN_PROGRESS';
        const verb = creating ? 'CREATE' : 'UPDATE';
        s.status = `${verb}_IN_PROGRESS`;
        event(s, stackName, 'AWS::CloudFormation::Stack', s.status, 'User Initiated');
        this.executing++;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.executing);
        const failure = this.options.failures?.[stackName];
        s.until = clock.now() + (this.options.durations?.[stackName.replace(/^.*?-.*?-/, '')] ?? this.options.defaultMs ?? 60_000);
        s.then = () => {
          this.executing--;
          if (failure) {
            event(s, failure.logicalId, 'AWS::Test::Resource', `${verb}_FAILED`, failure.reason);
            event(s, 'Other', 'AWS::Test::Resource', `${verb}_FAILED`, 'Resource creation cancelled');
            s.status = creating ? 'ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE';
          } else {
            s.template = cs.input.templateBody ?? `url:${cs.input.templateUrl}`;
            s.parameters = cs.input.parameters;
            s.outputs = this.options.outputs?.(stackName, region, cs.input.parameters) ?? {};
            s.status = `${verb}_COMPLETE`;
          }
          event(s, stackName, 'AWS::CloudFormation::Stack', s.status);
        };
        this.changeSets.delete(`${this.key(region, stackName)}/${changeSetName}`);
      },
      stackEvents: async (stackName) => {
        record('DescribeStackEvents', stackName);
        return [...(stackOf(stackName)?.events ?? [])];
      },
      deleteStack: async (name) => {
        record('DeleteStack', name);
        const s = stackOf(name)!;
        s.status = 'DELETE_IN_PROGRESS';
        s.until = clock.now() + (this.options.defaultMs ?? 60_000);
        s.then = () => {
          s.status = 'DELETE_COMPLETE';
          s.template = undefined;
        };
      },
      continueUpdateRollback: async (name) => {
        record('ContinueUpdateRollback', name);
        const s = stackOf(name)!;
        s.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
        s.until = clock.now() + 5000;
        s.then = () => (s.status = 'UPDATE_ROLLBACK_COMPLETE');
      },
      setStackPolicy: async (name, policy) => {
        record('SetStackPolicy', name);
        stackOf(name)!.policy = policy;
      },
      enableTerminationProtection: async (name) => {
        record('UpdateTerminationProtection', name);
        stackOf(name)!.protected = true;
      },
    };
  }
}

function diff(before: string | undefined, after: string, replacements: Set<string>): ResourceChange[] {
  const next = resources(after);
  if (!before) return Object.entries(next).map(([logicalId, r]) => ({ action: 'Add', logicalId, type: r.Type }));
  const prev = resources(before);
  const changes: ResourceChange[] = [];
  for (const [id, r] of Object.entries(next)) {
    if (!prev[id]) changes.push({ action: 'Add', logicalId: id, type: r.Type });
    else if (JSON.stringify(prev[id]) !== JSON.stringify(r)) changes.push({ action: 'Modify', logicalId: id, type: r.Type, replacement: replacements.has(id) ? 'True' : 'False' });
  }
  for (const [id, r] of Object.entries(prev)) if (!next[id]) changes.push({ action: 'Remove', logicalId: id, type: r.Type });
  return changes;
}

function resources(body: string): Record<string, { Type: string }> {
  if (body.startsWith('url:')) return {};
  return parseTemplate(body, 'fake.yaml').template.Resources;
}
