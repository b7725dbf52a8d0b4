/**
 * Builds the storefront (site/): its TypeScript pages and stylesheet bundled and minified by
 * esbuild, its HTML and icons copied, into site/dist. Used by `cafe-ops dev` (with watch) and by deploy,
 * which uploads site/dist next to the config.json it writes.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { watch as watchFiles, type FSWatcher } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { BuildResult, Plugin } from 'esbuild';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type a storefront file is served with, locally and from S3. */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}

export interface SiteFile {
  path: string;
  bytes: number;
}

export interface SiteBuild {
  outdir: string;
  files: () => SiteFile[];
  /** Bytes of JavaScript shipped (all pages together). */
  javascriptBytes: () => number;
  dispose(): Promise<void>;
}

export interface SiteBuildOptions {
  /** The site folder (holds *.html and src/). */
  root: string;
  outdir: string;
  watch?: boolean;
  onRebuild?: (result: { ok: boolean; ms: number; errors: string[] }) => void;
}

/** Page scripts: every site/src/pages/*.ts is one page's entry. */
async function entries(root: string): Promise<string[]> {
  const pages = join(root, 'src', 'pages');
  const names = await readdir(pages).catch(() => [] as string[]);
  return [...names.filter((n) => n.endsWith('.ts')).map((n) => join(pages, n)), join(root, 'src', 'styles.css')];
}

/**
 * Files of site/ itself that are served as they are: the pages and the icons. Browsers ask for
 * /favicon.ico whatever the pages link, so it is shipped: without it `cafe-ops dev` answers 403 as API
 * Gateway does for an unknown path, and S3 answers 403 for a missing key to a reader without
 * s3:ListBucket, as CloudFront's origin access is (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
const STATIC_FILE = /\.(html|ico|svg|png|webmanifest|txt)$/;

async function copyStatic(root: string, outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile() && STATIC_FILE.test(entry.name)) await copyFile(join(root, entry.name), join(outdir, entry.name));
  }
}

async function listFiles(outdir: string): Promise<SiteFile[]> {
  const out: SiteFile[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push({ path: relative(outdir, path), bytes: (await stat(path)).size });
    }
  };
  await walk(outdir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export async function buildSite(options: SiteBuildOptions): Promise<SiteBuild> {
  const esbuild = await import('esbuild');
  let files: SiteFile[] = [];
  let started = Date.now();
  let firstBuild: ((errors: string[]) => void) | undefined;
  let firstErrors: string[];
  const report: Plugin = {
    name: 'site-report',
    setup(build) {
      build.onStart(() => {
        started = Date.now();
      });
      build.onEnd(async (result: BuildResult) => {
        const errors = result.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
        if (errors.length === 0) {
          await copyStatic(options.root, options.outdir);
          files = await listFiles(options.outdir);
        }
        if (firstBuild) {
          firstBuild(errors);
          firstBuild = undefined;
        } else {
          options.onRebuild?.({ ok: errors.length === 0, ms: Date.now() - started, errors });
        }
      });
    },
  };
  const ctx = await esbuild.context({
    entryPoints: await entries(options.root),
    outdir: options.outdir,
    entryNames: '[name]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [report],
  });
  // In watch mode esbuild's watcher makes the first build itself; wait for it rather than building twice.
  if (options.watch) {
    const first = new Promise<string[]>((resolveFirst) => (firstBuild = resolveFirst));
    await ctx.watch();
    firstErrors = await first;
  } else {
    firstBuild = () => undefined;
    const result = await ctx.rebuild().catch((error: { errors?: { text: string }[] }) => ({ errors: error.errors ?? [{ text: String(error) }] }));
    firstErrors = result.errors.map((e) => e.text);
  }
  if (firstErrors.length) {
    await ctx.dispose();
    throw new Error(`the site does not build:\n${firstErrors.join('\n')}`);
  }
  let watcher: FSWatcher | undefined;
  if (options.watch) {
    // HTML and icons are copied, not bundled: watch them separately.
    watcher = watchFiles(options.root, (_, name) => {
      if (name && STATIC_FILE.test(name)) void copyStatic(options.root, options.outdir).then(async () => (files = await listFiles(options.outdir)));
    });
  }
  return {
    outdir: options.outdir,
    files: () => files,
    javascriptBytes: () => files.filter((f) => f.path.endsWith('.js')).reduce((sum, f) => sum + f.bytes, 0),
    dispose: async () => {
      watcher?.close();
      await ctx.dispose();
    },
  };
}
