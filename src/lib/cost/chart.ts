/** The daily trend as a terminal bar chart, an SVG chart and a self-contained HTML page. */
import { usd } from './analysis';

export interface ChartPoint {
  date: string;
  amount: number;
}

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Bars of eighth-blocks, `height` rows tall, one column per day; spike days marked with ^ below. */
export function terminalChart(points: ChartPoint[], spikes: Set<string>, height = 6): string[] {
  if (points.length === 0) return [];
  const max = Math.max(...points.map((p) => p.amount), 0.01);
  const label = usd(max);
  const pad = ' '.repeat(label.length);
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const bars = points
      .map((p) => {
        const eighths = Math.round((p.amount / max) * height * 8) - row * 8;
        return BLOCKS[Math.max(0, Math.min(8, eighths))];
      })
      .join('');
    rows.push(`${row === height - 1 ? label : row === 0 ? '$0'.padStart(label.length) : pad} │${bars}`.trimEnd());
  }
  rows.push(`${pad} └${'─'.repeat(points.length)}`);
  if (spikes.size) rows.push(`${pad}  ${points.map((p) => (spikes.has(p.date) ? '^' : ' ')).join('').trimEnd()}`);
  rows.push(`${pad}  ${points[0]!.date.slice(5)}${' '.repeat(Math.max(1, points.length - 10))}${points.at(-1)!.date.slice(5)}`);
  return rows;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A bar chart with a labelled y axis; spike days in red, each bar titled with its date and cost. */
export function svgChart(points: ChartPoint[], spikes: Set<string>, title: string): string {
  const width = 760;
  const height = 300;
  const left = 70;
  const bottom = 40;
  const top = 36;
  const plotWidth = width - left - 16;
  const plotHeight = height - top - bottom;
  const max = Math.max(...points.map((p) => p.amount), 0.01);
  const step = points.length ? plotWidth / points.length : plotWidth;
  const bars = points
    .map((p, i) => {
      const h = (p.amount / max) * plotHeight;
      const x = left + i * step + step * 0.1;
      const y = top + plotHeight - h;
      const fill = spikes.has(p.date) ? '#d62728' : '#1f77b4';
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(step * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"><title>${p.date}: ${usd(p.amount)}</title></rect>`;
    })
    .join('\n  ');
  const ticks = [0, 0.5, 1]
    .map((f) => {
      const y = top + plotHeight - f * plotHeight;
      return `<line x1="${left}" x2="${width - 16}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${left - 6}" y="${y + 4}" text-anchor="end">${usd(max * f)}</text>`;
    })
    .join('\n  ');
  const first = points[0]?.date ?? '';
  const last = points.at(-1)?.date ?? '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `  <text x="${left}" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `  ${ticks}`,
    `  ${bars}`,
    `  <text x="${left}" y="${height - 12}">${first}</text>`,
    `  <text x="${width - 16}" y="${height - 12}" text-anchor="end">${last}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

export function htmlPage(title: string, svg: string, tables: { caption: string; headers: string[]; rows: (string | number)[][] }[]): string {
  const table = (t: (typeof tables)[number]) =>
    `<table><caption>${escape(t.caption)}</caption><thead><tr>${t.headers.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((r) => `<tr>${r.map((c) => `<td>${escape(String(c))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}caption{font-weight:bold;text-align:left;padding:4px 0}</style>
</head><body><h1>${escape(title)}</h1>
${svg}
${tables.map(table).join('\n')}
</body></html>
`;
}
