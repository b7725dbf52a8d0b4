import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Tests that need an external tool (moto_server, cfn-lint, PostgreSQL, Chromium) call
 * `requireTool`: on a machine without it they are skipped with one line saying how to install it;
 * under CI (CAFE_OPS_REQUIRE_TOOLS=1, set by .ci/run) a missing tool fails the run instead.
 */
export interface ToolSpec {
  /** Executable name looked up on PATH (and ~/.pyenv/shims), or an absolute path. */
  command: string;
  /** How a new user gets it, printed when the tests are skipped. */
  install: string;
}

export const TOOLS = {
  moto: { command: 'moto_server', install: 'pip install "moto[server]"' },
  cfnLint: { command: 'cfn-lint', install: 'pip install cfn-lint' },
  postgres: { command: '/usr/lib/postgresql/15/bin/postgres', install: 'apt-get install postgresql-15' },
  chromium: { command: '/usr/bin/chromium', install: 'apt-get install chromium' },
} satisfies Record<string, ToolSpec>;

const searchPath = () => [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.pyenv', 'shims')];

/** Absolute path of a tool, or undefined when it is not installed. */
export function findTool(command: string): string | undefined {
  if (command.startsWith('/')) return existsSync(command) ? command : undefined;
  for (const dir of searchPath()) {
    const candidate = join(dir, command);
    if (existsSync(candidate)) {
      if (!dir.includes('.pyenv')) return candidate;
      // pyenv shims exist for every installed version; make sure this one really resolves.
      try {
        execFileSync(candidate, ['--help'], { stdio: 'ignore', timeout: 20_000 });
        return candidate;
      } catch {
        continue;
      }
    }
  }
  return undefined;
}

/** `describe` when the tool is present, else `describe.skip` after one line of explanation. */
export function describeWithTool(tool: ToolSpec, what: string): jest.Describe {
  if (findTool(tool.command)) return describe;
  if (process.env.CAFE_OPS_REQUIRE_TOOLS === '1') {
    throw new Error(`${what} needs ${tool.command}, which is not installed (install: ${tool.install})`);
  }
  process.stderr.write(`skipped: ${what} — needs ${tool.command} (install: ${tool.install})\n`);
  return describe.skip;
}
