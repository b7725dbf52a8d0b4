/**
 * What makes a diagram readable, checked on its geometry: no edge runs through a box it does not
 * connect, every edge is orthogonal and ends in a visible arrowhead, no label sits on a box or on
 * another label, and every line of text fits inside its box. `cafe-ops diagram` refuses to write a
 * layout that breaks one of these, and the tests hold the committed diagrams to them.
 */
import type { Layout, Rect } from './layout';
import { textWidth } from './text';

type Point = { x: number; y: number };

/** Whether the segment a–b passes through the inside of `r` (shrunk by `inset`, so touching the border does not count). */
export function segmentCrosses(a: Point, b: Point, r: Rect, inset = 1): boolean {
  const left = r.x + inset;
  const right = r.x + r.width - inset;
  const top = r.y + inset;
  const bottom = r.y + r.height - inset;
  if (left >= right || top >= bottom) return false;
  // Liang–Barsky clipping of the segment against the rectangle.
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (const [p, q] of [[-dx, a.x - left], [dx, right - a.x], [-dy, a.y - top], [dy, bottom - a.y]] as const) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export function layoutProblems(layout: Layout): string[] {
  const problems: string[] = [];
  const nodes = layout.boxes.filter((b) => b.kind === 'node');
  for (const edge of layout.edges) {
    if (edge.points.length < 2) problems.push(`${edge.id}: no route`);
    for (let i = 1; i < edge.points.length; i++) {
      const a = edge.points[i - 1]!;
      const b = edge.points[i]!;
      if (Math.abs(a.x - b.x) > 0.01 && Math.abs(a.y - b.y) > 0.01) problems.push(`${edge.id}: segment ${i} is not orthogonal`);
      for (const box of nodes) {
        if (box.id === edge.from || box.id === edge.to) continue;
        if (segmentCrosses(a, b, box)) problems.push(`${edge.id} runs through ${box.id}`);
      }
    }
    const last = edge.points.at(-1)!;
    const before = edge.points.at(-2);
    if (before && Math.hypot(last.x - before.x, last.y - before.y) < 8) problems.push(`${edge.id}: its last segment is too short for an arrowhead`);
    if (edge.label) {
      for (const box of nodes) if (overlaps(edge.label, box)) problems.push(`the label of ${edge.id} covers ${box.id}`);
    }
  }
  const labelled = layout.edges.filter((e) => e.label);
  for (let i = 0; i < labelled.length; i++) {
    for (let j = i + 1; j < labelled.length; j++) {
      if (overlaps(labelled[i]!.label!, labelled[j]!.label!)) problems.push(`the labels of ${labelled[i]!.id} and ${labelled[j]!.id} overlap`);
    }
  }
  const texts = [
    ...layout.boxes.map((box) => ({ id: box.id, rect: box as Rect, lines: box.text })),
    ...labelled.map((edge) => ({ id: `label of ${edge.id}`, rect: edge.label as Rect, lines: edge.label!.text })),
  ];
  for (const { id, rect, lines } of texts) {
    for (const line of lines) {
      const width = textWidth(line.text, line.size, line.bold);
      const inside = line.x >= rect.x && line.x + width <= rect.x + rect.width && line.y - line.size >= rect.y - 0.5 && line.y <= rect.y + rect.height;
      if (!inside) problems.push(`"${line.text}" overflows ${id}`);
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) if (overlaps(nodes[i]!, nodes[j]!)) problems.push(`${nodes[i]!.id} and ${nodes[j]!.id} overlap`);
  }
  return problems;
}
