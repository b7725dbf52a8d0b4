/**
 * Lays out a diagram with the Eclipse Layout Kernel (elkjs): its layered algorithm places boxes in
 * layers, routes every edge orthogonally between them (long edges pass through the gaps, never
 * through a box) and places each edge label beside its edge. Boxes are sized here from their text,
 * so nothing is cut; groups (regions) are boxes that hold boxes. Deterministic: ELK's layered
 * layout is seeded (elk.randomSeed), so the same graph always gives the same coordinates.
 */
import { textWidth, wrap } from './text';

export interface DiagramGroup {
  id: string;
  title: string;
  colour: string;
}

export interface DiagramNode {
  id: string;
  group?: string;
  title: string;
  /** Smaller lines under the title (wrapped to the box). */
  lines: string[];
  colour: string;
}

export interface DiagramLink {
  id: string;
  from: string;
  to: string;
  /** What the edge carries, one item per entry (wrapped into lines). */
  label: string[];
  dashed?: boolean;
}

export interface DiagramGraph {
  title: string;
  subtitle: string;
  direction: 'DOWN' | 'RIGHT';
  /** Colour keys drawn under the subtitle. */
  legend?: { colour: string; text: string; dashed?: boolean }[];
  groups: DiagramGroup[];
  nodes: DiagramNode[];
  links: DiagramLink[];
}

export interface Rect { x: number; y: number; width: number; height: number }
export interface TextLine { text: string; x: number; y: number; size: number; bold: boolean }

export interface PlacedBox extends Rect {
  id: string;
  kind: 'group' | 'node';
  colour: string;
  text: TextLine[];
}

export interface PlacedEdge {
  id: string;
  from: string;
  to: string;
  points: { x: number; y: number }[];
  dashed: boolean;
  label?: Rect & { text: TextLine[] };
}

export interface Layout {
  width: number;
  height: number;
  title: string;
  subtitle: string;
  legend: (Rect & { colour: string; dashed: boolean; text: TextLine })[];
  boxes: PlacedBox[];
  edges: PlacedEdge[];
}

export const FONT = { title: 13, line: 11, label: 10, group: 13 };
const LINE_HEIGHT = 1.3;
const PAD = 10;
const NODE_TEXT_WIDTH = 210;
const LABEL_TEXT_WIDTH = 170;
const MARGIN = 20;
const HEADER = 62;
const LEGEND = 24;

type ElkClass = new () => { layout(graph: never): Promise<unknown> };
interface ElkLabelOut { text?: string; x?: number; y?: number; width?: number; height?: number }
interface ElkNodeOut { id: string; x?: number; y?: number; width?: number; height?: number; children?: ElkNodeOut[]; edges?: ElkEdgeOut[] }
interface ElkEdgeOut { id: string; sources: string[]; targets: string[]; sections?: { startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: { x: number; y: number }[] }[]; labels?: ElkLabelOut[] }

function nodeText(node: DiagramNode): { title: string[]; lines: string[]; width: number; height: number } {
  const title = wrap(node.title, NODE_TEXT_WIDTH, FONT.title, true);
  const lines = node.lines.flatMap((line) => wrap(line, NODE_TEXT_WIDTH, FONT.line));
  const width = Math.max(...title.map((t) => textWidth(t, FONT.title, true)), ...lines.map((l) => textWidth(l, FONT.line)), 60);
  const height = title.length * FONT.title * LINE_HEIGHT + lines.length * FONT.line * LINE_HEIGHT + (lines.length ? 4 : 0);
  return { title, lines, width: Math.ceil(width + 2 * PAD), height: Math.ceil(height + 2 * PAD) };
}

function labelText(label: string[]): { lines: string[]; width: number; height: number } {
  const lines = wrap(label.join(', '), LABEL_TEXT_WIDTH, FONT.label);
  const width = Math.max(...lines.map((l) => textWidth(l, FONT.label)));
  return { lines, width: Math.ceil(width + 6), height: Math.ceil(lines.length * FONT.label * LINE_HEIGHT + 4) };
}

