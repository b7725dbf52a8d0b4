import { Flags } from '@oclif/core';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { DEFAULT_CATALOG_FILE } from '../stacks/catalog';
import { EXIT_CODES_HELP } from './errors';

/**
 * The flags that several commands share, one definition each, in groups. A command takes exactly the
 * groups it uses (`static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags }`),
 * so its --help lists only those, and a flag it does not take is refused as a usage error (exit 2).
 * `--json` is in {@link BaseCommand.baseFlags}: every command has it.
 */

/** `--json`: declared here (oclif would add it the same) so every command's --help documents the output contract and exit codes. */
export const jsonFlag = {
  json: Flags.boolean({ summary: 'Format output as json.', description: EXIT_CODES_HELP, helpGroup: 'GLOBAL' }),
};

/** Which environment of which config file: for every command that reads cafe-ops.yml. */
export const environmentFlags = {
  env: Flags.string({ char: 'e', summary: 'Environment from the config file (e.g. staging, production).', helpGroup: 'GLOBAL' }),
  config: Flags.string({ summary: 'Path of the config file.', default: DEFAULT_CONFIG_FILE, helpGroup: 'GLOBAL' }),
};

/** Who calls AWS and where: for every command that makes AWS calls. */
export const awsFlags = {
  profile: Flags.string({ summary: 'AWS named profile (default: the environment\'s profile in cafe-ops.yml, else AWS_PROFILE).', helpGroup: 'GLOBAL' }),
  'role-arn': Flags.string({ summary: 'IAM role to assume for every AWS call (default: the environment\'s roleArn in cafe-ops.yml).', helpGroup: 'GLOBAL' }),
  'mfa-code': Flags.string({ summary: 'Current code of the MFA device (mfaSerial) instead of a prompt.', env: 'CAFE_OPS_MFA_CODE', helpGroup: 'GLOBAL' }),
  'endpoint-url': Flags.string({ summary: 'Send every AWS call to this endpoint (an emulator such as moto_server).', env: 'AWS_ENDPOINT_URL', helpGroup: 'GLOBAL' }),
};

/** `--region`: for the commands that can work on one region of the environment. */
export const regionFlag = {
  region: Flags.string({ summary: 'Limit the command to one AWS region of the environment.', helpGroup: 'GLOBAL' }),
};

/** `--yes`: for the commands that ask before they change something. */
export const yesFlag = {
  yes: Flags.boolean({ char: 'y', summary: 'Answer yes to confirmations (stateful replacements still need their own flag).', default: false, helpGroup: 'GLOBAL' }),
};

/** `--catalog`: for the commands that read the stack catalog (not a global flag: it sits with the command's own). */
export const catalogFlag = {
  catalog: Flags.string({ summary: 'Path of the stack catalog.', default: DEFAULT_CATALOG_FILE }),
};

/** Every shared flag by name and by its one-letter form, to tell "not a flag of this command" from "not a flag at all". */
const SHARED = { ...jsonFlag, ...environmentFlags, ...awsFlags, ...regionFlag, ...yesFlag, ...catalogFlag };
const SHARED_CHARS = new Map(Object.entries(SHARED).flatMap(([name, flag]) => ('char' in flag && flag.char ? [[flag.char as string, name]] : [])));

/**
 * The hint for unknown flags that other commands take (oclif names them as typed: `--region`,
 * `--region=x`, `-y`): this command does not take them. Undefined when none of them is a shared flag.
 */
export function sharedFlagHint(command: string, typed: readonly string[]): string | undefined {
  const names = typed.flatMap((flag) => {
    const long = /^--([^=]+)/.exec(flag)?.[1];
    const name = long ?? SHARED_CHARS.get(/^-([^-])$/.exec(flag)?.[1] ?? '');
    return name !== undefined && name in SHARED ? [`--${name}`] : [];
  });
  if (names.length === 0) return undefined;
  return `\`${command}\` does not take ${names.join(', ')}; \`${command} --help\` lists the flags it takes`;
}
