import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { deterministicZip } from '../../../src/lib/deploy/zip';
import { readZip, unzipText } from '../../support/unzip';

const root = join(__dirname, '../../..');
const files = { 'b.js': 'two', 'a.js': 'one', 'lib/c.js': Buffer.from('three') };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The hash of deterministicZip(files) computed in a fresh Node.js process with this TZ and fake "now". */
function hashIn(tz: string, now: string): string {
  const script = [
    `const now = new Date(${JSON.stringify(now)}).getTime(); Date.now = () => now;`,
    "const { deterministicZip } = require('./src/lib/deploy/zip');",
    "const { createHash } = require('node:crypto');",
    `deterministicZip(${JSON.stringify({ 'b.js': 'two', 'a.js': 'one', 'lib/c.js': 'three' })}).then((zip) => process.stdout.write(createHash('sha256').update(zip).digest('hex')));`,
  ].join('\n');
  return execFileSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: root, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
}

describe('deterministicZip', () => {
  it('gives the same bytes for the same files, in any order, with entries sorted', async () => {
    const a = await deterministicZip(files);
    const b = await deterministicZip({ 'lib/c.js': 'three', 'a.js': 'one', 'b.js': 'two' });
    expect(sha256(a)).toBe(sha256(b));
    expect((await readZip(a)).map((e) => e.name)).toEqual(['a.js', 'b.js', 'lib/c.js']);
    expect(await unzipText(a)).toEqual({ 'a.js': 'one', 'b.js': 'two', 'lib/c.js': 'three' });
    expect(sha256(await deterministicZip({ ...files, 'a.js': 'one!' }))).not.toBe(sha256(a));
  });

  it('stamps every entry with the DOS epoch in UTC and -rw-r--r--', async () => {
    for (const { entry } of await readZip(await deterministicZip(files))) {
      expect(entry.lastModFileDate).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(entry.lastModFileTime).toBe(0); // 00:00:00
      expect((entry.externalFileAttributes >>> 16) & 0o777).toBe(0o644);
    }
  });

  it('gives the same hash across time zones and days', () => {
    const hashes = new Set([
      hashIn('UTC', '2026-01-15T12:00:00Z'),
      hashIn('Pacific/Kiritimati', '2031-07-01T23:30:00Z'), // UTC+14
      hashIn('America/Los_Angeles', '2026-03-08T10:30:00Z'), // the day of a DST change
    ]);
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[a-f0-9]{64}$/);
  }, 60_000);

  it('writes valid zip64 end records when asked, which a strict reader follows', async () => {
    const zip = await deterministicZip(files, { forceZip64: true });
    // The classic end record defers to the zip64 one: 0xFFFF entries, 0xFFFFFFFF size and offset.
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    expect(zip.readUInt16LE(end + 10)).toBe(0xffff);
    expect(zip.readUInt32LE(end + 16)).toBe(0xffffffff);
    // The zip64 end of central directory record and its locator, which yauzl must follow to find the entries.
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
    expect(await unzipText(zip)).toEqual({ 'a.js': 'one', 'b.js': 'two', 'lib/c.js': 'three' });
    // Entries get their zip64 extra field only past 4 GiB; small archives stay plain zip unless asked.
    const plain = await deterministicZip(files);
    expect(plain.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
    for (const { entry } of await readZip(plain)) expect(entry.extraFields.map((f) => f.id)).not.toContain(0x0001);
  });
});
