/**
 * An in-memory CloudFormation for engine tests, with virtual time.
 *
 * Behaviour (what the real service does, reduced to what the engine relies on; as strict as AWS where
 * the stand-ins have hidden real-account failures before):
 * - CreateChangeSet CREATE on a missing stack makes it REVIEW_IN_PROGRESS with a new unique stack id,
 *   returned as StackId (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html);
 *   the change set is CREATE_PENDING for `changeSetMs`, then CREATE_COMPLETE, or FAILED with "The submitted
 *   information didn't contain changes." when template, parameters, tags and role equal the stack's.
 * - A template body with YAML aliases is refused with ValidationError "Template error: YAML aliases are
 *   not allowed in CloudFormation templates" (CloudFormation's YAML subset:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html; the message as
 *   users report it: https://github.com/seeebiii/aws-cloudformation-templates/issues/1).
 * - Changes: every resource of a new stack is Add; on update, resources are Add / Remove / Modify by
 *   logical id, and Modify has Replacement True for ids in `replacements`, Conditional for ids in
 *   `conditionalReplacements` ("the resource may be replaced",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html), else False.
 * - ExecuteChangeSet puts the stack in CREATE_/UPDATE_IN_PROGRESS for `durations[stack]` ms (default
 *   `defaultMs`), then *_COMPLETE with outputs from `outputs(stack, region, params)`. A stack in
 *   `failures` gets a *_FAILED event for the failing resource and a cancellation of the others; an
 *   update then ends in UPDATE_ROLLBACK_COMPLETE. A new stack is created with OnStackFailure=DELETE (the
 *   port's contract for CREATE change sets): it goes DELETE_IN_PROGRESS, then DELETE_COMPLETE
 *   ("DELETE - Deletes the change set if the stack creation fails",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
 * - A deleted stack is gone by name: DescribeStacks, DescribeStackEvents, SetStackPolicy ... by name
 *   fail with ValidationError "Stack with id NAME does not exist"; by its unique stack id,
 *   DescribeStacks answers DELETE_COMPLETE and DescribeStackEvents lists its events ("Deleted stacks:
 *   You must specify the unique stack ID",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
 *   The port's describeStack answers undefined for a stack that does not exist, as the adapter does.
 * - SetStackPolicy works on a stack in any status (the API documents no status restriction:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SetStackPolicy.html); the
 *   policy applies to the next update (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html).
 * - DeleteStack takes `defaultMs` then the stack is gone, with its change sets; a stack in
 *   REVIEW_IN_PROGRESS (a CREATE change set never executed: no resources) is gone after 1 s
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html; REVIEW_IN_PROGRESS:
 *   "ongoing creation ... with an expected StackId but without any templates or resources",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html).
 *   ContinueUpdateRollback ends in UPDATE_ROLLBACK_COMPLETE.
 * - DescribeChangeSet answers ExecutionStatus UNAVAILABLE while pending, AVAILABLE once CREATE_COMPLETE,
 *   OBSOLETE once the stack was updated another way; ExecuteChangeSet refuses anything but AVAILABLE
 *   with InvalidChangeSetStatus "cannot be executed in its current execution status of [X]"
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ChangeSetSummary.html; the message:
 *   https://github.com/aws/amazon-chime-sdk-js/issues/1089), and deletes the stack's other change sets
 *   ("CloudFormation deletes all other change sets associated with the stack",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html); a deleted
 *   change set is ChangeSetNotFoundException
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html).
 * - DescribeStacks gives the parameters, tags and role of the last executed change set, LastUpdatedTime
 *   after an update, and termination protection. GetTemplate (Original) is the body as submitted (a
 *   TemplateURL's body if registered in `templateUrls`), GetStackPolicy the policy or none
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetStackPolicy.html).
 * - Lambda versions and aliases (`lambda`): executing a change set publishes a version for each
 *   AWS::Lambda::Version it creates (a new logical id, or new properties: all of them require
 *   replacement, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html)
 *   whose Condition holds, and points each alias at the version its FunctionVersion names. As in AWS, a
 *   version is not published while the function is as it was at the last one ("If $LATEST is identical to
 *   a previously published version, you won't be able to create a new version",
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html): the Version fails with
 *   "A version for this Lambda function exists ( N ). Modify the function to create a new version." and
 *   the update rolls back (the message as users report it: https://github.com/serverless/serverless/issues/6349).
 *   The function "as it was" is its properties with the values of the parameters they name. moto, by
 *   contrast, returns the last version without an error, and leaves aliases out of stacks.
 * - Every call takes `callMs` of virtual time (0 unless set), for benchmarks of API round trips.
 * Every call is recorded in `calls` ("Operation region stack"), every policy set in `policies`.
 */
