import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployPlan, type DeployOptions } from '../../../src/lib/deploy/engine';
import { buildPlan } from '../../../src/lib/deploy/plan';
import { buildReview, readReview, reviewMarkdown, staleChangeSets, writeReview, type Review } from '../../../src/lib/deploy/review';
import { UserError } from '../../../src/lib/errors';
import { templateHash } from '../../../src/lib/templates/serialize';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock, FakeCloudFormation } from './fake-cloudformation';
import { catalog, env, outputs, readTemplate, templates } from './fixtures';

const tags = { Project: 'cafe', Environment: 'staging', CostCenter: 'cafe-platform' };
const original = { ...templates };

function setup() {
  const clock = new FakeClock();
  const cfn = new FakeCloudFormation({ clock, outputs });
  const plan = buildPlan(catalog(), env);
  const byId = new Map(plan.waves.flat().map((n) => [n.id, n]));
  const output = createMemoryOutput();
  const deps = { cloudFormation: (r: string) => cfn.port(r), clock, out: output.output };
  const run = (options: Partial<DeployOptions> = {}, review?: Review) =>
    deployPlan(plan, { tags, yes: true, readTemplate, ...options }, deps, review ? new Map(review.stacks.map((s) => [s.id, s])) : undefined);
  const review = async () => buildReview(await run({ noExecute: true }), env, (id) => byId.get(id)!.dependsOn, new Date(0));
  return { clock, cfn, run, review, output };
}

describe('deploy review, then execute what was reviewed', () => {
  afterEach(() => Object.assign(templates, original));

  it('reviews new stacks: change set ARN, stack id, template hash, parameters and changes; says which stacks cannot be in it and why', async () => {
    const { cfn, review } = setup();
    const r = await review();
    expect(r).toMatchObject({ kind: 'cafe-ops/deploy-review', version: 1, environment: 'staging', account: env.accountId });
    expect(r.stacks.map((s) => s.id).sort()).toEqual(['base@primary', 'base@secondary']);
    const base = r.stacks.find((s) => s.id === 'base@primary')!;
    expect(base.changes).toEqual([{ action: 'Add', logicalId: 'Topic', type: 'AWS::SNS::Topic' }]);
    expect(base.changeSet).toMatchObject({
      type: 'CREATE', name: expect.stringMatching(/^cafe-ops-/), id: expect.stringMatching(/:changeSet\//), stackId: cfn.get('eu-west-1', 'cafe-staging-base')!.id,
      templateSha256: templateHash(templates['base.yaml']!), parameters: { Env: 'staging' }, stackStatus: 'REVIEW_IN_PROGRESS',
    });
    expect(r.notInReview.find((s) => s.id === 'db@primary')!.reason).toMatch(/^needs base@primary, which is not deployed yet/);
    const md = reviewMarkdown(r, 'review.json');
    expect(md).toContain('| cafe-staging-base | eu-west-1 | new stack `' + base.changeSet.name + '` | 1 add |');
    expect(md).toContain('**Not in this review.** A change set needs the outputs of the stacks it reads');
    expect(md).toContain('cafe-ops deploy --env staging --execute review.json');
  });

  it('executes exactly the reviewed change sets, creating none, each stack after the reviewed stacks it needs', async () => {
    const { cfn, run, review } = setup();
    await run();
    templates['base.yaml'] += '  Other:\n    Type: AWS::SNS::Topic\n';
    templates['db.yaml'] += '  Extra:\n    Type: AWS::SNS::Topic\n';
    const r = await review();
    expect(r.stacks.map((s) => s.id).sort()).toEqual(['base@primary', 'base@secondary', 'db@primary', 'db@secondary']);
    expect(r.stacks.find((s) => s.id === 'db@secondary')!.dependsOn.sort()).toEqual(['base@secondary', 'db@primary']);
    expect(r.unchanged.sort()).toEqual(['api@primary', 'api@secondary', 'edge@edge']);
    const before = cfn.calls.length;
    const report = await run({}, r);
    const calls = cfn.calls.slice(before);
    expect(report.ok).toBe(true);
    expect(report.stacks.map((s) => `${s.id}:${s.result}`).sort()).toEqual(['base@primary:updated', 'base@secondary:updated', 'db@primary:updated', 'db@secondary:updated']);
    expect(calls.filter((c) => c.startsWith('CreateChangeSet'))).toEqual([]);
    const at = (c: string) => calls.indexOf(c);
    expect(at('ExecuteChangeSet eu-west-1 cafe-staging-base')).toBeLessThan(at('ExecuteChangeSet eu-west-1 cafe-staging-db'));
    expect(at('ExecuteChangeSet eu-west-1 cafe-staging-db')).toBeLessThan(at('ExecuteChangeSet eu-central-1 cafe-staging-db'));
    expect(cfn.get('eu-west-1', 'cafe-staging-db')!.template).toContain('Extra');
  });

  it('finds a review stale when a stack was updated since, a change set is gone, or is no longer AVAILABLE', async () => {
    const { cfn, run, review } = setup();
    await run();
    templates['base.yaml'] += '  Other:\n    Type: AWS::SNS::Topic\n';
    const r = await review();
    const port = (region: string) => cfn.port(region);
    expect(await staleChangeSets(r, port)).toEqual([]);
    cfn.get('eu-west-1', 'cafe-staging-base')!.lastUpdatedTime = '2030-01-01T00:00:00.000Z';
    const [key] = [...cfn.changeSets.entries()].find(([k]) => k.startsWith('eu-central-1/'))!;
    const obsolete = cfn.changeSets.get(key)!;
    obsolete.obsolete = true;
    expect(await staleChangeSets(r, port)).toEqual([
      'cafe-staging-base (eu-west-1) was updated at 2030-01-01T00:00:00.000Z after the review',
      `cafe-staging-base (eu-central-1): change set ${obsolete.input.changeSetName} cannot be executed (OBSOLETE)`,
    ]);
    cfn.changeSets.delete(key);
    expect((await staleChangeSets(r, port))[1]).toBe(`cafe-staging-base (eu-central-1): change set ${obsolete.input.changeSetName} is gone`);
  });

  it('writes the review and its Markdown summary, and reads it back only for its own environment and account', async () => {
    const { review } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'review-'));
    const file = join(dir, 'review.json');
    const r = await review();
    expect(await writeReview(file, r)).toBe(`${file}.md`);
    expect(readFileSync(`${file}.md`, 'utf8')).toContain('## cafe-ops deploy review: staging');
    expect(await readReview(file, env)).toEqual(r);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    await expect(readReview(bad, env)).rejects.toThrow(UserError);
    await expect(readReview(bad, env)).rejects.toThrow(/bad\.json does not parse as a deploy review/);
    writeFileSync(bad, '{"kind":"something else"}');
    await expect(readReview(bad, env)).rejects.toThrow(/is not a cafe-ops deploy review/);
    await expect(readReview(file, { ...env, name: 'production' })).rejects.toThrow(/is a review of environment staging, not production/);
    await expect(readReview(file, { ...env, accountId: '999999999999' })).rejects.toThrow(/is a review for account \d+, but environment staging is account 999999999999/);
    await expect(readReview(join(dir, 'missing.json'), env)).rejects.toThrow(/review file not found/);
  });
});
