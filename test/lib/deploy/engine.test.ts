import { deployPlan, rootCause, type DeployOptions } from '../../../src/lib/deploy/engine';
import { buildPlan } from '../../../src/lib/deploy/plan';
import type { Output } from '../../../src/lib/ui/output';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock, FakeCloudFormation, type FakeOptions } from './fake-cloudformation';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { catalog, catalogText, env, outputs, readTemplate, templates } from './fixtures';

const tags = { Project: 'cafe', Environment: 'staging', CostCenter: 'cafe-platform' };

function setup(fake: Partial<FakeOptions> = {}, output = createMemoryOutput()) {
  const clock = new FakeClock();
  const cfn = new FakeCloudFormation({ clock, outputs, ...fake });
  const plan = buildPlan(catalog(), env);
  const run = (options: Partial<DeployOptions> = {}) =>
    deployPlan(plan, { tags, yes: true, readTemplate, ...options }, { cloudFormation: (r) => cfn.port(r), clock, out: output.output });
  return { clock, cfn, plan, run, output };
}

describe('deploy engine', () => {
  afterEach(() => {
    templates['db.yaml'] = 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t1\n  Queue:\n    Type: AWS::SQS::Queue\n';
  });

  it('creates every stack instance, passing outputs across regions, and protects each stack', async () => {
    const { cfn, run } = setup();
    const report = await run();
    expect(report.ok).toBe(true);
    expect(report.stacks.map((s) => `${s.id}:${s.result}`)).toEqual(expect.arrayContaining(['base@primary:created', 'db@secondary:created', 'edge@edge:created']));
    expect(report.stacks).toHaveLength(7);
    const secondaryDb = cfn.get('eu-central-1', 'cafe-staging-db')!;
    expect(secondaryDb.parameters).toEqual({ BaseId: 'cafe-staging-base@eu-central-1', GlobalId: 'global-1', Capacity: '0.5' });
    expect(cfn.get('us-east-1', 'cafe-staging-edge')!.parameters).toEqual({
      PrimaryApi: 'cafe-staging-api@eu-west-1',
      SecondaryApi: 'cafe-staging-api@eu-central-1',
    });
    const base = cfn.get('eu-west-1', 'cafe-staging-base')!;
    expect(base.protected).toBe(true);
    expect(JSON.parse(base.policy!).Statement[1]).toMatchObject({ Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'] });
  });

  it('reports "no changes" on a second run and deletes the empty change sets', async () => {
    const { cfn, run } = setup();
    await run();
    const second = await run();
    expect(second.ok).toBe(true);
    expect(new Set(second.stacks.map((s) => s.result))).toEqual(new Set(['no changes']));
    expect(cfn.changeSets.size).toBe(0);
    expect(cfn.calls.filter((c) => c.startsWith('ExecuteChangeSet'))).toHaveLength(7);
  });

  it('passes the configured CloudFormation service role on every change set', async () => {
    const { cfn, run } = setup();
    const roleArn = 'arn:aws:iam::111111111111:role/cafe-staging-cloudformation';
    await run({ roleArn, noExecute: true });
    const roles = [...cfn.changeSets.values()].map((c) => c.input.roleArn);
    expect(roles.length).toBeGreaterThan(0);
    expect(new Set(roles)).toEqual(new Set([roleArn]));
  });

  it('never passes the service role for a stack the catalog deploys with the caller\'s own credentials (serviceRole: false)', async () => {
    const clock = new FakeClock();
    const cfn = new FakeCloudFormation({ clock, outputs });
    const text = catalogText.replace('    template: base.yaml\n', '    template: base.yaml\n    serviceRole: false\n');
    const plan = buildPlan(parseCatalog(text, '/project/templates/stacks.yaml', 'stacks.yaml'), env);
    const roleArn = 'arn:aws:iam::111111111111:role/cafe-staging-cloudformation';
    const output = createMemoryOutput();
    await deployPlan(plan, { tags, yes: true, readTemplate, roleArn }, { cloudFormation: (r) => cfn.port(r), clock, out: output.output });
    expect(cfn.get('eu-west-1', 'cafe-staging-base')!.roleArn).toBeUndefined();
    expect(cfn.get('eu-west-1', 'cafe-staging-db')!.roleArn).toBe(roleArn);
  });

  it('creates a stack with its create-time values, then updates it to the regular ones (deletion protection on after the create)', async () => {
    templates['db.yaml'] = [
      'Metadata:',
      '  cafe-ops:',
      '    on-create-parameters:',
      "      DeletionProtection: 'false'",
      'Parameters:',
      '  DeletionProtection: { Type: String, Default: "true", AllowedValues: ["true", "false"] }',
      'Resources:',
      '  Table:',
      '    Type: AWS::DynamoDB::Table',
      '    Properties:',
      '      DeletionProtectionEnabled: !Ref DeletionProtection',
      '',
    ].join('\n');
    const { cfn, run, output } = setup();
    const report = await run();
    expect(report.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'created' });
    const db = cfn.get('eu-west-1', 'cafe-staging-db')!;
    // Created with 'false'; the update passes what every deploy passes, so the template's Default ('true') applies.
    expect(db.parameterHistory.map((p) => p.DeletionProtection)).toEqual(['false', undefined]);
    expect(output.text()).toContain('created; updating to DeletionProtection=true');
    // A stack without create-time values is created once.
    expect(cfn.get('eu-west-1', 'cafe-staging-base')!.parameterHistory).toHaveLength(1);
    // The next deploy passes the regular values: nothing to change, no second round.
    const again = await run();
    expect(again.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'no changes' });
    expect(db.parameterHistory).toHaveLength(2);
  });

  it('updates a stack whose template changed and shows the change', async () => {
    const { run, output } = setup();
    await run();
    templates['db.yaml'] += '  Extra:\n    Type: AWS::SNS::Topic\n';
    const report = await run();
    expect(report.stacks.filter((s) => s.result === 'updated').map((s) => s.id).sort()).toEqual(['db@primary', 'db@secondary']);
    expect(output.text()).toContain('+ Extra  AWS::SNS::Topic');
  });

  it('stops starting new stacks after a failure, lets running ones finish, and names the root cause', async () => {
    const { run } = setup({ failures: { 'cafe-staging-db': { logicalId: 'Table', reason: 'Table already exists' } }, durations: { base: 10_000 } });
    const report = await run();
    expect(report.ok).toBe(false);
    const db = report.stacks.find((s) => s.id === 'db@primary')!;
    expect(db.result).toBe('failed');
    expect(db.rootCause).toEqual({ logicalId: 'Table', type: 'AWS::Test::Resource', reason: 'Table already exists' });
    expect(report.stacks.find((s) => s.id === 'api@primary')!.result).toBe('skipped');
    expect(report.stacks.find((s) => s.id === 'edge@edge')!.result).toBe('skipped');
  });

  it('deletes and recreates a stack left in ROLLBACK_COMPLETE after confirmation', async () => {
    const { cfn, run } = setup();
    cfn.seed('eu-west-1', 'cafe-staging-base', 'ROLLBACK_COMPLETE');
    const report = await run();
    expect(report.stacks.find((s) => s.id === 'base@primary')!.result).toBe('created');
    expect(cfn.calls).toContain('DeleteStack eu-west-1 cafe-staging-base');
  });

  it('refuses to delete a ROLLBACK_COMPLETE stack without a terminal or --yes', async () => {
    const { cfn, run } = setup();
    cfn.seed('eu-west-1', 'cafe-staging-base', 'ROLLBACK_COMPLETE');
    const report = await run({ yes: false });
    expect(report.ok).toBe(false);
    expect(report.stacks.find((s) => s.id === 'base@primary')).toMatchObject({ result: 'declined', error: expect.stringMatching(/confirmation needed: .*ROLLBACK_COMPLETE/) });
    expect(cfn.calls).not.toContain('DeleteStack eu-west-1 cafe-staging-base');
  });

  it('continues a failed update rollback, then updates', async () => {
    const { cfn, run } = setup();
    await run();
    cfn.get('eu-west-1', 'cafe-staging-base')!.status = 'UPDATE_ROLLBACK_FAILED';
    const report = await run();
    expect(cfn.calls).toContain('ContinueUpdateRollback eu-west-1 cafe-staging-base');
    expect(report.stacks.find((s) => s.id === 'base@primary')!.result).toBe('no changes');
  });

  it('waits for a stack that is already in progress before changing it', async () => {
    const { cfn, run, clock } = setup();
    await run();
    const stack = cfn.get('eu-west-1', 'cafe-staging-base')!;
    stack.status = 'UPDATE_IN_PROGRESS';
    stack.until = clock.now() + 30_000;
    stack.then = () => (stack.status = 'UPDATE_COMPLETE');
    const started = clock.now();
    const report = await run();
    expect(report.ok).toBe(true);
    expect(clock.now() - started).toBeGreaterThanOrEqual(30_000);
  });

  it('tells the live view what recovery waits on: an operation already in progress, then a continued rollback', async () => {
    const { cfn, clock, plan, output } = setup();
    const events: string[] = [];
    const deploy = () => deployPlan(plan, { tags, yes: true, readTemplate }, {
      cloudFormation: (r) => cfn.port(r), clock, out: output.output,
      onStackEvent: (id, e) => { if (id === 'base@primary' && e.phase === 'recover') events.push(e.status); },
    });
    await deploy();
    const stack = cfn.get('eu-west-1', 'cafe-staging-base')!;
    stack.status = 'UPDATE_IN_PROGRESS';
    stack.until = clock.now() + 30_000;
    stack.then = () => (stack.status = 'UPDATE_COMPLETE');
    await deploy();
    expect(events[0]).toBe('waiting for UPDATE_IN_PROGRESS');
    expect(events).toContain('UPDATE_COMPLETE');
    events.length = 0;
    stack.status = 'UPDATE_ROLLBACK_FAILED';
    await deploy();
    expect(events[0]).toBe('continuing the rollback');
    expect(events.at(-1)).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('never replaces a stateful resource under --yes alone; --allow-replacement lifts the stack policy for that run', async () => {
    const { cfn, run } = setup({ replacements: new Set(['Table']) });
    await run();
    templates['db.yaml'] = templates['db.yaml']!.replace('TableName: t1', 'TableName: t2');
    const refused = await run();
    expect(refused.ok).toBe(false);
    expect(refused.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'declined', error: expect.stringContaining('Table (AWS::DynamoDB::Table, replaced)') });
    expect(cfn.changeSets.size).toBe(0);

    const allowed = await run({ allowReplacement: true });
    expect(allowed.ok).toBe(true);
    expect(cfn.calls.filter((c) => c === 'SetStackPolicy eu-west-1 cafe-staging-db').length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(cfn.get('eu-west-1', 'cafe-staging-db')!.policy!).Statement).toHaveLength(2);
  });

  it('keeps change sets for review under --no-execute', async () => {
    const { cfn, run } = setup();
    const report = await run({ noExecute: true, concurrency: 8 });
    // Only the first wave can be planned: later stacks need outputs of stacks not yet created.
    expect(report.stacks.filter((s) => s.result === 'change set kept').map((s) => s.id).sort()).toEqual(['base@primary', 'base@secondary']);
    expect(cfn.changeSets.size).toBe(2);
    expect(cfn.calls.some((c) => c.startsWith('ExecuteChangeSet'))).toBe(false);
    expect(report.ok).toBe(true);
    expect(report.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'skipped', error: expect.stringMatching(/^not started: needs base@primary\b/) });
  });

  it('bounds concurrency and starts each stack as soon as its own dependencies are done', async () => {
    const durations = { base: 60_000, db: 600_000, api: 120_000, edge: 300_000 };
    const serial = setup({ durations });
    await serial.run({ concurrency: 1 });
    expect(serial.cfn.maxConcurrent).toBe(1);

    const parallel = setup({ durations });
    const started = parallel.clock.now();
    await parallel.run({ concurrency: 4 });
    const makespan = parallel.clock.now() - started;
    // base → db@primary → db@secondary (joins the primary's global id) → api@secondary → edge
    const criticalPath = 60_000 + 600_000 + 600_000 + 120_000 + 300_000;
    expect(parallel.cfn.maxConcurrent).toBe(2);
    expect(makespan).toBeGreaterThanOrEqual(criticalPath);
    expect(makespan).toBeLessThan(criticalPath * 1.05);
    // One at a time takes at least the sum of every stack's duration.
    expect(serial.clock.now()).toBeGreaterThanOrEqual(2 * 60_000 + 2 * 600_000 + 2 * 120_000 + 300_000);
  });

  it('stops waiting when interrupted and reports what is still in progress', async () => {
    const controller = new AbortController();
    const { run, clock } = setup({ defaultMs: 600_000 });
    const pending = run({ signal: controller.signal });
    while (clock.now() < 100_000) await new Promise((r) => setImmediate(r));
    controller.abort();
    const report = await pending;
    expect(report.ok).toBe(false);
    expect(report.stillInProgress.sort()).toEqual(['cafe-staging-base (eu-central-1)', 'cafe-staging-base (eu-west-1)']);
  });
});