import { parseTemplate } from '../../../src/lib/templates/load';
import { yamlAliases } from '../../../src/lib/templates/serialize';
import { FakeClock } from '../../support/fake-clock';

export { FakeClock };
import type { ChangeSetInfo, CloudFormationPort, CreateChangeSetInput, ResourceChange, StackEvent, StackInfo } from '../../../src/lib/deploy/ports';

interface FakeStack {
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  template?: string;
  parameters: Record<string, string>;
  /** The parameters of every change set executed successfully, oldest first. */
  parameterHistory: Record<string, string>[];
  /** The service role of the last executed change set. */
  roleArn?: string;
  tags?: Record<string, string>;
  lastUpdatedTime?: string;
  outputs: Record<string, string>;
  events: StackEvent[];
  policy?: string;
  protected: boolean;
  /** Lambda as the stack's resources left it (see the behaviour above). */
  lambda: FakeLambda;
  /** When the running operation finishes, and what it ends in (which may start another). */
  until?: number;
  then?: () => void;
}

/** The Lambda side of a stack: published versions per function, and where each alias points. */
export interface FakeLambda {
  /** By function logical id: its versions in order, each the function's configuration when published. */
  versions: Record<string, { number: number; logicalId: string; config: string }[]>;
  /** By Version logical id: the version number it published. */
  byVersion: Record<string, number>;
  /** By Alias logical id: the version it invokes ('$LATEST' or a number). */
  aliases: Record<string, string>;
}

interface FakeChangeSet {
  input: CreateChangeSetInput;
  readyAt: number;
  changes: ResourceChange[];
  noChanges: boolean;
  id: string;
  stackId: string;
  /** Set when the stack was updated by something else after this change set was created. */
  obsolete?: boolean;
}

export interface FakeOptions {
  clock: FakeClock;
  defaultMs?: number;
  changeSetMs?: number;
  durations?: Record<string, number>;
  failures?: Record<string, { logicalId: string; reason: string; type?: string }>;
  replacements?: Set<string>;
  conditionalReplacements?: Set<string>;
  outputs?: (stack: string, region: string, params: Record<string, string>) => Record<string, string>;
  /** Virtual time each API call takes. */
  callMs?: number;
}

const validationError = (message: string) => Object.assign(new Error(message), { name: 'ValidationError' });
const isStackId = (nameOrId: string) => nameOrId.startsWith('arn:aws:cloudformation:');

export class FakeCloudFormation {
  /** The current stack of each name (a deleted one stays, DELETE_COMPLETE, until a new one takes the name). */
  readonly stacks = new Map<string, FakeStack>();
  /** Every stack ever created, by unique stack id. */
  readonly byStackId = new Map<string, FakeStack>();
  readonly changeSets = new Map<string, FakeChangeSet>();
  readonly calls: string[] = [];
  /** Every SetStackPolicy, in order: "region stack" and the policy. */
  readonly policies: { stack: string; policy: string }[] = [];
  private eventSeq = 0;
  private stackSeq = 0;
  /** Highest number of stacks executing at once. */
  maxConcurrent = 0;
  private executing = 0;
  private changeSetSeq = 0;
  /** Bodies of templates uploaded for TemplateURL, by URL. */
  readonly templateUrls = new Map<string, string>();

  constructor(readonly options: FakeOptions) {}

  private key = (region: string, stack: string) => `${region}/${stack}`;

