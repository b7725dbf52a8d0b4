/**
 * Builds the functions for the local runner with esbuild, the way deploy bundles them but with the
 * project's node_modules left external (fast rebuilds, and the SDK clients are shared), and keeps
 * rebuilding on change: each successful build bumps a generation, so the next invocation loads
 * the new code without restarting anything.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildContext, BuildResult, Plugin } from 'esbuild';

export interface BundleSet {
  /** Absolute path of the built module of a function. */
  file(name: string): string;
  /** Increases after each successful rebuild. */
  generation(): number;
  /** The errors of the last build, if it failed (the previous code keeps running). */
  lastError(): string | undefined;
  dispose(): Promise<void>;
}

export interface BundleOptions {
  entries: Record<string, string>;
  outdir: string;
  /** node_modules the external packages resolve from (the build may live outside the project). */
  nodeModules: string;
  watch: boolean;
  onRebuild?: (result: { ok: boolean; ms: number; errors: string[] }) => void;
}

/** Bare package imports stay external (resolved from node_modules at run time); project code and #aliases are bundled. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./#]/ }, (args) => (args.kind === 'entry-point' || /^[A-Za-z]:[\\/]/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

export async function buildBundles(options: BundleOptions): Promise<BundleSet> {
  const esbuild = await import('esbuild');
  await mkdir(options.outdir, { recursive: true });
  let generation = 0;
  let lastError: string | undefined;
  let started = Date.now();
  let firstBuild: (() => void) | undefined;
  const report: Plugin = {
    name: 'report',
    setup(build) {
      build.onStart(() => {
        started = Date.now();
      });
      build.onEnd((result: BuildResult) => {
        const errors = result.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
        if (errors.length === 0) {
          generation += 1;
          lastError = undefined;
        } else {
          lastError = errors.join('\n');
        }
        if (firstBuild) {
          firstBuild();
          firstBuild = undefined;
        } else {
          options.onRebuild?.({ ok: errors.length === 0, ms: Date.now() - started, errors });
        }
      });
    },
  };
  const ctx: BuildContext = await esbuild.context({
    entryPoints: options.entries,
    outdir: options.outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    // import() of a package becomes require(), so it too resolves through the node_modules above.
    supported: { 'dynamic-import': false },
    banner: { js: `module.paths.unshift(${JSON.stringify(options.nodeModules)});` },
    logLevel: 'silent',
    plugins: [externalPackages, report],
  });
  // In watch mode esbuild's watcher makes the first build itself; wait for it rather than building twice.
  if (options.watch) {
    const first = new Promise<void>((resolveFirst) => (firstBuild = resolveFirst));
    await ctx.watch();
    await first;
  } else {
    firstBuild = () => undefined;
    await ctx.rebuild().catch(() => undefined);
  }
  if (generation === 0) {
    await ctx.dispose();
    throw new Error(`the functions do not build:\n${lastError ?? 'unknown esbuild error'}`);
  }
  return {
    file: (name) => join(options.outdir, `${name}.cjs`),
    generation: () => generation,
    lastError: () => lastError,
    dispose: () => ctx.dispose(),
  };
}
