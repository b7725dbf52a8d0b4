import { PassThrough } from 'node:stream';
import { styleText } from 'node:util';
import { createOutput } from '../../../src/lib/ui/output';
import { DEFAULT_WIDTH, renderTable, terminalWidth, wrap } from '../../../src/lib/ui/table';

/** The text of the last column over every line of the first row, whitespace removed. */
function lastColumnOfFirstRow(text: string): string {
  const lines = text.split('\n');
  const start = lines[0]!.lastIndexOf(' ') + 1;
  const row = [lines[2]!];
  for (const line of lines.slice(3)) {
    if (!line.startsWith(' ')) break;
    row.push(line);
  }
  return row.map((line) => line.slice(start)).join('').replaceAll(/\s+/g, '');
}
const widest = (text: string) => Math.max(...text.trimEnd().split('\n').map((l) => l.length));
const finding = 'The bucket policy allows requests over plain HTTP: add a Deny statement on aws:SecureTransport = false for every principal and action';
const rows = [
  ['S3.5', 'templates/bootstrap.yaml:42', 'ArtifactsBucket (AWS::S3::Bucket)', finding],
  ['KMS.4', 'templates/security.yaml:7', 'DataKey (AWS::KMS::Key)', 'Key rotation is off'],
];

describe('tables', () => {
  it('keep their natural widths when they fit', () => {
    const text = renderTable(['a', 'bb'], [['one', 'two'], ['three', 'four']], { width: 80 });
    expect(text).toBe('a      bb\n─────  ────\none    two\nthree  four\n');
  });

  it('fit the width by wrapping the widest columns, losing no word', () => {
    for (const width of [60, 80, 100]) {
      const text = renderTable(['control', 'where', 'resource', 'finding'], rows, { width });
      expect(widest(text)).toBeLessThanOrEqual(width);
      expect(text.replaceAll(/\s+/g, ' ')).toContain('KMS.4');
      // Every character of the long finding is there, in order, in its own column on the lines of its row.
      expect(lastColumnOfFirstRow(text)).toBe(finding.replaceAll(' ', ''));
    }
    // The unfitted table is one 170-character line per finding.
    expect(widest(renderTable(['control', 'where', 'resource', 'finding'], rows, { width: Number.POSITIVE_INFINITY }))).toBeGreaterThan(150);
  });

  it('keep each column aligned on the wrapped lines', () => {
    const text = renderTable(['control', 'where', 'resource', 'finding'], rows, { width: 80 });
    const lines = text.split('\n');
    const start = lines[0]!.indexOf('finding');
    for (const line of lines.slice(2).filter(Boolean)) {
      if (line.length > start) expect(line[start - 1]).toBe(' ');
    }
    expect(lines[2]!.startsWith('S3.5 ')).toBe(true);
    expect(lines[3]!.startsWith('        ')).toBe(true); // the continuation of S3.5's row, under its own columns
  });

  it('split a word longer than its column, and leave short coloured cells coloured', () => {
    expect(wrap('arn:aws:iam::111111111111:role/cafe-production-deploy', 20)).toEqual(['arn:aws:iam::1111111', '11111:role/cafe-prod', 'uction-deploy']);
    const red = styleText('red', 'FAIL');
    const text = renderTable(['status', 'detail'], [[red, 'x '.repeat(40).trim()]], { width: 30 });
    expect(text).toContain(red);
    expect(widest(text.replaceAll(red, 'FAIL'))).toBeLessThanOrEqual(30);
  });

  it('use the terminal width, else COLUMNS, else no limit (a pipe or a CI log keeps one line per row)', () => {
    expect(terminalWidth({ isTTY: true, columns: 72 }, {})).toBe(72);
    expect(terminalWidth({ isTTY: true, columns: 72 }, { COLUMNS: '200' })).toBe(72);
    expect(terminalWidth({}, { COLUMNS: '132' })).toBe(132);
    expect(terminalWidth({}, { COLUMNS: 'wide' })).toBe(DEFAULT_WIDTH);
    expect(terminalWidth({}, {})).toBe(Number.POSITIVE_INFINITY);
    const wide = renderTable(['a', 'b'], [['x'.repeat(150), 'y'.repeat(150)]], { width: terminalWidth({}, {}) });
    expect(wide.split('\n')).toHaveLength(4);
  });

  it('are drawn at the width of the output stream, and not at all under --json', () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 60 });
    let written = '';
    stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
    createOutput({ stdout, stderr: new PassThrough(), interactive: false, color: false }).table(['control', 'where', 'resource', 'finding'], rows);
    expect(widest(written)).toBeLessThanOrEqual(60);
    expect(lastColumnOfFirstRow(written)).toBe(finding.replaceAll(' ', ''));
    let json = '';
    const jsonOut = new PassThrough();
    jsonOut.on('data', (chunk: Buffer) => (json += chunk.toString()));
    createOutput({ json: true, stdout: jsonOut, stderr: new PassThrough() }).table(['a'], [['b']]);
    expect(json).toBe('');
  });
});
