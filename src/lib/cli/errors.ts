import { translateAwsError } from '../aws/errors';
import { EnvironmentError, ExitCode, UserError, isUserError } from '../errors';

/** The `--json` document of a failed run: the only thing on stdout. */
export interface ErrorDocument {
  error: { code: string; message: string; hint?: string };
}

/** What `--help` and the README say about exit codes. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 ok; 1 findings or a failed operation; 2 usage or config (unknown command or flag, bad or conflicting flags, bad path); ' +
  '3 AWS, credentials or environment; 130 interrupted (Ctrl-C). Under --json, stdout is one JSON document, on failure {"error": {"code", "message", "hint"}}.';

/** The parse errors of oclif (by class name) and the code each one gets in the error document. */
const PARSE_ERROR_CODES: Record<string, string> = {
  NonExistentFlagsError: 'UNKNOWN_FLAG',
  UnexpectedArgsError: 'UNEXPECTED_ARGUMENT',
  RequiredArgsError: 'MISSING_ARGUMENT',
  FlagInvalidOptionError: 'INVALID_FLAG_VALUE',
  ArgInvalidOptionError: 'INVALID_ARGUMENT',
  FailedFlagValidationError: 'INVALID_FLAGS',
  ViolatedFlagConstraintError: 'INVALID_FLAGS',
  InvalidArgsSpecError: 'INVALID_ARGUMENT',
};

/** Node's file-system error codes that mean "this path cannot be used", with what to say about them. */
const PATH_ERRORS: Record<string, string> = {
  EISDIR: 'is a directory',
  EROFS: 'is on a read-only file system',
  EEXIST: 'already exists',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  ENOENT: 'does not exist',
  ENOTDIR: 'has a file where a directory is expected',
};

interface NodeLikeError {
  name?: string;
  code?: string;
  message?: string;
  path?: string;
  input?: string;
  oclif?: { exit?: number };
  parse?: unknown;
  $metadata?: { requestId?: string };
}

/**
 * The one-line {@link UserError} for anything a user can act on: cafe-ops' own errors, oclif's parse
 * errors (unknown commands: ./not-found), raw Node errors on a given path or URL, and AWS errors. Anything else
 * (a bug) is undefined, so it keeps its stack trace.
 * @param flagFor names the flag a path came from (e.g. `--out`), when the caller knows it.
 * @param unknownFlagHint the hint for unknown flags (as typed), when the caller has a better one than --help.
 */
export function toUserError(
  error: unknown,
  flagFor?: (path: string) => string | undefined,
  unknownFlagHint?: (flags: readonly string[]) => string | undefined,
): UserError | undefined {
  if (isUserError(error)) return error;
  const e = (error ?? {}) as NodeLikeError;
  const parseCode = parseErrorCode(error);
  if (parseCode) return usageError(e.message ?? '', parseCode, parseCode === 'UNKNOWN_FLAG' ? unknownFlagHint?.((error as { flags?: string[] }).flags ?? []) : undefined);
  if (e.code && e.path && PATH_ERRORS[e.code]) {
    const flag = flagFor?.(e.path);
    return new UserError(`${flag ? `${flag}: ` : ''}${e.path} ${PATH_ERRORS[e.code]}`, undefined, ExitCode.Usage, e.code);
  }
  if (e.code === 'ERR_INVALID_URL') {
    const flag = e.input !== undefined ? flagFor?.(e.input) : undefined;
    return new UserError(`${flag ?? 'a URL'}: "${e.input ?? ''}" is not a valid URL`, 'give a full URL such as http://localhost:5000', ExitCode.Usage, 'INVALID_URL');
  }
  const translated = translateAwsError(error);
  if (isUserError(translated)) return translated;
  if (e.$metadata) {
    return new EnvironmentError(`AWS ${e.name ?? 'error'}: ${e.message ?? ''}${e.$metadata.requestId ? ` (request ${e.$metadata.requestId})` : ''}`, undefined, 'AWS_SERVICE');
  }
  return undefined;
}

/**
 * The usage error of anything oclif raised while it parsed argv: its parse errors, and its plain
 * errors for a flag without a value or a value its type refuses (`--concurrency x`). Undefined for
 * an error that is not oclif's (a bug keeps its stack trace).
 */
export function parseFailure(error: unknown, unknownFlagHint?: (flags: readonly string[]) => string | undefined): UserError | undefined {
  const known = toUserError(error, undefined, unknownFlagHint);
  if (known) return known;
  const e = (error ?? {}) as NodeLikeError;
  if (!e.oclif) return undefined;
  const message = e.message ?? '';
  return usageError(message, /^Parsing --/.test(message) ? 'INVALID_FLAG_VALUE' : /expects (a value|one of these values)/.test(message) ? 'MISSING_FLAG_VALUE' : 'USAGE');
}

/** One line from oclif's multi-line parse message, with the code of its kind of mistake. */
function usageError(text: string, code: string, hint?: string): UserError {
  const lines = stripAnsi(text).split('\n').map((line) => line.trim()).filter((line) => line && !/^See more help with/.test(line));
  // "The following errors occurred:" introduces the reasons; the reasons are the message.
  const reasons = /^The following errors? occurred:$/.test(lines[0] ?? '') ? lines.slice(1) : lines;
  // "Parsing --flag" introduces what was wrong with its value.
  const flag = /^Parsing (--\S+)$/.exec(reasons[0] ?? '')?.[1];
  const message = flag
    ? `${flag}: ${reasons.slice(1).join('; ')}`
    : reasons.reduce((text, line) => (text === '' ? line : `${text}${text.endsWith(':') ? ' ' : '; '}${line}`), '').replaceAll(/ {2,}/g, ': ');
  const kind = reasons.some((r) => /cannot also be provided/.test(r)) ? 'CONFLICTING_FLAGS' : reasons.some((r) => /^Missing required flag/.test(r)) ? 'MISSING_FLAG' : code;
  return new UserError(message, hint ?? 'see --help for the flags and arguments', ExitCode.Usage, kind);
}

/** The error document of a user error. */
export function errorDocument(error: UserError): ErrorDocument {
  return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
}

/** Prints a user error: the JSON document on stdout under --json, else one line (and the hint) on stderr. */
export function printUserError(error: UserError, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(errorDocument(error), null, 2)}\n`);
    return;
  }
  // One unwrapped line (and the hint), so it reads the same in a terminal and in a CI log.
  process.stderr.write(`Error: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
}

/** Whether argv asks for JSON output, for errors raised before a command has parsed its flags. */
export function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function parseErrorCode(error: unknown): string | undefined {
  const e = error as NodeLikeError;
  if (!e || typeof e !== 'object' || !('parse' in e) || !e.oclif) return undefined;
  return PARSE_ERROR_CODES[(error as object).constructor.name] ?? 'USAGE';
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replaceAll(/\u001B\[[0-9;]*m/g, '');
}
