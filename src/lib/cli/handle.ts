import { join } from 'node:path';
import { handle as oclifHandle } from '@oclif/core';
import { jsonRequested, printUserError, toUserError } from './errors';
import { isCommandNotFound, loadCommandIndex, unknownCommand, type CommandIndex } from './not-found';

/**
 * The last stop of an error that no command caught (an unknown command, a failure while loading the CLI):
 * the same one line, or `{"error": ...}` on stdout under --json, and the documented exit code.
 * Anything else goes to oclif's handler (stack traces with DEBUG=*).
 */
export async function handle(
  error: unknown,
  argv: readonly string[] = process.argv.slice(2),
  commands: () => Promise<CommandIndex> = () => loadCommandIndex(join(__dirname, '../../..')),
): Promise<void> {
  const userError = isCommandNotFound(error) ? unknownCommand(argv, await commands()) : toUserError(error);
  if (!userError) return oclifHandle(error as Error);
  printUserError(userError, jsonRequested(argv));
  process.exitCode = userError.exitCode;
}
