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
    /** Process exit code; 2 for usage and input mistakes. */
    readonly exitCode = 2,
  ) {
    super(message);
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