export async function layout(graph: DiagramGraph): Promise<Layout> {
  // A CommonJS module whose default export is the class; loaded on demand, so other commands start without it.
  const loaded = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: ElkClass | { default: ElkClass } };
  const ELK = 'default' in loaded.default ? loaded.default.default : loaded.default;
  const elk = new ELK();
  const texts = new Map(graph.nodes.map((n) => [n.id, nodeText(n)]));
  const labels = new Map(graph.links.map((l) => [l.id, labelText(l.label)]));
  const elkNode = (n: DiagramNode) => ({ id: n.id, width: texts.get(n.id)!.width, height: texts.get(n.id)!.height });
  const groupTitleHeight = Math.ceil(FONT.group * LINE_HEIGHT + 12);
  const root = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': graph.direction,
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.randomSeed': '1',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.spacing.edgeNode': '16',
      'elk.spacing.edgeEdge': '10',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children: [
      ...graph.groups.map((g) => ({
        id: g.id,
        // Room for the title above the boxes, and at least its width.
        layoutOptions: {
          'elk.padding': `[top=${groupTitleHeight + 8},left=14,bottom=14,right=14]`,
          'elk.nodeSize.constraints': '[MINIMUM_SIZE]',
          'elk.nodeSize.minimum': `(${Math.ceil(textWidth(g.title, FONT.group, true) + 28)}, 40)`,
        },
        children: graph.nodes.filter((n) => n.group === g.id).map(elkNode),
      })),
      ...graph.nodes.filter((n) => !n.group).map(elkNode),
    ],
    edges: graph.links.map((l) => ({
      id: l.id,
      sources: [l.from],
      targets: [l.to],
      labels: l.label.length ? [{ id: `${l.id}/label`, text: labelText(l.label).lines.join('\n'), width: labels.get(l.id)!.width, height: labels.get(l.id)!.height }] : [],
    })),
  };
  const result = (await elk.layout(root as never)) as unknown as ElkNodeOut;

  const top = HEADER + (graph.legend?.length ? LEGEND : 0);
  const legend: Layout['legend'] = [];
  let legendX = MARGIN;
  for (const item of graph.legend ?? []) {
    const width = item.dashed ? 28 : 14;
    legend.push({ x: legendX, y: HEADER - 6, width, height: 12, colour: item.colour, dashed: item.dashed ?? false, text: { text: item.text, x: legendX + width + 6, y: HEADER + 4, size: FONT.line, bold: false } });
    legendX += width + 6 + textWidth(item.text, FONT.line) + 22;
  }
  const boxes: PlacedBox[] = [];
  const edges: PlacedEdge[] = [];
  const colours = new Map<string, string>([...graph.groups.map((g) => [g.id, g.colour] as const), ...graph.nodes.map((n) => [n.id, n.colour] as const)]);
  const groupTitles = new Map(graph.groups.map((g) => [g.id, g.title]));
  const visit = (node: ElkNodeOut) => {
    for (const child of node.children ?? []) {
      const rect = { x: MARGIN + child.x!, y: top + child.y!, width: child.width!, height: child.height! };
      if (groupTitles.has(child.id)) {
        boxes.push({ id: child.id, kind: 'group', colour: colours.get(child.id)!, ...rect, text: [{ text: groupTitles.get(child.id)!, x: rect.x + 12, y: rect.y + 12 + FONT.group, size: FONT.group, bold: true }] });
      } else {
        const t = texts.get(child.id)!;
        const text: TextLine[] = [];
        let y = rect.y + PAD;
        for (const line of t.title) text.push({ text: line, x: rect.x + PAD, y: (y += FONT.title * LINE_HEIGHT) - FONT.title * 0.3, size: FONT.title, bold: true });
        if (t.lines.length) y += 4;
        for (const line of t.lines) text.push({ text: line, x: rect.x + PAD, y: (y += FONT.line * LINE_HEIGHT) - FONT.line * 0.3, size: FONT.line, bold: false });
        boxes.push({ id: child.id, kind: 'node', colour: colours.get(child.id)!, ...rect, text });
      }
      visit(child);
    }
    for (const edge of node.edges ?? []) {
      const link = graph.links.find((l) => l.id === edge.id)!;
      const points = straighten((edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: MARGIN + p.x, y: top + p.y })));
      const placed: PlacedEdge = { id: edge.id, from: link.from, to: link.to, points, dashed: link.dashed ?? false };
      const label = edge.labels?.[0];
      if (label) {
        const rect = { x: MARGIN + label.x!, y: top + label.y!, width: label.width!, height: label.height! };
        const lines = labels.get(edge.id)!.lines;
        placed.label = { ...rect, text: lines.map((text, i) => ({ text, x: rect.x + 3, y: rect.y + 2 + (i + 1) * FONT.label * LINE_HEIGHT - FONT.label * 0.3, size: FONT.label, bold: false })) };
      }
      edges.push(placed);
    }
  };
  visit(result);
  // Groups first (drawn underneath), then boxes in a stable order.
  boxes.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'group' ? -1 : 1));
  edges.sort((a, b) => a.id.localeCompare(b.id));
  const width = Math.ceil(Math.max(MARGIN + result.width!, textWidth(graph.subtitle, FONT.line) + MARGIN, legendX) + MARGIN);
  const height = Math.ceil(top + result.height! + MARGIN);
  return { width, height, title: graph.title, subtitle: graph.subtitle, legend, boxes, edges };
}

/**
 * Where an edge crosses into a group, ELK's sections can meet a fraction of a pixel apart; snapping
 * to whole pixels and carrying each nearly straight segment's coordinate forward keeps it orthogonal.
 */
function straighten(points: { x: number; y: number }[]): { x: number; y: number }[] {
  const out = points.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1]!;
    const b = out[i]!;
    if (Math.abs(a.x - b.x) <= 1) b.x = a.x;
    else if (Math.abs(a.y - b.y) <= 1) b.y = a.y;
  }
  return out.filter((p, i) => i === 0 || p.x !== out[i - 1]!.x || p.y !== out[i - 1]!.y);
}
