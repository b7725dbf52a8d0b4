import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCatalog } from '../../../src/lib/stacks/catalog';
import { buildDiagramModel } from '../../../src/lib/diagram/model';
import { buildRequestPath } from '../../../src/lib/diagram/request-path';
import { stackGraph } from '../../../src/lib/diagram/stack-graph';
import { layout, type DiagramGraph, type Layout } from '../../../src/lib/diagram/layout';
import { layoutProblems, segmentCrosses } from '../../../src/lib/diagram/geometry';
import { renderLayout } from '../../../src/lib/diagram/render';
import { drawDiagram, runDiagram } from '../../../src/lib/diagram/service';
import { TemplatesCopy } from '../lint/rules/copy';

const root = join(__dirname, '../../..');
const catalog = () => loadCatalog('templates/stacks.yaml', root);

describe('the stack model', () => {
  it('summarises each stack instance with the resources its role creates', async () => {
    const model = await buildDiagramModel(await catalog());
    const box = (id: string) => model.boxes.find((b) => b.id === id)!;
    // The global cluster is created once, in the primary region (Condition: IsPrimary).
    expect(box('data@primary').resources).toContain('Aurora global database');
    expect(box('data@secondary').resources).not.toContain('Aurora global database');
    expect(box('data@secondary').resources).toContain('Aurora cluster');
    expect(box('edge@edge').resources).toEqual(expect.arrayContaining(['CloudFront distribution', '2 Route 53 health checks']));
    expect(model.roles).toEqual(['primary', 'secondary', 'edge']);
  });

  it('has an edge per producer → consumer, marking the ones that cross regions', async () => {
    const model = await buildDiagramModel(await catalog());
    const edge = model.edges.find((e) => e.from === 'app@secondary' && e.to === 'edge@edge')!;
    expect(edge.crossRegion).toBe(true);
    expect(edge.outputs).toEqual(['RegionalApiHostname', 'RegionalDomainName', 'RegionalHostedZoneId']);
    const local = model.edges.find((e) => e.from === 'network@primary' && e.to === 'data@primary')!;
    expect(local.crossRegion).toBe(false);
    const wave = new Map(model.boxes.map((b) => [b.id, b.wave]));
    for (const e of model.edges) expect(wave.get(e.to)!).toBeGreaterThan(wave.get(e.from)!);
  });
});

describe('the request path, read from the templates', () => {
  const linkOf = (graph: DiagramGraph, from: string, to: string) => graph.links.find((l) => l.from === from && l.to === to);

  it('goes Route 53 → CloudFront/WAF → S3, and Route 53 failover → each region\'s API/WAF → Lambda → Aurora and DynamoDB', async () => {
    const graph = await buildRequestPath(await catalog());
    expect(graph.groups.map((g) => g.id)).toEqual(['edge', 'primary', 'secondary']);
    expect(linkOf(graph, 'dns@edge', 'cdn@edge')?.label).toEqual(['AliasTarget']);
    expect(graph.nodes.find((n) => n.id === 'cdn@edge')!.lines).toContain('WAF web ACL');
    expect(linkOf(graph, 'cdn@edge', 'bucket:SiteBucket@edge')?.label).toEqual(['Origins']);
    expect(linkOf(graph, 'dns@edge', 'api@primary')?.label).toContain('failover PRIMARY');
    expect(linkOf(graph, 'dns@edge', 'api@secondary')?.label).toContain('failover SECONDARY');
    for (const role of ['primary', 'secondary']) {
      expect(graph.nodes.find((n) => n.id === `api@${role}`)!.lines).toEqual(expect.arrayContaining(['REST API', 'WAF web ACL', 'API authorizer']));
      // The API invokes the functions and its token authorizer; the authorizer, not the API, knows the user pool.
      expect(linkOf(graph, `api@${role}`, `lambda@${role}`)?.label).toEqual(['AuthorizerUri', 'Integration']);
      expect(linkOf(graph, `api@${role}`, 'cognito@primary')).toBeUndefined();
      expect(linkOf(graph, `lambda@${role}`, 'cognito@primary')?.label).toEqual(['USER_POOL_CLIENT_ID', 'USER_POOL_ID']);
      expect(linkOf(graph, `lambda@${role}`, `sfn@${role}`)?.label).toEqual(['STATE_MACHINE_ARN']);
      expect(linkOf(graph, `sfn@${role}`, `lambda@${role}`)?.label).toEqual(expect.arrayContaining(['PaymentsFunctionArn']));
      expect(linkOf(graph, `lambda@${role}`, 'dynamo@primary')?.label).toEqual(expect.arrayContaining(['MENU_TABLE', 'IDEMPOTENCY_TABLE']));
      expect(linkOf(graph, `lambda@${role}`, `observability@${role}`)?.label).toEqual(['metrics']);
    }
    // Writes go to the global writer in the primary region, reads to the local reader.
    expect(linkOf(graph, 'lambda@secondary', 'aurora@primary')?.label).toEqual(['DB_WRITER_HOST']);
    expect(linkOf(graph, 'lambda@secondary', 'aurora@secondary')?.label).toEqual(['DB_READER_HOST']);
    expect(linkOf(graph, 'lambda@secondary', 'aurora@primary')?.dashed).toBe(true);
    expect(linkOf(graph, 'aurora@secondary', 'aurora@primary')?.label).toEqual(['GlobalClusterIdentifier']);
    // Deployment-time and logging references are not on a request's path.
    expect(graph.nodes.map((n) => n.id).filter((id) => id.startsWith('bucket'))).toEqual(['bucket:SiteBucket@edge']);
  });

  it('follows the templates, not a fixed picture: take the site records out and CloudFront and its bucket leave the diagram', async () => {
    const copy = new TemplatesCopy();
    try {
      copy.edit('edge.yaml', (doc) => {
        doc.deleteIn(['Resources', 'SiteRecordA']);
        doc.deleteIn(['Resources', 'SiteRecordAAAA']);
      });
      const graph = await buildRequestPath(await copy.catalog());
      expect(graph.nodes.map((n) => n.id)).not.toContain('cdn@edge');
      expect(graph.nodes.map((n) => n.id)).not.toContain('bucket:SiteBucket@edge');
      expect(graph.nodes.map((n) => n.id)).toContain('api@primary');
    } finally {
      copy.remove();
    }
  });
});

