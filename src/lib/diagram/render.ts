/**
 * Draws a laid-out diagram as a self-contained SVG: groups as tinted panels, boxes with their text,
 * edges as orthogonal lines ending in an arrowhead, each label on a white plate beside its edge.
 * The same layout always gives the same bytes.
 */
import type { Layout, TextLine } from './layout';
import { textWidth } from './text';

const INK = '#1d2330';
const MUTED = '#5b6270';
const EDGE = '#59606b';

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const num = (n: number) => (Math.round(n * 10) / 10).toString();

function text(line: TextLine, fill: string): string {
  return `<text x="${num(line.x)}" y="${num(line.y)}" font-size="${line.size}"${line.bold ? ' font-weight="bold"' : ''} fill="${fill}">${escapeXml(line.text)}</text>`;
}

export function renderLayout(layout: Layout): string {
  const { width, height } = layout;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" role="img" aria-labelledby="title desc">`,
    `<title id="title">${escapeXml(layout.title)}</title>`,
    `<desc id="desc">${escapeXml(layout.subtitle)}</desc>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${EDGE}"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="30" font-size="18" font-weight="bold" fill="${INK}">${escapeXml(layout.title)}</text>`,
    `<text x="20" y="48" font-size="11" fill="${MUTED}">${escapeXml(layout.subtitle)}</text>`,
  ];
  for (const item of layout.legend) {
    parts.push(
      item.dashed
        ? `<path d="M${num(item.x)},${num(item.y + item.height / 2)} L${num(item.x + item.width)},${num(item.y + item.height / 2)}" stroke="${item.colour}" stroke-width="1.3" stroke-dasharray="6 4" marker-end="url(#arrow)"/>`
        : `<rect x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}" rx="3" fill="#ffffff" stroke="${item.colour}" stroke-width="2"/>`,
      text(item.text, MUTED),
    );
  }
  for (const box of layout.boxes.filter((b) => b.kind === 'group')) {
    parts.push(
      `<rect class="group" data-id="${escapeXml(box.id)}" x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="10" fill="${box.colour}" fill-opacity="0.06" stroke="${box.colour}" stroke-opacity="0.5"/>`,
    );
  }
  for (const edge of layout.edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)},${num(p.y)}`).join(' ');
    parts.push(
      `<g class="edge" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}"><path d="${d}" fill="none" stroke="${EDGE}" stroke-width="1.3"${edge.dashed ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#arrow)"/>`,
    );
    if (edge.label) {
      const l = edge.label;
      parts.push(
        `<rect class="label" x="${num(l.x)}" y="${num(l.y)}" width="${num(l.width)}" height="${num(l.height)}" rx="3" fill="#ffffff" fill-opacity="0.92" stroke="#d5d8de" stroke-width="0.6"/>`,
        ...l.text.map((t) => text(t, MUTED)),
      );
    }
    parts.push('</g>');
  }
  // Group titles over the edges, on a plate: an edge entering the group may pass behind its title.
  for (const box of layout.boxes.filter((b) => b.kind === 'group')) {
    const title = box.text[0]!;
    parts.push(
      `<g class="group-title" data-id="${escapeXml(box.id)}"><rect x="${num(title.x - 4)}" y="${num(title.y - title.size - 1)}" width="${num(textWidth(title.text, title.size, true) + 8)}" height="${num(title.size + 6)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>`,
      text(title, box.colour),
      '</g>',
    );
  }
  for (const box of layout.boxes.filter((b) => b.kind === 'node')) {
    parts.push(
      `<g class="box" data-id="${escapeXml(box.id)}"><rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="6" fill="#ffffff" stroke="${box.colour}" stroke-width="1.6"/>`,
      ...box.text.map((t, i) => text(t, i === 0 || t.bold ? INK : '#2b3140')),
      '</g>',
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
