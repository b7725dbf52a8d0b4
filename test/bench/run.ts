/**
 * `npm run bench`: runs every test/bench/*.bench.ts and writes docs/performance.md.
 * Each benchmark file exports `{ title, run }` (or a list of them); `run` measures and returns a
 * Markdown section. Each run replaces the sections of the benchmarks it ran in docs/performance.md
 * (added at the end when new) and keeps the others, hand-written notes included; `npm run bench --
 * NAME` runs the matching files only, a full run also renews the header.
 * Benchmarks compare ratios within one run (these machines are shared and noisy).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Benchmark {
  title: string;
  run(): Promise<string>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const sections: string[] = [];
  for (const file of files) {
    const exported = (await import(join(__dirname, file))).default as Benchmark | Benchmark[];
    for (const bench of Array.isArray(exported) ? exported : [exported]) {
      process.stderr.write(`bench: ${bench.title}...\n`);
      const started = Date.now();
      const body = await bench.run();
      sections.push(`## ${bench.title}\n\n${body.trim()}\n\n_measured by \`npm run bench -- ${file.replace('.bench.ts', '')}\` in ${((Date.now() - started) / 1000).toFixed(1)} s_\n`);
    }
  }
  const header = [
    '# Performance',
    '',
    'Measured by `npm run bench` (test/bench/); numbers below are from the last full run, on',
    `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    'These machines are shared: compare the ratios inside one run, not absolute times across runs.',
    '',
  ].join('\n');
  const out = join(__dirname, '../../docs/performance.md');
  const existing = existsSync(out) ? readFileSync(out, 'utf8') : `${header}\n`;
  // A full run renews the header; sections no benchmark writes (notes kept by hand) stay either way.
  const firstSection = existing.indexOf('\n## ');
  const doc = only.length === 0 ? `${header}\n${firstSection < 0 ? '' : existing.slice(firstSection + 1)}` : existing;
  writeFileSync(out, replaceSections(doc, sections));
  if (only.length > 0) process.stdout.write(sections.join('\n'));
}

/** The document with each section (by its `## title` line) replaced, or appended when new. */
function replaceSections(doc: string, sections: string[]): string {
  let text = doc;
  for (const section of sections) {
    const title = section.split('\n')[0]!;
    const start = text.indexOf(`${title}\n`);
    if (start < 0) {
      text = `${text.trimEnd()}\n\n${section}`;
      continue;
    }
    const next = text.indexOf('\n## ', start + title.length);
    text = `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  }
  return text;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
