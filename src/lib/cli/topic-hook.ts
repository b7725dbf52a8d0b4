import type { Hook } from '@oclif/core';
import { ExitCode, UserError } from '../errors';

/**
 * The `init` hook: a topic without its command (`cafe-ops waf`) prints the topic's help, except under
 * --json, where stdout must be one JSON document: there it is a usage error naming the commands of
 * the topic (handled by ./handle like any error no command caught). Kept light: it runs on every start.
 */
const hook: Hook.Init = async function ({ id, argv, config }) {
  if (!id || config.findCommand(id) || !config.findTopic(id)) return;
  const end = argv.indexOf('--');
  if (!(end === -1 ? argv : argv.slice(0, end)).includes('--json')) return;
  const spaced = (name: string) => name.replaceAll(':', ' ');
  const commands = config.commands.filter((c) => !c.hidden && c.id.startsWith(`${id}:`)).map((c) => `\`${config.bin} ${spaced(c.id)}\``);
  throw Object.assign(
    new UserError(`"${spaced(id)}" needs a command`, `one of ${commands.join(', ')}; \`${config.bin} ${spaced(id)} --help\` tells what each does`, ExitCode.Usage, 'MISSING_COMMAND'),
    // oclif passes on an error from a hook only when it carries a non-zero exit.
    { oclif: { exit: ExitCode.Usage } },
  );
};

export default hook;
