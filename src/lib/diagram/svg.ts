/**
 * Renders the architecture model as a self-contained SVG: one column per region role, one row per
 * deployment wave, arrows for the outputs passed between stacks (dashed when they cross regions).
 * Deterministic: the same catalog and templates always give the same bytes, so a test can tell when
 * the committed docs/architecture.svg is out of date.
 */
import type { Role } from '../stacks/catalog';
import type { DiagramBox, DiagramModel } from './model';

const COLUMN = 330;
const BOX_WIDTH = 290;
const LINE = 15;
const HEADER = 40;
const GAP = 18;
const ROW_GAP = 46;
const TOP = 96;
const LEFT = 20;

const ROLE_TITLES: Record<Role, string> = {
  edge: 'Global edge (us-east-1)',
  primary: 'Primary region',
  secondary: 'Secondary region (warm standby)',
};
const ROLE_COLOURS: Record<Role, string> = { edge: '#7b61ff', primary: '#1f7a4d', secondary: '#b86e00' };

interface Placed extends DiagramBox {
  x: number;
  y: number;
  height: number;
}

export interface SvgOptions {
  title?: string;
  /** Region names per role, e.g. { primary: 'eu-west-1' }, shown under the column titles. */
  regions?: Partial<Record<Role, string>>;
}

export function renderSvg(model: DiagramModel, options: SvgOptions = {}): string {
  const column = new Map(model.roles.map((role, i) => [role, i]));
  const waveCount = Math.max(0, ...model.boxes.map((b) => b.wave + 1));
  const placed = new Map<string, Placed>();
  let y = TOP;
  for (let wave = 0; wave < waveCount; wave++) {
    let rowHeight = 0;
    for (const role of model.roles) {
      let cellY = y;
      for (const box of model.boxes.filter((b) => b.wave === wave && b.role === role)) {
        const height = HEADER + box.resources.length * LINE + 10;
        placed.set(box.id, { ...box, x: LEFT + column.get(role)! * COLUMN, y: cellY, height });
        cellY += height + GAP;
      }
      rowHeight = Math.max(rowHeight, cellY - y - GAP);
    }
    y += rowHeight + ROW_GAP;
  }
  const width = LEFT * 2 + model.roles.length * COLUMN - (COLUMN - BOX_WIDTH);
  const height = y + 30;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" role="img" aria-labelledby="title">`,
    `<title id="title">${escape(options.title ?? 'cafe-ops platform architecture')}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f98"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="28" font-size="18" font-weight="bold" fill="#1d2330">${escape(options.title ?? 'cafe-ops platform architecture')}</text>`,
    `<text x="${LEFT}" y="46" font-size="11" fill="#5b6270">Generated from templates/stacks.yaml and templates/*.yaml by \`cafe-ops diagram\`. Rows are deployment waves; arrows carry stack outputs (dashed: across regions).</text>`,
  );
  for (const role of model.roles) {
    const x = LEFT + column.get(role)! * COLUMN;
    const region = options.regions?.[role];
    parts.push(
      `<rect x="${x - 8}" y="58" width="${BOX_WIDTH + 16}" height="${height - 70}" rx="10" fill="${ROLE_COLOURS[role]}" fill-opacity="0.05" stroke="${ROLE_COLOURS[role]}" stroke-opacity="0.35"/>`,
      `<text x="${x}" y="78" font-size="13" font-weight="bold" fill="${ROLE_COLOURS[role]}">${escape(ROLE_TITLES[role])}${region ? ` — ${escape(region)}` : ''}</text>`,
    );
  }
  for (const edge of model.edges) {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + BOX_WIDTH / 2 + (edge.crossRegion ? 40 : -40);
    const y1 = from.y + from.height;
    const x2 = to.x + BOX_WIDTH / 2 + (edge.crossRegion ? 40 : -40);
    const y2 = to.y;
    const bend = Math.max(30, (y2 - y1) / 2);
    parts.push(
      `<path d="M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}" fill="none" stroke="#8a8f98" stroke-width="1.2"${edge.crossRegion ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#arrow)"><title>${escape(`${edge.from} → ${edge.to}: ${edge.outputs.join(', ')}`)}</title></path>`,
    );
  }
  for (const box of placed.values()) {
    const colour = ROLE_COLOURS[box.role];
    parts.push(
      `<g><title>${escape(`${box.id}: ${box.description}`)}</title>`,
      `<rect x="${box.x}" y="${box.y}" width="${BOX_WIDTH}" height="${box.height}" rx="6" fill="#ffffff" stroke="${colour}" stroke-width="1.5"/>`,
      `<text x="${box.x + 10}" y="${box.y + 18}" font-size="13" font-weight="bold" fill="#1d2330">${escape(box.stack)}</text>`,
      `<text x="${box.x + 10}" y="${box.y + 32}" font-size="10" fill="#5b6270">${escape(truncate(box.description, 52))}</text>`,
      ...box.resources.map(
        (line, i) => `<text x="${box.x + 14}" y="${box.y + HEADER + 8 + i * LINE}" font-size="11" fill="#2b3140">• ${escape(line)}</text>`,
      ),
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
