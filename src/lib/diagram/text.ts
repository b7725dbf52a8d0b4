/**
 * Text width without a browser: the advance widths of Helvetica (Adobe's AFM, per 1000 em), which
 * Arial and Liberation Sans share, so a box sized here fits its text wherever the SVG is viewed.
 * Characters outside the table count as an em, and bold as 8% wider: both err on the wide side.
 */

const WIDTHS: Record<string, number> = {};
const PER_CHAR: [string, number][] = [
  [' ', 278], ['!', 278], ['"', 355], ['#', 556], ['$', 556], ['%', 889], ['&', 667], ["'", 191], ['(', 333], [')', 333],
  ['*', 389], ['+', 584], [',', 278], ['-', 333], ['.', 278], ['/', 278], [':', 278], [';', 278], ['<', 584], ['=', 584],
  ['>', 584], ['?', 556], ['@', 1015], ['[', 278], ['\\', 278], [']', 278], ['^', 469], ['_', 556], ['`', 333], ['{', 334],
  ['|', 260], ['}', 334], ['~', 584],
  ['A', 667], ['B', 667], ['C', 722], ['D', 722], ['E', 667], ['F', 611], ['G', 778], ['H', 722], ['I', 278], ['J', 500],
  ['K', 667], ['L', 556], ['M', 833], ['N', 722], ['O', 778], ['P', 667], ['Q', 778], ['R', 722], ['S', 667], ['T', 611],
  ['U', 722], ['V', 667], ['W', 944], ['X', 667], ['Y', 667], ['Z', 611],
  ['a', 556], ['b', 556], ['c', 500], ['d', 556], ['e', 556], ['f', 278], ['g', 556], ['h', 556], ['i', 222], ['j', 222],
  ['k', 500], ['l', 222], ['m', 833], ['n', 556], ['o', 556], ['p', 556], ['q', 556], ['r', 333], ['s', 500], ['t', 278],
  ['u', 556], ['v', 500], ['w', 722], ['x', 500], ['y', 500], ['z', 500],
  ['•', 350], ['–', 556], ['—', 1000], ['→', 1000], ['×', 584], ['é', 556], ['…', 1000],
];
for (const [ch, width] of PER_CHAR) WIDTHS[ch] = width;
for (const digit of '0123456789') WIDTHS[digit] = 556;

/** Width in px of `text` at `size` px. */
export function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (const ch of text) units += WIDTHS[ch] ?? 1000;
  return (units / 1000) * size * (bold ? 1.08 : 1);
}

/**
 * Breaks text into lines no wider than `max` px, at spaces, or after `, ` and `/` in lists;
 * a word longer than a line is kept whole (the caller sizes the box to the widest line).
 */
export function wrap(text: string, max: number, size: number, bold = false): string[] {
  const words = text.split(/(?<=[ /])/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line + word;
    if (line && textWidth(candidate.trimEnd(), size, bold) > max) {
      lines.push(line.trimEnd());
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