describe('deploy engine, on a CloudFormation as strict as AWS', () => {
  const db = templates['db.yaml']!;
  afterEach(() => {
    templates['db.yaml'] = db;
  });
  /** Lets virtual time run until `done` holds (bounded, so a wrong expectation fails instead of spinning). */
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 100_000 && !done(); i++) await new Promise((r) => setImmediate(r));
    if (!done()) throw new Error('condition never held');
  };
  const statefulPolicy = (policy: string | undefined) => JSON.parse(policy!).Statement.length === 2;

  it('sends no YAML aliases: the template body is serialized before it is sent', async () => {
    // CloudFormation: "Template error: YAML aliases are not allowed in CloudFormation templates"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
    const { cfn, run } = setup();
    const original = templates['base.yaml']!;
    templates['base.yaml'] = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags: &tags\n        - { Key: Name, Value: !Ref AWS::StackName }\n  Other:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags: *tags\n';
    try {
      const report = await run();
      expect(report.stacks.find((s) => s.id === 'base@primary')!.result).toBe('created');
      expect(cfn.get('eu-west-1', 'cafe-staging-base')!.template).toContain('Value: !Ref AWS::StackName');
      expect(cfn.get('eu-west-1', 'cafe-staging-base')!.template).not.toContain('*tags');
    } finally {
      templates['base.yaml'] = original;
    }
  });

  it('reports the root cause of a new stack that failed and was deleted (OnStackFailure=DELETE), and never lists it as in progress', async () => {
    // A deleted stack answers only to its unique id:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html
    const { cfn, run } = setup({ failures: { 'cafe-staging-base': { logicalId: 'Topic', reason: 'Topic name already exists' } } });
    const report = await run();
    const base = report.stacks.find((s) => s.id === 'base@primary')!;
    expect(cfn.get('eu-west-1', 'cafe-staging-base')!.status).toBe('DELETE_COMPLETE');
    expect(base).toMatchObject({ result: 'failed', rootCause: { logicalId: 'Topic', type: 'AWS::Test::Resource', reason: 'Topic name already exists' } });
    expect(base.error).toMatch(/failed to create and was deleted/);
    expect(base.error).not.toMatch(/does not exist/);
    expect(report.stillInProgress).toEqual([]);
    const stackId = cfn.get('eu-west-1', 'cafe-staging-base')!.id;
    expect(cfn.calls).toContain(`DescribeStackEvents eu-west-1 ${stackId}`);
  });

  it('restores the stateful stack policy after a failed --allow-replacement update', async () => {
    const { cfn, run } = setup({ replacements: new Set(['Table']) });
    await run();
    templates['db.yaml'] = templates['db.yaml']!.replace('TableName: t1', 'TableName: t2');
    cfn.options.failures = { 'cafe-staging-db': { logicalId: 'Table', reason: 'Resource handler returned message: "boom"' } };
    const report = await run({ allowReplacement: true });
    expect(report.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'failed', rootCause: { logicalId: 'Table' } });
    expect(cfn.get('eu-west-1', 'cafe-staging-db')!.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statefulPolicy(cfn.get('eu-west-1', 'cafe-staging-db')!.policy)).toBe(true);
    expect(statefulPolicy(cfn.get('eu-central-1', 'cafe-staging-db')!.policy)).toBe(true);
  });

  it('restores the stateful stack policy when Ctrl-C interrupts an --allow-replacement update', async () => {
    const { cfn, run, clock } = setup({ replacements: new Set(['Table']) });
    await run();
    templates['db.yaml'] = templates['db.yaml']!.replace('TableName: t1', 'TableName: t2');
    cfn.options.durations = { db: 600_000 };
    const controller = new AbortController();
    const pending = run({ allowReplacement: true, signal: controller.signal });
    const stack = cfn.get('eu-west-1', 'cafe-staging-db')!;
    await until(() => stack.status === 'UPDATE_IN_PROGRESS');
    expect(statefulPolicy(stack.policy)).toBe(false);
    const at = clock.now();
    await until(() => clock.now() >= at + 60_000);
    controller.abort();
    const report = await pending;
    expect(report.ok).toBe(false);
    expect(report.stillInProgress).toContain('cafe-staging-db (eu-west-1)');
    expect(statefulPolicy(stack.policy)).toBe(true);
  });

  it('gates a stateful resource whose replacement is Conditional like one that is replaced', async () => {
    // Replacement Conditional: "the resource may be replaced"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html).
    const { cfn, run } = setup({ conditionalReplacements: new Set(['Table']) });
    await run();
    templates['db.yaml'] = templates['db.yaml']!.replace('TableName: t1', 'TableName: t2');
    const report = await run();
    expect(report.stacks.find((s) => s.id === 'db@primary')).toMatchObject({ result: 'declined', error: expect.stringContaining('Table (AWS::DynamoDB::Table, may be replaced)') });
    expect(cfn.calls.filter((c) => c === 'ExecuteChangeSet eu-west-1 cafe-staging-db')).toHaveLength(1);
  });

  it('says why each held-back stack did not start: a failure elsewhere, a dependency that failed, or Ctrl-C', async () => {
    const { run } = setup({ failures: { 'cafe-staging-base': { logicalId: 'Topic', reason: 'boom' } } });
    const report = await run({ concurrency: 1 });
    const error = (id: string) => report.stacks.find((s) => s.id === id)!.error;
    expect(error('base@secondary')).toBe('not started: cafe-staging-base (eu-west-1) failed first; no new stack starts after a failure');
    expect(error('db@primary')).toBe('not started: needs base@primary, which failed');
    expect(error('db@secondary')).toBe('not started: needs base@secondary, db@primary; cafe-staging-base (eu-west-1) failed first; no new stack starts after a failure');
    for (const s of report.stacks) expect(s.error).not.toMatch(/interrupted/);

    const controller = new AbortController();
    const slow = setup({ defaultMs: 600_000 });
    const pending = slow.run({ signal: controller.signal });
    await until(() => slow.clock.now() >= 100_000);
    controller.abort();
    const interrupted = await pending;
    expect(interrupted.stacks.find((s) => s.id === 'db@primary')!.error).toBe('not started: interrupted by Ctrl-C');
  });
});

