/** Small ports shared by every function. */

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** The part of the Powertools Logger the functions use; never pass request bodies or secrets to it. */
export type LogFields = Record<string, unknown>;
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Starts order-lifecycle executions and answers the barista's task token. */
export interface Workflow {
  /** Starts the lifecycle of one order; the execution is named after the order (idempotent). */
  start(orderId: string): Promise<void>;
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Raised by a Workflow when the task token is no longer waited for (timed out or finished). */
export class TaskTokenExpired extends Error {
  override readonly name = 'TaskTokenExpired';
}

/** The maintenance switch in the control table (pk = "maintenance"), set during failover drills. */
export interface Maintenance {
  writesPaused: boolean;
  retryAfterSeconds: number;
  reason?: string;
}
/**
 * Which region serves the café's traffic: the control table item { pk: "traffic", activeRegion }.
 * Each region's /health reads it from its own replica, so moving traffic is one DynamoDB write in
 * the surviving region (Route 53's health checkers, a data plane, do the rest).
 */
export interface Traffic {
  /** Absent before the first switch: the region deployed as primary serves. */
  activeRegion?: string;
  updatedAt?: string;
  reason?: string;
}
export interface ControlPort {
  maintenance(): Promise<Maintenance>;
  traffic(): Promise<Traffic>;
}

export interface PaymentAuthorisation {
  authorisationId: string;
  status: 'authorised';
  amountCents: number;
  currency: string;
}

/** The payment provider, seen from the café. Errors: WorkflowError PaymentDeclined / PaymentProviderUnavailable. */
export interface PaymentProvider {
  authorise(request: { amountCents: number; currency: string; reference: string; idempotencyKey: string }): Promise<PaymentAuthorisation>;
  capture(request: { authorisationId: string; amountCents: number; idempotencyKey: string }): Promise<{ status: 'captured' }>;
  refund(request: { authorisationId: string; amountCents: number; idempotencyKey: string }): Promise<{ status: 'refunded' }>;
}