  private newStack(region: string, name: string, status: string, extra: Partial<FakeStack> = {}): FakeStack {
    const id = `arn:aws:cloudformation:${region}:111111111111:stack/${name}/${String(++this.stackSeq).padStart(8, '0')}`;
    const s: FakeStack = { id, name, status, parameters: {}, parameterHistory: [], outputs: {}, events: [], protected: false, lambda: { versions: {}, byVersion: {}, aliases: {} }, ...extra };
    this.stacks.set(this.key(region, name), s);
    this.byStackId.set(id, s);
    return s;
  }

  /** Puts a stack in a given state, e.g. ROLLBACK_COMPLETE, before a test. */
  seed(region: string, stack: string, status: string, extra: Partial<FakeStack> = {}) {
    this.newStack(region, stack, status, extra);
  }

  get(region: string, stack: string) {
    return this.stacks.get(this.key(region, stack));
  }

  port(region: string): CloudFormationPort {
    const clock = this.options.clock;
    const settle = (s: FakeStack) => {
      while (s.until !== undefined && clock.now() >= s.until) {
        s.until = undefined;
        const then = s.then;
        s.then = undefined;
        then?.();
      }
    };
    /** A live stack by name, or any stack (deleted ones too) by unique id; as AWS resolves StackName. */
    const find = (nameOrId: string) => {
      const s = isStackId(nameOrId) ? this.byStackId.get(nameOrId) : this.stacks.get(this.key(region, nameOrId));
      if (s) settle(s);
      if (!s || (!isStackId(nameOrId) && s.status === 'DELETE_COMPLETE')) return undefined;
      return s;
    };
    const existing = (nameOrId: string) => {
      const s = find(nameOrId);
      if (!s) throw validationError(`Stack with id ${nameOrId} does not exist`);
      return s;
    };
    const event = (s: FakeStack, logicalId: string, type: string, status: string, reason?: string) => {
      s.events.unshift({ id: `e${this.eventSeq++}`, timestamp: clock.now(), logicalId, type, status, ...(reason ? { reason } : {}) });
    };
    const record = async (op: string, name: string) => {
      this.calls.push(`${op} ${region} ${name}`);
      if (this.options.callMs) await clock.sleep(this.options.callMs);
    };
    const bodyOf = (input: CreateChangeSetInput) => input.templateBody ?? this.templateUrls.get(input.templateUrl ?? '') ?? `url:${input.templateUrl}`;
    const changeSetsOf = (s: FakeStack) => [...this.changeSets.entries()].filter(([, cs]) => cs.stackId === s.id);
    return {
      describeStack: async (name): Promise<StackInfo | undefined> => {
        await record('DescribeStacks', name);
        const s = find(name);
        if (!s) return undefined;
        return {
          name: s.name, id: s.id, status: s.status, ...(s.statusReason ? { statusReason: s.statusReason } : {}), outputs: { ...s.outputs },
          parameters: { ...s.parameters }, maskedParameters: [], tags: { ...(s.tags ?? {}) }, ...(s.roleArn ? { roleArn: s.roleArn } : {}),
          ...(s.lastUpdatedTime ? { lastUpdatedTime: s.lastUpdatedTime } : {}), terminationProtection: s.protected,
        };
      },
      createChangeSet: async (input) => {
        await record('CreateChangeSet', input.stackName);
        if (input.templateBody !== undefined && yamlAliases(input.templateBody).length > 0) {
          throw validationError('Template error: YAML aliases are not allowed in CloudFormation templates');
        }
        let s = find(input.stackName);
        if (input.type === 'CREATE') {
          if (s && s.status !== 'REVIEW_IN_PROGRESS') throw Object.assign(new Error(`Stack [${input.stackName}] already exists`), { name: 'AlreadyExistsException' });
          s ??= this.newStack(region, input.stackName, 'REVIEW_IN_PROGRESS');
        } else if (!s) {
          throw validationError(`Stack [${input.stackName}] does not exist`);
        }
        const body = bodyOf(input);
        // New stack tags or a new service role are an update of their own, even with the same template.
        const noChanges = input.type === 'UPDATE' && s.template === body && JSON.stringify(s.parameters) === JSON.stringify(input.parameters)
          && JSON.stringify(s.tags ?? {}) === JSON.stringify(input.tags) && (s.roleArn ?? '') === (input.roleArn ?? '');
        this.changeSets.set(`${this.key(region, input.stackName)}/${input.changeSetName}`, {
          input,
          readyAt: clock.now() + (this.options.changeSetMs ?? 2000),
          changes: noChanges ? [] : diff(s.template, body, this.options.replacements ?? new Set(), this.options.conditionalReplacements ?? new Set()),
          noChanges,
          id: `arn:aws:cloudformation:${region}:111111111111:changeSet/${input.changeSetName}/${String(++this.changeSetSeq).padStart(8, '0')}`,
          stackId: s.id,
        });
        return { stackId: s.id, changeSetId: this.changeSets.get(`${this.key(region, input.stackName)}/${input.changeSetName}`)!.id };
      },
      describeChangeSet: async (stackName, changeSetName): Promise<ChangeSetInfo> => {
        await record('DescribeChangeSet', stackName);
        const cs = this.changeSets.get(`${this.key(region, stackName)}/${changeSetName}`);
        if (!cs) throw Object.assign(new Error('ChangeSet not found'), { name: 'ChangeSetNotFoundException' });
        const ids = { changeSetId: cs.id, stackId: cs.stackId };
        if (clock.now() < cs.readyAt) return { status: 'CREATE_PENDING', executionStatus: 'UNAVAILABLE', ...ids, changes: [] };
        if (cs.noChanges) return { status: 'FAILED', executionStatus: 'UNAVAILABLE', ...ids, statusReason: "The submitted information didn't contain changes. Submit different information to create a change set.", changes: [] };
        return { status: 'CREATE_COMPLETE', executionStatus: cs.obsolete ? 'OBSOLETE' : 'AVAILABLE', ...ids, changes: cs.changes };
      },
      deleteChangeSet: async (stackName, changeSetName) => {
        await record('DeleteChangeSet', stackName);
        this.changeSets.delete(`${this.key(region, stackName)}/${changeSetName}`);
      },
      executeChangeSet: async (stackName, changeSetName) => {
        await record('ExecuteChangeSet', stackName);
        const cs = this.changeSets.get(`${this.key(region, stackName)}/${changeSetName}`);
        if (!cs) throw Object.assign(new Error(`ChangeSet [${changeSetName}] does not exist`), { name: 'ChangeSetNotFoundException' });
        const execution = clock.now() < cs.readyAt || cs.noChanges ? 'UNAVAILABLE' : cs.obsolete ? 'OBSOLETE' : 'AVAILABLE';
        if (execution !== 'AVAILABLE') {
          throw Object.assign(new Error(`ChangeSet [${cs.id}] cannot be executed in its current execution status of [${execution}]`), { name: 'InvalidChangeSetStatus' });
        }
        const s = existing(stackName);
        const creating = s.status === 'REVIEW_IN_PROGRESS';
        const verb = creating ? 'CREATE' : 'UPDATE';
        s.status = `${verb}_IN_PROGRESS`;
        event(s, stackName, 'AWS::CloudFormation::Stack', s.status, 'User Initiated');
        this.executing++;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.executing);
        const published = publishVersions(s.template, bodyOf(cs.input), cs.input.parameters, s.lambda);
        const failure = this.options.failures?.[stackName] ?? ('failure' in published ? published.failure : undefined);
        const duration = this.options.durations?.[stackName.replace(/^.*?-.*?-/, '')] ?? this.options.defaultMs ?? 60_000;
        s.until = clock.now() + duration;
        s.then = () => {
          this.executing--;
          if (failure) {
            event(s, failure.logicalId, failure.type ?? 'AWS::Test::Resource', `${verb}_FAILED`, failure.reason);
            event(s, 'Other', 'AWS::Test::Resource', `${verb}_FAILED`, 'Resource creation cancelled');
            if (creating) {
              // OnStackFailure=DELETE: the new stack is deleted, not rolled back.
              s.status = 'DELETE_IN_PROGRESS';
              event(s, stackName, 'AWS::CloudFormation::Stack', s.status, 'The following resource(s) failed to create: [' + failure.logicalId + ']. Delete requested by user.');
              s.until = clock.now() + Math.max(1, Math.round(duration / 10));
              s.then = () => {
                s.status = 'DELETE_COMPLETE';
                s.template = undefined;
                event(s, stackName, 'AWS::CloudFormation::Stack', s.status);
              };
              return;
            }
            s.status = 'UPDATE_ROLLBACK_COMPLETE';
          } else {
            if ('lambda' in published) s.lambda = published.lambda;
            s.template = bodyOf(cs.input);
            s.parameters = cs.input.parameters;
            s.parameterHistory.push(cs.input.parameters);
            s.roleArn = cs.input.roleArn;
            s.tags = { ...cs.input.tags };
            if (!creating) s.lastUpdatedTime = new Date(clock.now()).toISOString();
            s.outputs = this.options.outputs?.(stackName, region, cs.input.parameters) ?? {};
            s.status = `${verb}_COMPLETE`;
          }
          event(s, stackName, 'AWS::CloudFormation::Stack', s.status);
        };
        // Executing one change set deletes the stack's others.
        for (const [key] of changeSetsOf(s)) this.changeSets.delete(key);
      },
      stackEvents: async (stackName) => {
        await record('DescribeStackEvents', stackName);
        return [...existing(stackName).events];
      },
      deleteStack: async (name) => {
        await record('DeleteStack', name);
        const s = existing(name);
        const empty = s.status === 'REVIEW_IN_PROGRESS';
        s.status = 'DELETE_IN_PROGRESS';
        s.until = clock.now() + (empty ? 1000 : (this.options.defaultMs ?? 60_000));
        s.then = () => {
          s.status = 'DELETE_COMPLETE';
          s.template = undefined;
          for (const [key] of changeSetsOf(s)) this.changeSets.delete(key);
        };
      },
      getTemplate: async (name) => {
        await record('GetTemplate', name);
        return existing(name).template;
      },
      getStackPolicy: async (name) => {
        await record('GetStackPolicy', name);
        return existing(name).policy;
      },
      continueUpdateRollback: async (name) => {
        await record('ContinueUpdateRollback', name);
        const s = existing(name);
        s.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
        s.until = clock.now() + 5000;
        s.then = () => (s.status = 'UPDATE_ROLLBACK_COMPLETE');
      },
      setStackPolicy: async (name, policy) => {
        await record('SetStackPolicy', name);
        existing(name).policy = policy;
        this.policies.push({ stack: `${region} ${name}`, policy });
      },
      enableTerminationProtection: async (name) => {
        await record('UpdateTerminationProtection', name);
        existing(name).protected = true;
      },
    };
  }
}

