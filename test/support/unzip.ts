import { fromBuffer, type Entry } from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** The entry as yauzl read it: header fields, extra fields (0x0001 is zip64), mode in externalFileAttributes. */
  entry: Entry;
}

/**
 * Reads a zip with yauzl, a strict reader: it checks the central directory, the zip64 end records and
 * every entry's CRC-32 and sizes, and refuses what does not add up.
 */
export function readZip(zip: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zip file'));
      const entries: ZipEntry[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks), entry });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/** The files of a zip by name, as text. */
export async function unzipText(zip: Buffer): Promise<Record<string, string>> {
  return Object.fromEntries((await readZip(zip)).map((e) => [e.name, e.data.toString()]));
}
