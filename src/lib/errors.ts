/**
 * The documented exit codes of every command (README "Exit codes", and each command's --help).
 */
export const ExitCode = {
  /** Done; nothing found that fails the run. */
  Ok: 0,
  /** Findings at or above --fail-on, or an operation that failed (a stack, a drill step...). */
  Failed: 1,
  /** Usage or config: unknown command or flag, bad or conflicting flag values, an invalid cafe-ops.yml, a path that cannot be used. */
  Usage: 2,
  /** AWS, credentials or environment: no or expired credentials, access denied, an AWS service error, an unreachable endpoint. */
  Environment: 3,
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
} as const;

/**
 * An error caused by the user's input or environment (bad config, unknown stack, missing
 * credentials...). The CLI prints its message on one line and exits non-zero, never a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Optional next step printed under the message. */
    readonly hint?: string,
    /** Process exit code ({@link ExitCode}); 2 for usage and input mistakes. */
    readonly exitCode: number = ExitCode.Usage,
    /** Stable machine-readable code of the `--json` error document (default: from the exit code). */
    readonly code: string = defaultCode(exitCode),
  ) {
    super(message);
  }
}

/** A problem with AWS, the credentials or the environment a command runs in: exit code 3. */
export class EnvironmentError extends UserError {
  constructor(message: string, hint?: string, code = 'AWS') {
    super(message, hint, ExitCode.Environment, code);
  }
}

function defaultCode(exitCode: number): string {
  switch (exitCode) {
    case ExitCode.Failed: return 'FAILED';
    case ExitCode.Usage: return 'USAGE';
    case ExitCode.Environment: return 'AWS';
    case ExitCode.Interrupted: return 'INTERRUPTED';
    default: return 'ERROR';
  }
}

/** A question that could not be asked: no terminal (or --json) and no --yes. */
export class ConfirmationNeeded extends UserError {
  constructor(question: string, hint: string) {
    super(`confirmation needed: ${question}`, hint);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** The message of anything thrown, for logs and one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