function diff(before: string | undefined, after: string, replacements: Set<string>, conditional: Set<string>): ResourceChange[] {
  const next = resources(after);
  if (!before) return Object.entries(next).map(([logicalId, r]) => ({ action: 'Add', logicalId, type: r.Type }));
  const prev = resources(before);
  const changes: ResourceChange[] = [];
  const replacement = (id: string) => (replacements.has(id) ? 'True' : conditional.has(id) ? 'Conditional' : 'False');
  for (const [id, r] of Object.entries(next)) {
    if (!prev[id]) changes.push({ action: 'Add', logicalId: id, type: r.Type });
    else if (JSON.stringify(prev[id]) !== JSON.stringify(r)) changes.push({ action: 'Modify', logicalId: id, type: r.Type, replacement: replacement(id) });
  }
  for (const [id, r] of Object.entries(prev)) if (!next[id]) changes.push({ action: 'Remove', logicalId: id, type: r.Type });
  return changes;
}

function resources(body: string): Record<string, { Type: string }> {
  if (body.startsWith('url:')) return {};
  return parseTemplate(body, 'fake.yaml').template.Resources;
}

type Template = ReturnType<typeof parseTemplate>['template'];
type Json = unknown;

/**
 * The Lambda state after a change set from `before` to `after` (see the behaviour in the header), or the
 * failure AWS reports for a version that cannot be published.
 */
