/**
 * The composition root in AWS: builds `Deps` from the Lambda environment (templates/app.yaml).
 * Nothing connects until first use, so a cold start only pays for what the request touches.
 * Each piece lives in its own module so a bundle only carries the SDK clients its function uses:
 * handlers import the pieces they need; `fromEnvironment()` assembles all of them.
 *
 *   DB_WRITER_HOST, DB_READER_HOST, DB_NAME, DB_SECRET_ARN   Aurora (credentials from Secrets Manager, TLS)
 *   DATABASE_URL                                           overrides the above (local server)
 *   MENU_TABLE, CARTS_TABLE, IDEMPOTENCY_TABLE, CONTROL_TABLE
 *   STATE_MACHINE_ARN, PAYMENT_PROVIDER_URL, PAYMENT_API_KEY_SECRET_ARN, REGION_ROLE, AWS_REGION
 */
import type { Deps } from './deps';
import { controlFromEnv, dynamoFromEnv, tablesFromEnv } from './env/dynamo';
import { databasesFromEnv } from './env/database';
import { baseFromEnv, type Env } from './env/base';
import { paymentsFromEnv } from './env/payments';
import { workflowFromEnv } from './env/workflow';

export { lazyHandler, once } from './env/base';

export function fromEnvironment(env: Env = process.env): Deps {
  const dynamodb = dynamoFromEnv(env);
  return {
    ...baseFromEnv(env),
    ...databasesFromEnv(env),
    dynamodb,
    tables: tablesFromEnv(env),
    control: controlFromEnv(env, dynamodb),
    workflow: workflowFromEnv(env),
    payments: paymentsFromEnv(env),
  };
}
