/**
 * Errors the domain raises on purpose. HTTP handlers map them to status codes; the order-lifecycle
 * state machine matches workflow errors by name (see templates/statemachines/order-lifecycle.asl.json).
 */
export interface FieldIssue {
  field: string;
  reason: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (field: string, reason: string, more: FieldIssue[] = []) =>
  new HttpError(400, 'invalid_request', `${field}: ${reason}`, [{ field, reason }, ...more]);
export const unauthorised = () => new HttpError(401, 'unauthorised', 'sign in to use this route');
export const forbidden = (message = 'this route needs the admin group') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unavailable = (message: string, retryAfterSeconds: number) =>
  new HttpError(503, 'unavailable', message, [], { 'Retry-After': String(retryAfterSeconds) });

/** Errors whose name the state machine catches or retries on. */
export type WorkflowErrorName =
  | 'OrderInvalid'
  | 'OrderCancelled'
  | 'PaymentDeclined'
  | 'PaymentProviderUnavailable'
  | 'PaymentNotFound'
  /** A failover drill paused writes (functions/shared/pause.ts): retry later. */
  | 'WritesPaused';

export class WorkflowError extends Error {
  constructor(
    override readonly name: WorkflowErrorName,
    message: string,
  ) {
    super(message);
  }
}
