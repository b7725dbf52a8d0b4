import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCatalog, parseCatalog } from '../../../src/lib/stacks/catalog';
import { buildDiagramModel } from '../../../src/lib/diagram/model';
import { renderSvg } from '../../../src/lib/diagram/svg';
import { runDiagram } from '../../../src/lib/diagram/service';

const root = join(__dirname, '../../..');

describe('architecture diagram', () => {
  it('summarises each stack instance with the resources its role creates', async () => {
    const model = await buildDiagramModel(await loadCatalog('templates/stacks.yaml', root));
    const box = (id: string) => model.boxes.find((b) => b.id === id)!;
    // The global cluster is created once, in the primary region (Condition: IsPrimary).
    expect(box('data@primary').resources).toContain('Aurora global database');
    expect(box('data@secondary').resources).not.toContain('Aurora global database');
    expect(box('data@secondary').resources).toContain('Aurora cluster');
    expect(box('edge@edge').resources).toEqual(expect.arrayContaining(['CloudFront distribution', '2 Route 53 health checks']));
    expect(model.roles).toEqual(['primary', 'secondary', 'edge']);
  });

  it('draws an edge per producer → consumer, marking the ones that cross regions', async () => {
    const model = await buildDiagramModel(await loadCatalog('templates/stacks.yaml', root));
    const edge = model.edges.find((e) => e.from === 'app@secondary' && e.to === 'edge@edge')!;
    expect(edge.crossRegion).toBe(true);
    expect(edge.outputs).toEqual(['RegionalApiHostname', 'RegionalDomainName', 'RegionalHostedZoneId']);
    const local = model.edges.find((e) => e.from === 'network@primary' && e.to === 'data@primary')!;
    expect(local.crossRegion).toBe(false);
    // Waves follow the dependencies: a consumer is always drawn below its producers.
    const wave = new Map(model.boxes.map((b) => [b.id, b.wave]));
    for (const e of model.edges) expect(wave.get(e.to)!).toBeGreaterThan(wave.get(e.from)!);
  });

  it('renders deterministic, escaped SVG', async () => {
    const catalog = parseCatalog('stacks:\n  a:\n    template: a.yaml\n    description: "x < y & z"\n    regions: [primary]\n', join(root, 'test/fixtures/deploy/stacks.yaml'));
    const model = { roles: ['primary' as const], boxes: [{ id: 'a@primary', stack: 'a', role: 'primary' as const, wave: 0, description: catalog.stacks.a!.description!, resources: ['VPC'] }], edges: [] };
    const svg = renderSvg(model);
    expect(svg).toContain('x &lt; y &amp; z');
    expect(svg).toBe(renderSvg(model));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('docs/architecture.svg and docs/templates.md are what `cafe-ops diagram` makes of the current templates', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await expect(runDiagram({ catalogFile: 'templates/stacks.yaml', out: 'docs/architecture.svg', reference: 'docs/templates.md', configFile: 'cafe-ops.yml', check: true })).resolves.toMatchObject({
        files: [{ file: 'docs/architecture.svg', changed: false }, { file: 'docs/templates.md', changed: false }],
      });
    } finally {
      process.chdir(cwd);
    }
    expect(await readFile(join(root, 'docs/architecture.svg'), 'utf8')).toContain('Aurora global database');
    const reference = await readFile(join(root, 'docs/templates.md'), 'utf8');
    // A cross-region wiring is spelled out per role, and outputs name their readers.
    expect(reference).toContain('| GlobalClusterIdentifier | String |');
    // Idle cost per stack and environment, from the cost estimate.
    expect(reference).toMatch(/\| data \| \$\d+\.\d\d \| \$\d+\.\d\d \|/);
    expect(reference).toMatch(/\| GlobalWriterEndpoint \| .* \| app\.DbWriterHost \|/);
  });
});
