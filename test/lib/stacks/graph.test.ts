import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { buildGraph, selectWithDependencies, waves } from '../../../src/lib/stacks/graph';
import { buildPlan } from '../../../src/lib/deploy/plan';
import { UserError } from '../../../src/lib/errors';
import { catalog, env } from '../deploy/fixtures';

const parse = (text: string) => parseCatalog(text, '/p/templates/stacks.yaml', 'stacks.yaml');

describe('stack graph', () => {
  it('derives edges from output references, across regions too', () => {
    const graph = buildGraph(catalog());
    expect(graph.nodes.get('db@secondary')!.dependsOn.sort()).toEqual(['base@secondary', 'db@primary']);
    expect(graph.nodes.get('edge@edge')!.dependsOn.sort()).toEqual(['api@primary', 'api@secondary']);
    expect(graph.order.indexOf('db@primary')).toBeLessThan(graph.order.indexOf('db@secondary'));
  });

  it('makes an artifact value an edge to the artifacts stack of the same region', () => {
    const graph = buildGraph(
      parse(`
artifacts:
  fn: { bundle: functions/fn/handler.ts }
stacks:
  bootstrap: { template: bootstrap.yaml, regions: [primary, secondary] }
  app: { template: app.yaml, regions: [primary, secondary], parameters: { CodeKey: { artifact: fn } } }
`),
    );
    expect(graph.nodes.get('app@primary')!.dependsOn).toEqual(['bootstrap@primary']);
    expect(graph.nodes.get('app@secondary')!.dependsOn).toEqual(['bootstrap@secondary']);
    expect(waves(graph)).toEqual([['bootstrap@primary', 'bootstrap@secondary'], ['app@primary', 'app@secondary']]);
    expect(() =>
      parse(`
artifacts:
  fn: { bundle: functions/fn/handler.ts }
stacks:
  bootstrap: { template: bootstrap.yaml, regions: [primary] }
  app: { template: app.yaml, regions: [secondary], parameters: { CodeKey: { artifact: fn } } }
`),
    ).toThrow('stacks.yaml: stacks.app.parameters.CodeKey: artifact "fn" is uploaded to the bootstrap stack\'s bucket, but no bootstrap stack runs in the secondary region');
  });

  it('groups nodes into waves by longest dependency chain', () => {
    expect(waves(buildGraph(catalog()))).toEqual([
      ['base@primary', 'base@secondary'],
      ['db@primary'],
      ['db@secondary', 'api@primary'],
      ['api@secondary'],
      ['edge@edge'],
    ]);
  });

  it('names the stacks of a cycle', () => {
    const cyclic = parse(`
stacks:
  a: { template: a.yaml, regions: [primary], parameters: { X: { output: b.Out } } }
  b: { template: b.yaml, regions: [primary], parameters: { Y: { output: c.Out } } }
  c: { template: c.yaml, regions: [primary], parameters: { Z: { output: a.Out } } }
`);
    expect(() => buildGraph(cyclic)).toThrow('dependency cycle between stacks: a@primary → b@primary → c@primary → a@primary');
  });

  it('selects a stack and what it needs for --stack', () => {
    const c = catalog();
    expect([...selectWithDependencies(buildGraph(c), ['api'], c)].sort()).toEqual(['api@primary', 'api@secondary', 'base@primary', 'base@secondary', 'db@primary', 'db@secondary']);
    expect(() => selectWithDependencies(buildGraph(c), ['apj'], c)).toThrow('unknown stack "apj" (known: base, db, api, edge)');
  });

  it('rejects references to unknown stacks, roles a stack does not run in, and malformed sources', () => {
    expect(() => parse('stacks:\n  a: { template: a.yaml, regions: [primary], parameters: { X: { output: nope.Out } } }\n')).toThrow(/stacks\.a\.parameters\.X: unknown stack "nope"/);
    expect(() => parse('stacks:\n  a: { template: a.yaml, regions: [primary] }\n  b: { template: b.yaml, regions: [secondary], parameters: { X: { output: a.Out } } }\n')).toThrow(
      /stack "a" does not run in the secondary region .*add from: <role>/,
    );
    expect(() => parse('stacks:\n  a: { template: a.yaml, regions: [primary], parameters: { X: { output: a } } }\n')).toThrow(/must be stack\.OutputName/);
    expect(() => parse('stacks:\n  a: { template: a.yaml, regions: [moon] }\n')).toThrow(UserError);
  });
});

describe('plan', () => {
  it('resolves config and context values offline and shows where outputs will come from', () => {
    const plan = buildPlan(catalog(), env);
    const db = plan.waves.flat().find((n) => n.id === 'db@secondary')!;
    expect(db).toMatchObject({ region: 'eu-central-1', stackName: 'cafe-staging-db' });
    expect(db.parameters.map((p) => [p.name, p.value ?? `<${p.from}>`])).toEqual([
      ['BaseId', '<base@secondary.Id>'],
      ['GlobalId', '<db@primary.GlobalId>'],
      ['Capacity', '0.5'],
    ]);
    expect(plan.waves.flat().find((n) => n.id === 'edge@edge')!.region).toBe('us-east-1');
  });

  it('limits to one region with --region, and rejects a region outside the environment', () => {
    const plan = buildPlan(catalog(), env, { region: 'eu-central-1' });
    expect(plan.waves.flat().map((n) => n.id)).toEqual(['base@secondary', 'db@secondary', 'api@secondary']);
    expect(() => buildPlan(catalog(), env, { region: 'us-west-2' })).toThrow('--region us-west-2 is not a region of environment staging (its regions: eu-west-1, eu-central-1, us-east-1)');
  });
});