describe('diagram geometry', () => {
  const box = (id: string, x: number, y: number) => ({ id, kind: 'node' as const, colour: '#000', x, y, width: 100, height: 40, text: [{ text: 'short', x: x + 10, y: y + 20, size: 11, bold: false }] });

  it('tells an edge through a box from one that passes beside it', () => {
    expect(segmentCrosses({ x: 0, y: 20 }, { x: 300, y: 20 }, { x: 100, y: 0, width: 100, height: 40 })).toBe(true);
    expect(segmentCrosses({ x: 0, y: 50 }, { x: 300, y: 50 }, { x: 100, y: 0, width: 100, height: 40 })).toBe(false);
    // Along the border is not through.
    expect(segmentCrosses({ x: 0, y: 40 }, { x: 300, y: 40 }, { x: 100, y: 0, width: 100, height: 40 })).toBe(false);
  });

  it('finds an edge through a box it does not connect, text that overflows, and a label on a box', () => {
    const broken: Layout = {
      width: 500, height: 200, title: 't', subtitle: 's', legend: [],
      boxes: [box('a', 0, 0), box('b', 400, 0), { ...box('c', 200, 0), text: [{ text: 'a line far too long for a box of a hundred pixels', x: 210, y: 20, size: 11, bold: false }] }],
      edges: [{ id: 'a->b', from: 'a', to: 'b', dashed: false, points: [{ x: 100, y: 20 }, { x: 400, y: 20 }], label: { x: 210, y: 5, width: 30, height: 12, text: [] } }],
    };
    expect(layoutProblems(broken)).toEqual(expect.arrayContaining(['a->b runs through c', expect.stringContaining('overflows c'), 'the label of a->b covers c']));
  });

  it.each([
    ['request path', async () => buildRequestPath(await catalog())],
    ['stack graph', async () => stackGraph(await buildDiagramModel(await catalog()))],
  ])('the %s: no edge crosses a box it does not connect, every edge ends in an arrowhead, all text fits', async (_, build) => {
    const graph = await build();
    const placed = await layout(graph);
    expect(layoutProblems(placed)).toEqual([]);
    // Every link of the graph is drawn, with its label.
    expect(placed.edges.map((e) => e.id).sort()).toEqual(graph.links.map((l) => l.id).sort());
    for (const edge of placed.edges) expect(edge.label?.text.map((t) => t.text).join(' ').length).toBeGreaterThan(0);
    const svg = renderLayout(placed);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)?.length).toBeGreaterThanOrEqual(graph.links.length);
    expect(svg).not.toContain('…');
    // Deterministic: the same graph gives the same bytes.
    expect(await drawDiagram(graph)).toBe(svg);
  }, 60_000);
});

describe('the committed diagrams', () => {
  it('docs/architecture.svg, docs/stack-graph.svg and docs/templates.md are what `cafe-ops diagram` makes of the current templates', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await expect(
        runDiagram({ catalogFile: 'templates/stacks.yaml', out: 'docs/architecture.svg', stackGraph: 'docs/stack-graph.svg', reference: 'docs/templates.md', configFile: 'cafe-ops.yml', check: true }),
      ).resolves.toMatchObject({
        files: [
          { file: 'docs/architecture.svg', changed: false },
          { file: 'docs/stack-graph.svg', changed: false },
          { file: 'docs/templates.md', changed: false },
        ],
      });
    } finally {
      process.chdir(cwd);
    }
    expect(await readFile(join(root, 'docs/architecture.svg'), 'utf8')).toContain('DynamoDB global tables');
    expect(await readFile(join(root, 'docs/stack-graph.svg'), 'utf8')).toContain('GlobalWriterEndpoint');
    const reference = await readFile(join(root, 'docs/templates.md'), 'utf8');
    expect(reference).toContain('| GlobalClusterIdentifier | String |');
    expect(reference).toMatch(/\| data \| \$\d+\.\d\d \| \$\d+\.\d\d \|/);
    expect(reference).toMatch(/\| GlobalWriterEndpoint \| .* \| app\.DbWriterHost, rotation\.DbWriterHost \|/);
  }, 120_000);
});
