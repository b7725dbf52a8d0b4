/**
 * Payments, invoked by the order lifecycle with { action: authorise | capture | refund, orderId,
 * idempotencyKey }. Idempotent with Powertools idempotency (DynamoDB persistence, key
 * `idempotencyKey`): one provider call per key whatever the retries or concurrency; a repeat gets
 * the stored result; a duplicate arriving while the first runs fails as PaymentProviderUnavailable,
 * which the state machine retries with back-off (and then gets the stored result).
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import * as z from 'zod/mini';
import '../shared/schema';
import type { Deps } from '../shared/deps';
import { baseFromEnv, lazyHandler } from '../shared/env/base';
import { databasesFromEnv } from '../shared/env/database';
import { dynamoFromEnv, tablesFromEnv } from '../shared/env/dynamo';
import { paymentsFromEnv } from '../shared/env/payments';
import { WorkflowError } from '../shared/errors';
import { zodIssues, type LambdaContext } from '../shared/http';
import { UUID } from '../shared/orders';
import { authorise, capture, refund, type PaymentResult } from './domain';

export const paymentEventSchema = z.object({
  action: z.enum(['authorise', 'capture', 'refund']),
  orderId: z.string().check(z.regex(UUID)),
  idempotencyKey: z.string().check(z.regex(/^[A-Za-z0-9_:-]{1,128}$/)),
});
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

export type PaymentsDeps = Pick<Deps, 'db' | 'payments' | 'clock' | 'log' | 'dynamodb' | 'tables'> & {
  /** Defaults to DynamoDB persistence in `tables.idempotency`. */
  idempotencyStore?: BasePersistenceLayer;
};

/** How long a finished payment call is remembered (a day covers every retry of the lifecycle). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** The function's timeout in templates/app.yaml, used when no Lambda context is given. */
const LOCAL_TIMEOUT_MS = 10_000;

export function createHandler(deps: PaymentsDeps) {
  const persistenceStore =
    deps.idempotencyStore ?? new DynamoDBPersistenceLayer({ tableName: deps.tables.idempotency, awsSdkV3Client: deps.dynamodb });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    // The same key with another action or order is a caller bug, not a retry.
    payloadValidationJmesPath: '[action, orderId]',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const run = makeIdempotent(
    async (event: PaymentEvent): Promise<PaymentResult> => {
      const ports = { db: deps.db, provider: deps.payments, now: deps.clock.now() };
      const result = await { authorise, capture, refund }[event.action](ports, event.orderId, event.idempotencyKey);
      deps.log.info('payment', { action: event.action, orderId: event.orderId, status: result.status, amountCents: result.amountCents });
      return result;
    },
    { persistenceStore, config, keyPrefix: 'payments' },
  );
  return async (event: unknown, context?: LambdaContext): Promise<PaymentResult> => {
    const parsed = paymentEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = zodIssues(parsed.error)[0]!;
      throw new WorkflowError('OrderInvalid', `bad payment event: ${issue.field}: ${issue.reason}`);
    }
    // In-progress records expire with the invocation; outside Lambda assume the function's 10 s timeout.
    const started = Date.now();
    const lambdaContext = context?.getRemainingTimeInMillis ? context : { getRemainingTimeInMillis: () => LOCAL_TIMEOUT_MS - (Date.now() - started) };
    config.registerLambdaContext(lambdaContext as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
    try {
      return await run(parsed.data);
    } catch (error) {
      if ((error as Error).name === 'IdempotencyAlreadyInProgressError') {
        // The same payment is running in another invocation: the state machine retries this
        // error with back-off, and the retry gets the stored result.
        deps.log.info('payment in progress elsewhere', { action: parsed.data.action, orderId: parsed.data.orderId });
        throw new WorkflowError('PaymentProviderUnavailable', 'this payment is already in progress; retry shortly');
      }
      deps.log.warn('payment failed', { action: parsed.data.action, orderId: parsed.data.orderId, error: (error as Error).name, message: (error as Error).message });
      throw error;
    }
  };
}

export const handler = lazyHandler(() => {
  const env = process.env;
  return createHandler({ ...baseFromEnv(env), ...databasesFromEnv(env), dynamodb: dynamoFromEnv(env), tables: tablesFromEnv(env), payments: paymentsFromEnv(env) });
});
