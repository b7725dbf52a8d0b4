/**
 * cfn-lint for the audit, with its results cached by template content: a template whose text, the
 * cfn-lint version and the arguments have not changed since the last run is not linted again.
 *
 * The cache is one JSON file per template under .cafe-ops/cache/cfn-lint/ (git-ignored), named by
 * sha256(cfn-lint version, arguments, file name, template text). Delete the folder to clear it.
 *
 * The version is read without starting Python (cfn-lint takes seconds to import): the executable on
 * PATH (through a pyenv shim when there is one) names its interpreter, whose site-packages hold
 * `cfn_lint-<version>.dist-info`. When that cannot be found, `cfn-lint --version` is asked (slow, but right).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CFN_LINT_ARGS, runCfnLint, type CfnLintFinding } from '../templates/cfn-lint';

const run = promisify(execFile);

export const DEFAULT_CFN_LINT_CACHE = '.cafe-ops/cache/cfn-lint';

export interface CfnLintRun {
  findings: CfnLintFinding[];
  /** Files cfn-lint actually ran over (the others came from the cache). */
  linted: string[];
  version: string;
}

/** cfn-lint over `files`, from the cache where it can; undefined when cfn-lint is not installed. */
export async function lintCached(files: string[], options: { command: string; cacheDir: string | false }): Promise<CfnLintRun | undefined> {
  const executable = resolveCommand(options.command);
  if (!executable) return undefined;
  const version = await cfnLintVersion(executable);
  if (version === undefined) return undefined;
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const keys = files.map((f, i) => createHash('sha256').update(JSON.stringify([version, CFN_LINT_ARGS, f, texts[i]])).digest('hex'));
  const cached = await Promise.all(keys.map((k) => (options.cacheDir ? readCache(join(options.cacheDir, `${k}.json`)) : Promise.resolve(undefined))));
  const missing = files.filter((_, i) => cached[i] === undefined);
  const fresh = missing.length ? await runCfnLint(executable, missing) : [];
  if (fresh === undefined) return undefined; // gone between finding it and running it: as not installed
  if (options.cacheDir && missing.length) {
    await mkdir(options.cacheDir, { recursive: true });
    await Promise.all(missing.map((f) => writeCache(join(options.cacheDir as string, `${keys[files.indexOf(f)]}.json`), fresh.filter((m) => m.file === f))));
  }
  return { findings: [...cached.flatMap((c) => c ?? []), ...fresh], linted: missing, version };
}

async function readCache(file: string): Promise<CfnLintFinding[] | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { findings?: CfnLintFinding[] };
    return Array.isArray(parsed.findings) ? parsed.findings : undefined;
  } catch {
    return undefined; // missing or unreadable: lint again
  }
}

async function writeCache(file: string, findings: CfnLintFinding[]): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ findings }));
  await rename(tmp, file);
}

/** The file a command name runs (a path, or the first match on PATH); undefined when there is none. */
export function resolveCommand(command: string): string | undefined {
  if (command.includes('/') || command.includes('\\')) return existsSync(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const versions = new Map<string, Promise<string | undefined>>();

/** The installed cfn-lint version, from its package metadata when it can be found, else from `--version`. */
export function cfnLintVersion(executable: string): Promise<string | undefined> {
  let version = versions.get(executable);
  if (!version) {
    version = Promise.resolve(versionFromMetadata(executable)).then((v) => v ?? versionFromRun(executable));
    versions.set(executable, version);
  }
  return version;
}

function versionFromMetadata(executable: string): string | undefined {
  try {
    let script = executable;
    let text = readFileSync(script, 'utf8').slice(0, 4096);
    if (text.includes('pyenv') && text.includes('exec')) {
      // A pyenv shim: the program of the active Python version.
      const root = process.env.PYENV_ROOT ?? join(dirname(dirname(executable)));
      const name = pyenvVersion(root);
      if (!name) return undefined;
      script = join(root, 'versions', name, 'bin', executable.split(/[\\/]/).pop()!);
      text = readFileSync(script, 'utf8').slice(0, 4096);
    }
    const shebang = /^#!\s*(\S+)/.exec(text)?.[1];
    if (!shebang || !shebang.startsWith('/')) return undefined;
    const lib = join(dirname(dirname(shebang)), 'lib');
    for (const py of readdirSync(lib).filter((d) => d.startsWith('python'))) {
      for (const packages of ['site-packages', 'dist-packages']) {
        const site = join(lib, py, packages);
        if (!existsSync(site)) continue;
        const dist = readdirSync(site).find((d) => /^cfn_lint-[^-]+\.dist-info$/.test(d));
        if (dist) return dist.slice('cfn_lint-'.length, -'.dist-info'.length);
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The Python version pyenv would pick here: PYENV_VERSION, a .python-version up the tree, or the global one. */
function pyenvVersion(root: string): string | undefined {
  const first = (text: string) => text.split(/\s+/).find(Boolean);
  if (process.env.PYENV_VERSION) return first(process.env.PYENV_VERSION);
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const file = join(dir, '.python-version');
    if (existsSync(file)) return first(readFileSync(file, 'utf8'));
    if (dirname(dir) === dir) break;
  }
  const global = join(root, 'version');
  return existsSync(global) ? first(readFileSync(global, 'utf8')) : undefined;
}

async function versionFromRun(executable: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(executable, ['--version'], { timeout: 120_000 });
    return stdout.trim() || 'unknown';
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    // A fake or wrapper without --version: key the cache on the file itself.
    const stat = statSync(executable);
    return `unknown:${executable}:${stat.size}:${stat.mtimeMs}`;
  }
}
