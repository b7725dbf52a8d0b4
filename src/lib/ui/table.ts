/**
 * Plain-text tables that fit the terminal: columns keep their natural width when the table fits; when
 * it does not, the widest columns give up width first and their cells wrap onto more lines (words kept
 * whole where they fit), so nothing is cut off. The full text is always in the `--json` result.
 */

/**
 * Width when the output is not a terminal and COLUMNS does not say (a CI log, a pipe, a file): none, so that each
 * row stays one line for grep and friends, and a log viewer scrolls instead of reading wrapped cells.
 */
export const DEFAULT_WIDTH = Number.POSITIVE_INFINITY;
/** No column is squeezed below this (or its header, when longer). */
const MIN_COLUMN = 10;
const GAP = '  ';

/**
 * The width tables may use on this stream: its columns when it is a terminal, else the COLUMNS
 * variable when it is a number, else {@link DEFAULT_WIDTH} (no limit).
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
}

export interface TableOptions {
  /** Characters a line may take; default {@link terminalWidth}. */
  width?: number;
}

/** A table with aligned columns (ANSI-colour aware) that fits `width`. */
export function renderTable(headers: string[], rows: (string | number)[][], options: TableOptions = {}): string {
  const width = options.width ?? terminalWidth();
  const cells = [headers, ...rows.map((row) => headers.map((_, col) => String(row[col] ?? '')))];
  const widths = fitWidths(
    headers.map((_, col) => Math.max(...cells.map((row) => visibleLength(row[col]!)))),
    headers.map((h) => visibleLength(h)),
    width,
  );
  const line = (row: string[]) => {
    const wrapped = row.map((cell, col) => wrap(cell, widths[col]!));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, i) =>
      wrapped
        .map((lines, col) => {
          const text = lines[i] ?? '';
          return col === row.length - 1 ? text : text + ' '.repeat(widths[col]! - visibleLength(text));
        })
        .join(GAP)
        .trimEnd(),
    ).join('\n');
  };
  const rule = widths.map((w) => '─'.repeat(w)).join(GAP);
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n') + '\n';
}

/** Column widths within `width`: the widest column gives up one character at a time, down to its minimum. */
function fitWidths(natural: number[], headers: number[], width: number): number[] {
  const widths = [...natural];
  const minimum = natural.map((w, col) => Math.min(w, Math.max(MIN_COLUMN, headers[col]!)));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let col = 0; col < widths.length; col++) if (widths[col]! > minimum[col]! && (widest < 0 || widths[col]! > widths[widest]!)) widest = col;
    if (widest < 0) break; // every column at its minimum: the table stays wider than the terminal
    widths[widest]!--;
  }
  return widths;
}

/** The lines of a cell at most `width` wide: words kept whole where they fit, longer ones split. */
export function wrap(text: string, width: number): string[] {
  if (visibleLength(text) <= width) return [text];
  const plain = stripAnsi(text); // colours do not survive a wrap; the cells that carry them are short
  const lines: string[] = [];
  let current = '';
  for (const word of plain.split(/\s+/).filter(Boolean)) {
    let rest = word;
    if (current && current.length + 1 + rest.length <= width) {
      current += ` ${rest}`;
      continue;
    }
    if (current) lines.push(current);
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines.length ? lines : [''];
}

export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
