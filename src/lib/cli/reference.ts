/**
 * docs/commands.md, written from the oclif manifest of the commands (`npm run docs:commands`): one
 * section per command with its usage, arguments, flags and examples, so the reference cannot drift
 * from `--help` (test/cli/reference.test.ts checks that it is fresh).
 */
import type { Interfaces } from '@oclif/core';
import { EXIT_CODES_HELP } from './errors';

type ManifestCommand = Interfaces.Manifest['commands'][string];
type ManifestFlag = ManifestCommand['flags'][string];

const BIN = 'cafe-ops';
const spaced = (id: string) => id.replaceAll(':', ' ');
const anchor = (id: string) => `${BIN}-${id.replaceAll(':', '-')}`;
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll(/\s*\n\s*/g, ' ');

function flagName(flag: ManifestFlag): string {
  const name = flag.type === 'boolean' && flag.allowNo ? `--[no-]${flag.name}` : `--${flag.name}`;
  const value = flag.type === 'option' ? (flag.options?.length ? `=${flag.options.join('|')}` : '=<value>') : '';
  return `${flag.char ? `-${flag.char}, ` : ''}${name}${value}`;
}

function flagText(flag: ManifestFlag): string {
  const parts = [flag.summary ?? flag.description ?? ''];
  if (flag.type === 'option' && flag.multiple && !/repeatable/i.test(parts[0]!)) parts.push('Repeatable.');
  if (flag.required) parts.push('Required.');
  if (flag.default !== undefined && flag.default !== false) parts.push(`Default: \`${String(flag.default)}\`.`);
  if (flag.env) parts.push(`Env: \`${flag.env}\`.`);
  return cell(parts.filter(Boolean).join(' '));
}

function section(command: ManifestCommand, globals: string[]): string {
  const args = Object.values(command.args ?? {});
  const flags = Object.values(command.flags ?? {}).filter((f) => !f.hidden && f.helpGroup !== 'GLOBAL');
  const usage = [BIN, spaced(command.id), ...args.map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`)), flags.length || globals.length ? '[flags]' : '']
    .filter(Boolean)
    .join(' ');
  const lines = [`## \`${BIN} ${spaced(command.id)}\``, '', command.summary ?? '', ''];
  if (command.description) lines.push(command.description, '');
  lines.push('```', usage, '```', '');
  if (args.length) {
    lines.push('| argument | description |', '|---|---|');
    for (const arg of args) lines.push(`| \`${arg.name.toUpperCase()}\` | ${cell(`${arg.description ?? ''}${arg.required ? ' Required.' : ''}`)} |`);
    lines.push('');
  }
  if (flags.length) {
    lines.push('| flag | description |', '|---|---|');
    for (const flag of flags) lines.push(`| \`${cell(flagName(flag))}\` | ${flagText(flag)} |`);
    lines.push('');
  }
  if (globals.length) lines.push(`Global flags: ${globals.map((g) => `\`--${g}\``).join(', ')} ([see above](#global-flags)).`, '');
  const examples = (command.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', BIN));
  if (examples.length) lines.push('Examples:', '', '```sh', ...examples, '```', '');
  return lines.join('\n');
}

/** The Markdown of docs/commands.md for these commands. */
export function commandReference(manifest: Interfaces.Manifest): string {
  const commands = Object.values(manifest.commands)
    .filter((c) => !c.hidden)
    .sort((a, b) => a.id.localeCompare(b.id));
  const globalFlags = new Map<string, ManifestFlag>();
  for (const command of commands) for (const flag of Object.values(command.flags ?? {})) if (flag.helpGroup === 'GLOBAL') globalFlags.set(flag.name, flag);
  const lines = [
    '# Command reference',
    '',
    '<!-- Generated from the commands by `npm run docs:commands`; edit the commands, not this file. -->',
    '',
    `Every command also answers \`--help\`; \`${BIN} help [COMMAND]\`, \`${BIN} version\` and \`${BIN} autocomplete [bash|zsh]\` (shell completion) come with the CLI.`,
    '',
    `${EXIT_CODES_HELP}`,
    '',
    ...commands.map((c) => `- [\`${BIN} ${spaced(c.id)}\`](#${anchor(c.id)}): ${cell(c.summary ?? '')}`),
    '',
    '## Global flags',
    '',
    'Each command lists the ones it takes.',
    '',
    '| flag | description |',
    '|---|---|',
    ...[...globalFlags.values()].map((flag) => `| \`${cell(flagName(flag))}\` | ${flagText(flag)} |`),
    '',
    ...commands.map((c) => section(c, Object.values(c.flags ?? {}).filter((f) => f.helpGroup === 'GLOBAL').map((f) => f.name))),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
