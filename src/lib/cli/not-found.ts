import { editDistance } from '../config/regions';
import { ExitCode, UserError } from '../errors';

/**
 * oclif's exit status for "command not found": @oclif/plugin-not-found ends with it after its
 * did-you-mean (a prompt in a terminal, a warning otherwise). cafe-ops answers with its own usage error.
 */
const NOT_FOUND_EXIT = 127;

/** What the CLI knows about itself to resolve a command: ids (`audit:compliance`) and topics (`audit`). */
export interface CommandIndex {
  commandIds: readonly string[];
  topics: readonly string[];
}

/** Whether the error is oclif's "this command does not exist" (with or without plugin-not-found). */
export function isCommandNotFound(error: unknown): boolean {
  const e = (error ?? {}) as { message?: string; oclif?: { exit?: number } };
  if (!e.oclif) return false;
  return e.oclif.exit === NOT_FOUND_EXIT || /^command \S+ not found$/.test(e.message ?? '');
}

/**
 * The command a user typed, as oclif reads argv with a space as topic separator: the leading words
 * that name topics, then one more word.
 */
export function typedCommand(argv: readonly string[], index: CommandIndex): string {
  const words: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-')) break;
    words.push(word);
    if (!index.topics.includes(words.join(':'))) break;
  }
  return words.join(':');
}

/** The closest command to a mistyped one, when it is close enough to be a typo. */
export function suggestCommand(typed: string, index: CommandIndex): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const id of index.commandIds) {
    const distance = editDistance(typed.toLowerCase(), id);
    if (!best || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.id : undefined;
}

/** The usage error of an unknown command, with the did-you-mean in its hint (exit 2). */
export function unknownCommand(argv: readonly string[], index: CommandIndex): UserError {
  const typed = typedCommand(argv, index);
  const suggestion = typed ? suggestCommand(typed, index) : undefined;
  const spaced = (id: string) => id.replaceAll(':', ' ');
  const list = 'run `cafe-ops --help` for the list of commands';
  // `cafe-ops --json`, `cafe-ops --bogus`: flags with no command before them.
  if (typed === '') return new UserError(`no command given${argv[0] ? ` before ${argv[0]}` : ''}`, `name the command first; ${list}`, ExitCode.Usage, 'MISSING_COMMAND');
  // `cafe-ops lint extra`: oclif reads a word after a command without arguments as part of the command's name.
  const words = typed.split(':');
  const command = words.map((_, i) => words.slice(0, i).join(':')).reverse().find((id) => index.commandIds.includes(id));
  if (command && !suggestion) {
    const extra = words.slice(command.split(':').length);
    return new UserError(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}`, `\`cafe-ops ${spaced(command)}\` takes no arguments; see \`cafe-ops ${spaced(command)} --help\``, ExitCode.Usage, 'UNEXPECTED_ARGUMENT');
  }
  return new UserError(
    `unknown command "${spaced(typed)}"`,
    suggestion ? `did you mean \`cafe-ops ${spaced(suggestion)}\`? Or ${list}` : list,
    ExitCode.Usage,
    'UNKNOWN_COMMAND',
  );
}

/** The visible commands and the topics of the CLI installed at `root`, read from its oclif config. */
export async function loadCommandIndex(root: string): Promise<CommandIndex> {
  const { Config } = await import('@oclif/core');
  const config = await Config.load(root);
  return {
    commandIds: config.commands.filter((c) => !c.hidden).map((c) => c.id),
    topics: config.topics.map((t) => t.name),
  };
}
