/** The services behind `cafe-ops dev` and `cafe-ops dev token`. */
import { join, resolve } from 'node:path';
import { UserError, errorMessage } from '../errors';
import type { Output } from '../ui/output';
import { startDev, type DevOptions, type DevServer } from './platform';
import { LocalTokenIssuer, TOKEN_KEY_FILE, type IdTokenClaims } from './tokens';

/** The `--json` result: where the café runs, and how many routes it serves. */
export type DevResult = Pick<DevServer, 'urls' | 'port' | 'dataDir' | 'database' | 'dynamodb' | 'paymentSandbox' | 'startupMs'> & { routes: number };

export type RunDevOptions = Omit<DevOptions, 'log' | 'progress'> & {
  /** Resolves when the café should stop; defaults to the first SIGINT, SIGTERM or SIGHUP (a closed terminal). */
  until?: Promise<unknown>;
  /** Where request and function logs go; defaults to stderr. */
  log?: (line: string) => void;
};

export function describeDev(server: DevServer): DevResult {
  return {
    urls: server.urls,
    port: server.port,
    dataDir: server.dataDir,
    database: server.database,
    dynamodb: server.dynamodb,
    paymentSandbox: server.paymentSandbox,
    routes: server.routes.length,
    startupMs: server.startupMs,
  };
}

/** Starts the local café, reports where it is, and runs until Ctrl-C (or `until`), then stops it all. */
export async function runDev(options: RunDevOptions, out: Output, onReady: (result: DevResult) => void = () => undefined): Promise<DevResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const until = options.until ?? stopSignal();
  let server: DevServer;
  try {
    server = await startDev({ ...options, log, progress: (line) => out.progress(line) });
  } catch (error) {
    throw asUserError(error, options);
  }
  const result = describeDev(server);
  if (!['127.0.0.1', 'localhost', '::1'].includes(options.host ?? '127.0.0.1')) {
    out.warn(`listening on ${options.host}: anyone who reaches this port can sign in as any user, admin included (POST /_dev/token)`);
  }
  out.table(
    ['method', 'path', 'sign-in', 'function'],
    server.routes.map((r) => [r.method, r.resource, r.authorization === 'NONE' ? '' : r.authorization === 'COGNITO_USER_POOLS' || r.authorization === 'CUSTOM' ? 'ID token' : r.authorization === 'AWS_IAM' ? 'SigV4 (not verified locally)' : r.authorization, r.function]),
  );
  out.info(`Café running at ${result.urls.site}  (barista: ${result.urls.barista})`);
  out.info(`API ${result.urls.api}: ${result.routes} routes from templates/app.yaml; data in ${result.dataDir}; ready in ${result.startupMs} ms`);
  out.info('Press Ctrl-C to stop (the data is kept; --fresh starts empty).');
  onReady(result);
  try {
    await until;
  } finally {
    out.progress('stopping the local café…');
    await server.stop();
  }
  return result;
}

/** Ctrl-C, a kill, or the terminal closed (SIGHUP): each stops the café cleanly, keeping what is in flight. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function stopSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const on = (signal: string) => {
      for (const s of STOP_SIGNALS) process.off(s, on);
      resolveSignal(signal);
    };
    for (const s of STOP_SIGNALS) process.once(s, on);
  });
}

function asUserError(error: unknown, options: RunDevOptions): unknown {
  if (error instanceof UserError) return error;
  const message = errorMessage(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (options.databaseUrl && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || /password authentication|does not exist|connect/i.test(message))) {
    return new UserError(`cannot use the PostgreSQL server at DATABASE_URL: ${message}`, 'start the server, fix DATABASE_URL, or unset it to use the embedded database');
  }
  if (/the functions do not build|Could not resolve/.test(message)) {
    return new UserError(message.split('\n').slice(0, 4).join('; '), 'fix the build error in functions/ and run cafe-ops dev again');
  }
  if (/the site does not build/.test(message)) return new UserError(message.split('\n').slice(0, 4).join('; '), 'fix the build error in site/');
  if (code === 'ENOENT' && /templates|functions/.test(message)) return new UserError(message, 'run cafe-ops dev from the project folder');
  return error;
}

export interface DevTokenResult {
  token: string;
  claims: IdTokenClaims;
}

export async function issueDevToken(options: { root: string; dataDir: string; user: string; admin: boolean; ttlSeconds?: number }): Promise<DevTokenResult> {
  const issuer = await LocalTokenIssuer.fromKeyFile(join(resolve(options.root, options.dataDir), TOKEN_KEY_FILE));
  try {
    return await issuer.issue({ user: options.user, admin: options.admin, ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) });
  } catch (error) {
    throw new UserError(`--user: ${errorMessage(error)}`);
  }
}
