/**
 * The composition root in AWS: builds `Deps` from the Lambda environment (templates/app.yaml).
 * Nothing connects until first use, so a cold start only pays for what the request touches.
 *
 *   DB_WRITER_HOST, DB_READER_HOST, DB_NAME, DB_SECRET_ARN   Aurora (credentials from Secrets Manager, TLS)
 *   DATABASE_URL                                           overrides the above (local server)
 *   MENU_TABLE, CARTS_TABLE, IDEMPOTENCY_TABLE, CONTROL_TABLE
 *   STATE_MACHINE_ARN, PAYMENT_PROVIDER_URL, PAYMENT_API_KEY_SECRET_ARN, REGION_ROLE, AWS_REGION
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoControl } from './control';
import type { Deps } from './deps';
import { httpPaymentProvider } from './payment-provider';
import { systemClock, type Log, type PaymentProvider, type Workflow } from './ports';
import { connectPg, type Database } from './sql';
import { stepFunctionsWorkflow } from './workflow';

type Env = Record<string, string | undefined>;

/** The Log port over the Powertools Logger (JSON lines with service, level, timestamp, request keys). */
export function powertoolsLog(logger: Logger): Log {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    fields ? logger[level](message, fields as { [key: string]: never }) : logger[level](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function once<T>(factory: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= factory().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

/** A Database that connects on first use. */
export function lazyDatabase(connect: () => Promise<Database>): Database {
  const get = once(connect);
  return {
    query: async (text, params) => (await get()).query(text, params),
    transaction: async (fn) => (await get()).transaction(fn),
    close: async () => (await get()).close(),
  };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function secretString(secretArn: string, region: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region });
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!out.SecretString) throw new Error('secret has no string value');
  return out.SecretString;
}

function database(env: Env, hostVariable: 'DB_WRITER_HOST' | 'DB_READER_HOST', region: string): Database {
  return lazyDatabase(async () => {
    if (env.DATABASE_URL) return connectPg({ connectionString: env.DATABASE_URL });
    const secret = JSON.parse(await secretString(required(env, 'DB_SECRET_ARN'), region)) as { username?: string; password?: string; port?: number };
    return connectPg({
      host: required(env, hostVariable),
      port: secret.port ?? 5432,
      database: env.DB_NAME ?? 'cafe',
      user: secret.username,
      password: secret.password,
      ssl: true,
    });
  });
}

export function fromEnvironment(env: Env = process.env): Deps {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'eu-west-1';
  const dynamodb = new DynamoDBClient({ region });
  const db = database(env, 'DB_WRITER_HOST', region);
  const reader = env.DATABASE_URL || !env.DB_READER_HOST ? db : database(env, 'DB_READER_HOST', region);
  const tables = {
    menu: env.MENU_TABLE ?? '',
    carts: env.CARTS_TABLE ?? '',
    idempotency: env.IDEMPOTENCY_TABLE ?? '',
    control: env.CONTROL_TABLE ?? '',
  };
  const sfn = once(async () => {
    const { SFNClient } = await import('@aws-sdk/client-sfn');
    return stepFunctionsWorkflow(new SFNClient({ region }), required(env, 'STATE_MACHINE_ARN'));
  });
  const workflow: Workflow = {
    start: async (orderId) => (await sfn()).start(orderId),
    sendTaskSuccess: async (token, output) => (await sfn()).sendTaskSuccess(token, output),
    sendTaskFailure: async (token, error, cause) => (await sfn()).sendTaskFailure(token, error, cause),
  };
  let apiKey: Promise<string> | undefined;
  const payments: PaymentProvider = httpPaymentProvider({
    baseUrl: env.PAYMENT_PROVIDER_URL ?? '',
    apiKey: (refresh) => {
      if (refresh || !apiKey) {
        apiKey = secretString(required(env, 'PAYMENT_API_KEY_SECRET_ARN'), region).then((value) => {
          try {
            const parsed = JSON.parse(value) as { apiKey?: string };
            return parsed.apiKey ?? value;
          } catch {
            return value;
          }
        });
        apiKey.catch(() => (apiKey = undefined));
      }
      return apiKey;
    },
  });
  return {
    db,
    reader,
    dynamodb,
    tables,
    control: dynamoControl(dynamodb, tables.control),
    workflow,
    payments,
    clock: systemClock,
    log: powertoolsLog(new Logger()),
    region,
    role: env.REGION_ROLE ?? 'primary',
  };
}

/** `handler` for a module: the real one is built from the environment on the first invocation. */
export function lazyHandler<E, R, C>(build: () => (event: E, context?: C) => Promise<R>): (event: E, context?: C) => Promise<R> {
  let built: ((event: E, context?: C) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
