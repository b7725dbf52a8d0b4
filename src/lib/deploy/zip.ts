/**
 * Deterministic zips for Lambda packages, written by `archiver` (the library the CDK's asset packaging
 * uses): entries sorted by name, one fixed timestamp and mode for every entry, so the same files always
 * give the same bytes and the same content-hash S3 key, whatever the machine, the time zone or the day.
 *
 * The timestamp is the DOS epoch, 1980-01-01T00:00:00Z, written in UTC (archiver's default:
 * `forceLocalTime` off), so the DOS date fields do not depend on TZ. Zip64 records are written when an
 * entry or the archive needs them (sizes or offsets past 4 GiB); `forceZip64` writes the zip64 end of
 * central directory always. Lambda's own limits keep packages far below 4 GiB:
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */

/** The DOS epoch: the earliest time a zip entry can carry. */
export const ZIP_EPOCH = new Date('1980-01-01T00:00:00.000Z');

export interface ZipOptions {
  /** The zip64 end of central directory record, even for a small archive. */
  forceZip64?: boolean;
}

export async function deterministicZip(files: Record<string, Buffer | string>, options: ZipOptions = {}): Promise<Buffer> {
  // archiver is an ES module; a dynamic import keeps it out of the CLI's start-up.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 9 }, forceZip64: options.forceZip64 ?? false });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  for (const name of Object.keys(files).sort()) {
    // -rw-r--r--: Lambda's runtime user only needs to read the files.
    archive.append(Buffer.from(files[name]!), { name, date: ZIP_EPOCH, mode: 0o644 });
  }
  await archive.finalize();
  return done;
}
