/** Environment pieces every function uses: region, role, clock, the Powertools logger. */
import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock, type Clock, type Log } from '../ports';

export type Env = Record<string, string | undefined>;

export const regionOf = (env: Env) => env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'eu-west-1';

export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The Log port over the Powertools Logger (JSON lines with service, level, timestamp). */
export function powertoolsLog(logger: Logger): Log {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    fields ? logger[level](message, fields as { [key: string]: never }) : logger[level](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function baseFromEnv(env: Env): { clock: Clock; log: Log; region: string; role: string } {
  return { clock: systemClock, log: powertoolsLog(new Logger()), region: regionOf(env), role: env.REGION_ROLE ?? 'primary' };
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

/** `handler` for a module: the real one is built from the environment on the first invocation. */
export function lazyHandler<E, R, C>(build: () => (event: E, context?: C) => Promise<R>): (event: E, context?: C) => Promise<R> {
  let built: ((event: E, context?: C) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
