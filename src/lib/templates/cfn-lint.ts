/**
 * Running the real cfn-lint (the Python linter, https://github.com/aws-cloudformation/cfn-lint) and
 * reading its findings: the one place that knows its command line and its JSON output, for
 * `cafe-ops lint` and the compliance audit.
 *
 * `cfn-lint --format json` prints a list of matches, each with Filename, Level (Error, Warning or
 * Informational), Message, Rule.Id and Location (Start.LineNumber, and Path, the key path from the
 * template root). It exits non-zero when it finds something (the JSON is still on stdout).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors';

const run = promisify(execFile);

/** The arguments cfn-lint runs with (the audit's cache key includes them). */
export const CFN_LINT_ARGS = ['--format', 'json'];

export interface CfnLintFinding {
  file: string;
  line: number;
  level: 'error' | 'warning';
  rule: string;
  message: string;
  /** The key path cfn-lint reports (Location.Path), e.g. ['Resources', 'Topic', 'Properties', 'Foo']. */
  path?: (string | number)[];
}

interface Match {
  Level: string;
  Message: string;
  Rule: { Id: string };
  Filename: string;
  Location: { Start: { LineNumber: number }; Path?: (string | number)[] };
}

/** The findings in cfn-lint's JSON output (empty output: none). Errors stay errors; warnings and informational matches are warnings. */
export function parseCfnLintOutput(stdout: string): CfnLintFinding[] {
  let matches: Match[];
  try {
    matches = JSON.parse(stdout.trim() || '[]') as Match[];
    if (!Array.isArray(matches)) throw new Error('not a list');
  } catch (error) {
    throw new EnvironmentError(`cfn-lint printed something other than its JSON report (${(error as Error).message})`, 'run cfn-lint --format json on the templates to see why, or pass --no-cfn-lint', 'CFN_LINT');
  }
  return matches.map((m) => ({
    file: m.Filename,
    line: m.Location.Start.LineNumber,
    level: m.Level === 'Error' ? 'error' : 'warning',
    rule: m.Rule.Id,
    message: m.Message,
    ...(m.Location.Path?.length ? { path: m.Location.Path } : {}),
  }));
}

/**
 * cfn-lint's findings over `files`; undefined when `command` does not exist. A run that fails without
 * a report (a broken installation) is an error saying so in one line.
 */
export async function runCfnLint(command: string, files: string[]): Promise<CfnLintFinding[] | undefined> {
  let stdout: string;
  try {
    ({ stdout } = await run(command, [...CFN_LINT_ARGS, ...files], { maxBuffer: 32 * 1024 * 1024, timeout: 300_000 }));
  } catch (error) {
    const e = error as { code?: string | number; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return undefined;
    if (!e.stdout) {
      const message = `cfn-lint failed: ${(e.stderr || String(error)).trim().split('\n').pop()}`;
      throw Object.assign(new EnvironmentError(message, 'run cfn-lint on the templates to see why, or pass --no-cfn-lint', 'CFN_LINT'), { cause: error });
    }
    stdout = e.stdout;
  }
  return parseCfnLintOutput(stdout);
}