function publishVersions(before: string | undefined, after: string, parameters: Record<string, string>, state: FakeLambda): { lambda: FakeLambda } | { failure: { logicalId: string; reason: string; type: string } } {
  if (after.startsWith('url:')) return { lambda: state };
  const next = parseTemplate(after, 'fake.yaml').template;
  const prev = before && !before.startsWith('url:') ? parseTemplate(before, 'fake.yaml').template.Resources : {};
  const lambda: FakeLambda = { versions: structuredClone(state.versions), byVersion: {}, aliases: {} };
  const holds = (r: { Condition?: string }) => r.Condition === undefined || condition(next, r.Condition, parameters);
  for (const [id, r] of Object.entries(next.Resources) as [string, { Type: string; Condition?: string; Properties?: Record<string, Json> }][]) {
    if (r.Type !== 'AWS::Lambda::Version' || !holds(r)) continue;
    const fnId = refOf(r.Properties?.FunctionName);
    if (!fnId) continue;
    const kept = state.byVersion[id];
    if (kept !== undefined && JSON.stringify(prev[id]?.Properties) === JSON.stringify(r.Properties)) {
      lambda.byVersion[id] = kept;
      continue;
    }
    const fn = next.Resources[fnId] as { Properties?: Record<string, Json> } | undefined;
    const text = JSON.stringify(fn?.Properties ?? {});
    const config = JSON.stringify([fn?.Properties ?? {}, Object.entries(parameters).filter(([name]) => text.includes(name)).sort()]);
    const list = (lambda.versions[fnId] ??= []);
    const last = list[list.length - 1];
    if (last && last.config === config) {
      return { failure: { logicalId: id, type: r.Type, reason: `A version for this Lambda function exists ( ${last.number} ). Modify the function to create a new version.` } };
    }
    list.push({ number: list.length + 1, logicalId: id, config });
    lambda.byVersion[id] = list.length;
  }
  for (const [id, r] of Object.entries(next.Resources) as [string, { Type: string; Condition?: string; Properties?: Record<string, Json> }][]) {
    if (r.Type !== 'AWS::Lambda::Alias' || !holds(r)) continue;
    const target = value(next, r.Properties?.FunctionVersion, parameters);
    const versionId = isObject(target) && 'Fn::GetAtt' in target ? refOf(target) : undefined;
    lambda.aliases[id] = versionId ? String(lambda.byVersion[versionId] ?? `unknown version ${versionId}`) : String(target);
  }
  return { lambda };
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function refOf(v: Json): string | undefined {
  if (isObject(v) && typeof v.Ref === 'string') return v.Ref;
  if (isObject(v) && Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  if (isObject(v) && typeof v['Fn::GetAtt'] === 'string') return v['Fn::GetAtt'].split('.')[0];
  return undefined;
}

/** A value with Fn::If resolved (other intrinsics left as written). */
function value(t: Template, v: Json, parameters: Record<string, string>): Json {
  if (isObject(v) && Array.isArray(v['Fn::If'])) {
    const [name, yes, no] = v['Fn::If'] as [string, Json, Json];
    return value(t, condition(t, name, parameters) ? yes : no, parameters);
  }
  return v;
}

/** Evaluates a condition of the template (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition; Ref to parameters). */
function condition(t: Template, name: string, parameters: Record<string, string>): boolean {
  const conditions = (t as { Conditions?: Record<string, Json> }).Conditions ?? {};
  const scalar = (v: Json): string => {
    if (isObject(v) && typeof v.Ref === 'string') return parameters[v.Ref] ?? String(t.Parameters?.[v.Ref]?.Default ?? '');
    return String(v);
  };
  const evaluate = (c: Json): boolean => {
    if (!isObject(c)) throw new Error(`fake CloudFormation: cannot evaluate condition ${JSON.stringify(c)}`);
    if ('Fn::Equals' in c) return scalar((c['Fn::Equals'] as Json[])[0]) === scalar((c['Fn::Equals'] as Json[])[1]);
    if ('Fn::Not' in c) return !evaluate((c['Fn::Not'] as Json[])[0]);
    if ('Fn::And' in c) return (c['Fn::And'] as Json[]).every(evaluate);
    if ('Fn::Or' in c) return (c['Fn::Or'] as Json[]).some(evaluate);
    if ('Condition' in c) return condition(t, String(c.Condition), parameters);
    throw new Error(`fake CloudFormation: cannot evaluate condition ${JSON.stringify(c)}`);
  };
  return evaluate(conditions[name]);
}
