/**
 * The order-lifecycle steps, invoked by Step Functions with { action, orderId, taskToken?, reason?, step? }:
 * validate, awaitBarista (task token), complete, cancel, fail, paymentFailed (a capture or refund
 * that failed for good). Errors are thrown by name for the state machine to catch (OrderInvalid,
 * OrderCancelled). A step that writes is refused with WritesPaused while a failover drill has
 * writes paused.
 */
import * as z from 'zod/mini';
import '../shared/schema';
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { controlFromEnv, dynamoFromEnv, tablesFromEnv } from '../shared/env/dynamo';
import { WorkflowError } from '../shared/errors';
import { zodIssues } from '../shared/http';
import { assertWritesOpen } from '../shared/pause';
import { UUID } from '../shared/orders';
import { dynamoMenuReadModel } from '../menu/read-model';
import { stockRefresher, type MenuReadModel } from '../menu/domain';
import { awaitBarista, close, complete, markPaymentFailed, NEEDS_ATTENTION, validate } from './domain';

const orderId = z.string().check(z.regex(UUID));
const reason = z.optional(z.string().check(z.maxLength(200)));
export const workflowEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('validate'), orderId }),
  z.object({ action: z.literal('awaitBarista'), orderId, taskToken: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  z.object({ action: z.literal('complete'), orderId }),
  z.object({ action: z.literal('cancel'), orderId, reason }),
  z.object({ action: z.literal('fail'), orderId, reason }),
  z.object({ action: z.literal('paymentFailed'), orderId, step: z.enum(['capture', 'refund']), reason }),
]);
export type WorkflowEvent = z.infer<typeof workflowEventSchema>;

export type WorkflowDeps = Pick<Deps, 'db' | 'clock' | 'log' | 'dynamodb' | 'tables' | 'control'> & {
  /** Defaults to the DynamoDB read model in `tables.menu`. */
  readModel?: MenuReadModel;
};

export function createHandler(deps: WorkflowDeps) {
  const readModel = deps.readModel ?? dynamoMenuReadModel(deps.dynamodb, deps.tables.menu);
  const stockChanged = stockRefresher({ db: deps.db, readModel, clock: deps.clock, log: deps.log });
  return async (event: unknown): Promise<unknown> => {
    const parsed = workflowEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = zodIssues(parsed.error)[0]!;
      throw new WorkflowError('OrderInvalid', `bad workflow event: ${issue.field}: ${issue.reason}`);
    }
    const step = parsed.data;
    const ports = { db: deps.db, now: deps.clock.now(), stockChanged };
    try {
      // Every step but validate writes: none may while a failover drill has writes paused.
      if (step.action !== 'validate') await assertWritesOpen(deps.control);
      switch (step.action) {
        case 'validate':
          return await validate(ports, step.orderId);
        case 'awaitBarista':
          return await awaitBarista(ports, step.orderId, step.taskToken);
        case 'complete':
          await complete(ports, step.orderId);
          return { status: 'completed' };
        case 'cancel':
          await close(ports, step.orderId, 'cancelled', describe(step.reason));
          return { status: 'cancelled' };
        case 'fail':
          await close(ports, step.orderId, 'failed', describe(step.reason));
          return { status: 'failed' };
        case 'paymentFailed': {
          const reason = `the payment could not be ${step.step === 'capture' ? 'captured' : 'refunded'} (${step.reason ?? 'unknown error'}); needs attention`;
          const outcome = await markPaymentFailed(ports, step.orderId, reason);
          // One line per order newly left needing attention: the OrdersNeedingAttention metric counts them.
          if (outcome.changed) deps.log.error(NEEDS_ATTENTION, { orderId: step.orderId, step: step.step, error: step.reason, previousStatus: outcome.previous });
          return { status: 'payment_failed' };
        }
      }
    } catch (error) {
      deps.log.warn('workflow step failed', { action: step.action, orderId: step.orderId, error: (error as Error).name, message: (error as Error).message });
      throw error;
    } finally {
      deps.log.info('workflow step', { action: step.action, orderId: step.orderId });
    }
  };
}

/** A customer-readable reason from the state machine's error name. */
function describe(error: string | undefined): string {
  switch (error) {
    case 'States.Timeout':
      return 'the barista did not take the order in time';
    case 'OrderCancelled':
      return 'cancelled by the customer';
    case 'PaymentDeclined':
      return 'the payment was declined';
    case 'OrderInvalid':
      return 'the order could not be validated';
    case 'PaymentProviderUnavailable':
      return 'the payment service was unavailable';
    default:
      // An internal error name means nothing to a customer; the execution history keeps it.
      return 'the order could not be completed';
  }
}

export const handler = lazyHandler(() => {
  const dynamodb = dynamoFromEnv(process.env);
  return createHandler({ ...baseFromEnv(process.env), ...databasesFromEnv(process.env), dynamodb, tables: tablesFromEnv(process.env), control: controlFromEnv(process.env, dynamodb) });
});