describe('rootCause', () => {
  it('skips cancellations and stack-level events', () => {
    const events = [
      { id: '3', timestamp: 30, logicalId: 'stack', type: 'AWS::CloudFormation::Stack', status: 'ROLLBACK_IN_PROGRESS', reason: 'x' },
      { id: '2', timestamp: 20, logicalId: 'B', type: 'AWS::S3::Bucket', status: 'CREATE_FAILED', reason: 'Resource creation cancelled' },
      { id: '1', timestamp: 10, logicalId: 'A', type: 'AWS::IAM::Role', status: 'CREATE_FAILED', reason: 'not authorized' },
      { id: '0', timestamp: 1, logicalId: 'Old', type: 'AWS::IAM::Role', status: 'CREATE_FAILED', reason: 'earlier run' },
    ];
    expect(rootCause(events, 5)).toEqual({ logicalId: 'A', type: 'AWS::IAM::Role', reason: 'not authorized' });
  });
});

describe('deploy engine: one question at a time, nothing left behind, no change set for what is unchanged', () => {
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 100_000 && !done(); i++) await new Promise((r) => setImmediate(r));
    if (!done()) throw new Error('condition never held');
  };

  /** An output whose questions wait for the test to answer them; everything in one ordered log. */
  function promptingOutput() {
    const log: string[] = [];
    const pending: { question: string; answer: (ok: boolean) => void }[] = [];
    const base = createMemoryOutput().output;
    const output: Output = {
      ...base,
      info: (t) => log.push(t),
      progress: (t) => log.push(t),
      confirm: (question, options) => {
        if (options?.assumeYes) return Promise.resolve(true);
        log.push(`? ${question}`);
        return new Promise((answer) => pending.push({ question, answer }));
      },
    };
    return { output, log, pending };
  }

  it('asks one stack at a time, its changes right above its question; the next waits, and one answer executes one change set', async () => {
    const clock = new FakeClock();
    const cfn = new FakeCloudFormation({ clock, outputs });
    const { output, log, pending } = promptingOutput();
    const run = deployPlan(buildPlan(catalog(), env), { tags, yes: false, readTemplate }, { cloudFormation: (r) => cfn.port(r), clock, out: output });
    // base@primary and base@secondary are ready together; only one of them asks.
    await until(() => pending.length === 1);
    for (let i = 0; i < 2000; i++) await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(1);
    const first = pending[0]!.question.match(/for (cafe-staging-base \(.*?\))\?/)![1]!;
    const firstAt = log.indexOf(`? ${pending[0]!.question}`);
    expect(log.slice(firstAt - 2, firstAt)).toEqual([`${first}: new stack, 1 change`, '  + Topic  AWS::SNS::Topic']);
    pending[0]!.answer(true);

    await until(() => pending.length === 2);
    const second = pending[1]!.question.match(/for (cafe-staging-base \(.*?\))\?/)![1]!;
    expect(second).not.toBe(first);
    const secondAt = log.indexOf(`? ${pending[1]!.question}`);
    expect(log.slice(secondAt - 2, secondAt)).toEqual([`${second}: new stack, 1 change`, '  + Topic  AWS::SNS::Topic']);
    pending[1]!.answer(false);

    const report = await run;
    expect(cfn.calls.filter((c) => c.startsWith('ExecuteChangeSet'))).toHaveLength(1);
    const results = report.stacks.filter((s) => s.stackName === 'cafe-staging-base').map((s) => s.result).sort();
    expect(results).toEqual(['created', 'declined']);
  });

  it('deletes a declined change set and the never-created stack it held in REVIEW_IN_PROGRESS, and still lists the changes', async () => {
    // Without a terminal and without --yes, every change set is refused.
    const { cfn, run } = setup();
    const report = await run({ yes: false });
    const base = report.stacks.filter((s) => s.stackName === 'cafe-staging-base');
    expect(base.map((s) => s.result)).toEqual(['declined', 'declined']);
    for (const s of base) {
      expect(s.changes).toEqual([{ action: 'Add', logicalId: 'Topic', type: 'AWS::SNS::Topic' }]);
      expect(s.error).toMatch(/confirmation needed: Execute the change set/);
    }
    expect(cfn.changeSets.size).toBe(0);
    // DeleteStack on a REVIEW_IN_PROGRESS stack: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html
    const id = cfn.get('eu-west-1', 'cafe-staging-base')!.id;
    expect(cfn.calls).toEqual(expect.arrayContaining([`DeleteChangeSet eu-west-1 cafe-staging-base`, `DeleteStack eu-west-1 ${id}`]));
    expect(await cfn.port('eu-west-1').describeStack(id)).toMatchObject({ status: expect.stringMatching(/^DELETE_/) });
  });

  it('keeps an existing stack when its update is declined, deleting only the change set', async () => {
    const { cfn, run } = setup();
    await run();
    templates['base.yaml'] += '  Other:\n    Type: AWS::SNS::Topic\n';
    try {
      const report = await run({ yes: false });
      expect(report.stacks.find((s) => s.id === 'base@primary')).toMatchObject({ result: 'declined', changes: [{ action: 'Add', logicalId: 'Other' }] });
      expect(cfn.changeSets.size).toBe(0);
      expect(cfn.get('eu-west-1', 'cafe-staging-base')!.status).toBe('CREATE_COMPLETE');
    } finally {
      templates['base.yaml'] = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
    }
  });

  it('reports "no changes" without a change set when template, parameters, tags, role and policy equal what is deployed; --force creates them', async () => {
    const { cfn, run } = setup();
    await run();
    const before = cfn.calls.length;
    const second = await run();
    const calls = cfn.calls.slice(before);
    expect(second.stacks.map((s) => [s.result, s.detectedBy])).toEqual(second.stacks.map(() => ['no changes', 'comparison']));
    expect(calls.filter((c) => c.startsWith('CreateChangeSet'))).toEqual([]);
    // DescribeStacks, GetTemplate, GetStackPolicy: three calls per stack instance, nothing else.
    expect(calls.length).toBe(3 * second.stacks.length);

    const forced = await run({ force: true });
    expect(forced.stacks.map((s) => [s.result, s.detectedBy])).toEqual(forced.stacks.map(() => ['no changes', 'change set']));
    expect(cfn.changeSets.size).toBe(0);
  });

  it('creates a change set when only the tags, the role or the stack policy differ from what is deployed', async () => {
    const { cfn, run, output } = setup();
    await run();
    const created = () => cfn.calls.filter((c) => c.startsWith('CreateChangeSet')).length;
    let count = created();
    await run({ tags: { ...tags, CostCenter: 'other' } });
    expect(created() - count).toBe(7);
    expect(output.text()).toContain('stack tags differ; creating a change set');
    count = created();
    await run({ tags: { ...tags, CostCenter: 'other' }, roleArn: 'arn:aws:iam::111111111111:role/cfn' });
    expect(created() - count).toBe(7);
    count = created();
    cfn.get('eu-west-1', 'cafe-staging-base')!.policy = '{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}]}';
    await run({ tags: { ...tags, CostCenter: 'other' }, roleArn: 'arn:aws:iam::111111111111:role/cfn' });
    expect(created() - count).toBe(1);
    expect(output.text()).toContain('stack policy differs');
  });
});
