/**
 * `cafe-ops dev`: the whole café on this machine, wired from the same templates and functions that
 * deploy ships. Starts DynamoDB (dynalite), PostgreSQL (PGlite in a thread of its own, or DATABASE_URL), the payment
 * sandbox, the order-lifecycle state machine, the functions (rebuilt and reloaded on change), the
 * local token issuer and the API + storefront on one port; `stop()` ends it all and keeps the data.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { loadCatalog } from '../stacks/catalog';
import { loadTemplate } from '../templates/load';
import { buildAppModel, type AppModel } from './app-model';
import { createApiListener } from './api-server';
import { buildBundles, type BundleSet } from './bundles';
import { ensureTables, localDynamoClient, startDynalite } from './dynamodb';
import { openEmbeddedPostgres } from './embedded-postgres';
import { localParameterValues } from './local-values';
import { createRuntime, freshRequire, type FunctionRuntime, type HandlerSet, type LambdaHandler } from './runtime';
import { buildSite, type SiteBuild } from '../site/build';
import { localSiteConfig } from '../site/config';
import { LocalStepFunctions, SavedExecutionError } from './step-functions';
import { LOCAL_CLIENT_ID, LOCAL_USER_POOL_ID, LocalTokenIssuer, TOKEN_KEY_FILE } from './tokens';
import { LOCAL_ACCOUNT } from './events';
import { wireDeps, type CafeBundle, type LocalDatabase, type PaymentSandbox } from './wiring';

export const DEFAULT_DATA_DIR = '.cafe-ops/dev';
export const DEFAULT_PORT = 3000;
export const LOCAL_REGION = 'eu-west-1';

export type PaymentMode = 'approve' | 'decline' | 'down';

export interface DevOptions {
  /** Project root (holds templates/, functions/, site/). */
  root: string;
  port: number;
  /** Host to listen on; 127.0.0.1 unless asked. */
  host?: string;
  dataDir: string;
  fresh: boolean;
  /** PostgreSQL server to use instead of the embedded one. */
  databaseUrl?: string;
  /** DynamoDB endpoint to use instead of the embedded one. */
  dynamodbEndpoint?: string;
  /** Rebuild and reload the functions and the site on change. */
  watch: boolean;
  payments?: PaymentMode;
  catalogFile?: string;
  appStack?: string;
  dataStack?: string;
  /** Milliseconds between state-machine retries instead of the ASL's back-off (tests). */
  retryDelayMs?: number;
  log: (line: string) => void;
  progress?: (line: string) => void;
}

export interface DevUrls {
  site: string;
  api: string;
  barista: string;
  health: string;
}

export interface DevServer {
  urls: DevUrls;
  port: number;
  dataDir: string;
  database: 'embedded' | 'server';
  dynamodb: string;
  paymentSandbox: string;
  routes: AppModel['routes'];
  startupMs: number;
  functions: FunctionRuntime;
  stateMachine: LocalStepFunctions;
  issuer: LocalTokenIssuer;
  setPaymentMode(mode: PaymentMode): void;
  stop(): Promise<void>;
}

export async function startDev(options: DevOptions): Promise<DevServer> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const dataDir = resolve(options.root, options.dataDir);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => options.log(`while stopping: ${error.message}`));
  };

  try {
    const model = await readModel(options);
    progress(`${model.routes.length} routes and ${model.functions.length} functions read from the app template`);

    // Independent pieces start together; the embedded database's first start (initdb) is the longest.
    const pgliteP = options.databaseUrl ? undefined : openEmbeddedPostgres({ dir: join(dataDir, 'pg'), cacheDir: await initdbCacheDir(options.root) });
    // Closed last, whatever fails on the way: PGlite's clean close leaves the folder ready to open again.
    if (pgliteP) stops.push(() => pgliteP.then((db) => db.close(), () => undefined));
    const bundlesP = buildFunctionBundles(options, model, dataDir, progress);
    const siteP = buildSite({ root: resolve(options.root, 'site'), outdir: resolve(options.root, 'site', 'dist'), watch: options.watch, onRebuild: (r) => options.log(r.ok ? `site rebuilt (${r.ms} ms)` : `site build failed:\n${r.errors.join('\n')}`) });
    const dynamoP = options.dynamodbEndpoint
      ? Promise.resolve({ endpoint: options.dynamodbEndpoint, stop: async () => undefined })
      : startDynalite(join(dataDir, 'dynamodb'));
    const issuerP = LocalTokenIssuer.fromKeyFile(join(dataDir, TOKEN_KEY_FILE));

    const [bundles, dynamo, issuer] = await Promise.all([bundlesP, dynamoP, issuerP]);
    const since = () => `${Date.now() - started} ms`;
    stops.push(() => bundles.dispose(), () => dynamo.stop());
    const site = await siteP;
    stops.push(() => site.dispose());
    const created = await ensureTables(dynamo.endpoint, LOCAL_REGION, model.tables);
    progress(`DynamoDB at ${dynamo.endpoint}${created.length ? `, tables created: ${created.join(', ')}` : ''} (${since()})`);

    const dynamodb = localDynamoClient(dynamo.endpoint, LOCAL_REGION);
    stops.push(async () => dynamodb.destroy());
    const first = freshRequire(bundles.file('cafe')) as CafeBundle;
    const db: LocalDatabase = options.databaseUrl
      ? { kind: 'server', db: await first.connectPg({ connectionString: options.databaseUrl }) }
      : { kind: 'embedded', db: await pgliteP! };
    if (db.kind === 'server') stops.push(() => db.db.close());
    progress(`PostgreSQL ${db.kind === 'embedded' ? 'embedded (PGlite)' : 'server'} open (${since()})`);

    // The sandbox journals every change in the data folder, as a real provider keeps its records whatever happens to us.
    const sandbox: PaymentSandbox = await startSandbox(first, dataDir);
    sandbox.mode = options.payments ?? 'approve';
    stops.push(() => sandbox.close());

    // The state machine invokes functions and the functions start executions: the runtime is bound below.
    const functions: { runtime?: FunctionRuntime } = {};
    const definition = model.stateMachine ? await readFile(model.stateMachine.definitionFile, 'utf8') : undefined;
    const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:cafe-local-order-lifecycle`;
    const stateMachine = new LocalStepFunctions({
      definition: definition ?? '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
      substitutions: model.stateMachine?.substitutions ?? {},
      invoke: (fn, payload) => functions.runtime!.invoke(fn, payload),
      stateMachineArn,
      journalFile: join(dataDir, 'executions.jsonl'),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      log: options.log,
    });
    stops.push(async () => {
      await stateMachine.stop();
      await stateMachine.flush();
    });

    const tables = tableNames(model);
    // The API's authorizer verifies the local issuer's tokens with the local issuer's JWKS.
    const localIdentity = { userPoolId: LOCAL_USER_POOL_ID, clientId: LOCAL_CLIENT_ID, jwks: () => issuer.jwks() };
    const runtime = createRuntime({
      functions: model.functions,
      generation: () => bundles.generation(),
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      load: async (generation) => {
        const bundle = (generation === 1 ? first : freshRequire(bundles.file('cafe'))) as CafeBundle;
        if (generation > 1) options.log(`functions reloaded (build ${generation})`);
        const handlers: HandlerSet = {};
        for (const fn of model.functions) {
          const module = bundle.functions[fn.name];
          if (!module?.createHandler) throw new Error(`functions/${fn.name}/handler.ts exports no createHandler(deps)`);
          const deps = wireDeps({ bundle, fn: fn.name, db: db.db, dynamodb, tables, executions: stateMachine, sandbox, region: LOCAL_REGION, log: options.log, identity: localIdentity });
          handlers[fn.name] = module.createHandler(deps as never) as LambdaHandler;
        }
        return handlers;
      },
    });
    functions.runtime = runtime;

    const migrate = model.functions.find((fn) => fn.name === 'migrate');
    if (migrate) {
      const result = (await runtime.invoke('migrate', { seedDemoMenu: true })) as { applied?: unknown[]; seeded?: number };
      progress(`migrations: ${result.applied?.length ?? 0} applied, ${result.seeded ?? 0} menu items seeded (${since()})`);
    }

    const resumed = await stateMachine.resume().catch((error: unknown) => {
      if (!(error instanceof SavedExecutionError)) throw error;
      throw new UserError(
        `the order lifecycle cannot resume from ${dirname(error.file)}: ${basename(error.file)} cannot be read (${error.reason}), so ${error.holdsAll ? 'the orders in progress' : 'its order'} would wait forever`,
        `move ${error.file} away and run cafe-ops dev again (${error.holdsAll ? 'those orders stay at their' : 'that order stays at its'} status), or start empty with --fresh`,
      );
    });
    if (resumed.length) progress(`${resumed.length} order${resumed.length === 1 ? '' : 's'} in progress, resumed`);

    const server: Server = createServer(
      createApiListener({
        routes: () => model.routes,
        matchRoute: first.matchRoute,
        invoke: (fn, event) => runtime.invoke(fn, event),
        issuer,
        siteDir: site.outdir,
        setPaymentMode: (mode) => {
          sandbox.mode = mode;
          options.log(`payment sandbox: ${mode}`);
        },
        siteConfig: () => ({ ...localSiteConfig() }),
        unavailable: dataFolderCheck(dataDir, options.log),
        region: LOCAL_REGION,
        log: options.log,
      }),
    );
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new UserError(`port ${options.port} is in use`, 'pass --port with a free port') : error),
      );
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
    });
    stops.push(
      () =>
        new Promise<void>((resolveClose) => {
          server.closeAllConnections();
          server.close(() => resolveClose());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const base = `http://localhost:${port}`;
    return {
      urls: { site: `${base}/`, api: base, barista: `${base}/barista.html`, health: `${base}/health` },
      port,
      dataDir,
      database: db.kind,
      dynamodb: dynamo.endpoint,
      paymentSandbox: sandbox.url,
      routes: model.routes,
      startupMs: Date.now() - started,
      functions: runtime,
      stateMachine,
      issuer,
      setPaymentMode: (mode) => {
        sandbox.mode = mode;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Whether the data folder is still there (checked at most once a second): deleted while running,
 * nothing the café does from then on would be kept, so the API says so instead of failing request by request.
 */
export function dataFolderCheck(dataDir: string, log: (line: string) => void, now: () => number = Date.now): () => string | undefined {
  let checkedAt = -Infinity;
  let missing = false;
  return () => {
    if (now() - checkedAt >= 1000) {
      checkedAt = now();
      const was = missing;
      missing = !existsSync(dataDir);
      if (missing && !was) log(`the data folder ${dataDir} was deleted while running: nothing from now on would be kept. Stop cafe-ops dev (Ctrl-C) and start it again (it starts empty), or restore the folder.`);
    }
    return missing ? `the local café's data folder ${dataDir} is missing: restart cafe-ops dev` : undefined;
  };
}

/** The payment sandbox over its journal in the data folder (taking over what an earlier release saved on a clean stop). */
async function startSandbox(bundle: CafeBundle, dataDir: string): Promise<PaymentSandbox> {
  const journalFile = join(dataDir, 'payment-sandbox.jsonl');
  const legacy = join(dataDir, 'payment-sandbox.json');
  const saved = await readFile(legacy, 'utf8').catch(() => undefined);
  if (saved !== undefined) {
    let entries: [string, unknown][];
    try {
      entries = JSON.parse(saved) as [string, unknown][];
    } catch {
      throw new UserError(`${legacy} is not JSON: the payment sandbox cannot know which orders were paid`, `move it away and run cafe-ops dev again, or start empty with --fresh`);
    }
    await appendFile(journalFile, entries.map(([, auth]) => `${JSON.stringify({ auth })}\n`).join(''));
    await rm(legacy);
  }
  try {
    return await bundle.startPaymentSandbox({ journalFile });
  } catch (error) {
    if ((error as Error).name !== 'SandboxJournalError') throw error;
    throw new UserError(`the payment sandbox's journal cannot be read: ${(error as Error).message}`, `move ${journalFile} away (its authorisations are lost) or start empty with --fresh`);
  }
}

/**
 * The project folder: the nearest folder, from `from` upwards, holding the stack catalog. `cafe-ops
 * dev` and `cafe-ops dev token` resolve the data folder from it, so both find the same one from any subfolder.
 */
export function projectRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'templates', 'stacks.yaml'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

/** Where the initialised cluster of the installed PGlite version is kept (one folder per version). */
async function initdbCacheDir(root: string): Promise<string> {
  const modules = resolve(root, 'node_modules');
  const pkg = await readFile(join(modules, '@electric-sql', 'pglite', 'package.json'), 'utf8').catch(() => '{}');
  const version = (JSON.parse(pkg) as { version?: string }).version ?? 'unknown';
  return join(modules, '.cache', 'cafe-ops', `pglite-${version}-initdb`);
}

async function readModel(options: DevOptions): Promise<AppModel> {
  const catalog = await loadCatalog(options.catalogFile ?? 'templates/stacks.yaml', options.root);
  const appStack = options.appStack ?? 'app';
  const dataStack = options.dataStack ?? 'data';
  const appSpec = catalog.stacks[appStack];
  if (!appSpec) throw new UserError(`the stack catalog has no "${appStack}" stack`);
  const app = await loadTemplate(resolve(catalog.root, appSpec.template));
  const dataSpec = catalog.stacks[dataStack];
  const data = dataSpec ? (await loadTemplate(resolve(catalog.root, dataSpec.template))).template : undefined;
  const values = await localParameterValues(catalog, appStack, { project: 'cafe', environment: 'local', region: LOCAL_REGION, account: LOCAL_ACCOUNT }, {});
  return buildAppModel({ catalog, appStack, app: app.template, appFile: app.file, ...(data ? { data } : {}), values });
}

function tableNames(model: AppModel) {
  const env = model.functions[0]?.environment ?? {};
  return { menu: env.MENU_TABLE ?? '', carts: env.CARTS_TABLE ?? '', idempotency: env.IDEMPOTENCY_TABLE ?? '', control: env.CONTROL_TABLE ?? '' };
}

/** One bundle holding every function and the shared adapters, so they share one copy of shared code. */
async function buildFunctionBundles(options: DevOptions, model: AppModel, dataDir: string, progress: (line: string) => void): Promise<BundleSet> {
  const buildDir = join(dataDir, 'build');
  await mkdir(buildDir, { recursive: true });
  const shared = resolve(options.root, 'functions', 'shared');
  const lines = model.functions.map((fn, i) => `import * as f${i} from ${JSON.stringify(fn.entry.replace(/\.ts$/, ''))};`);
  lines.push(`export const functions = { ${model.functions.map((fn, i) => `${JSON.stringify(fn.name)}: f${i}`).join(', ')} };`);
  lines.push(`export { connectPg } from ${JSON.stringify(join(shared, 'sql'))};`);
  lines.push(`export { dynamoControl } from ${JSON.stringify(join(shared, 'control'))};`);
  lines.push(`export { httpPaymentProvider } from ${JSON.stringify(join(shared, 'payment-provider'))};`);
  lines.push(`export { localWorkflow } from ${JSON.stringify(join(shared, 'local', 'workflow'))};`);
  lines.push(`export { systemClock } from ${JSON.stringify(join(shared, 'ports'))};`);
  lines.push(`export { startPaymentSandbox } from ${JSON.stringify(join(shared, 'local', 'payment-sandbox'))};`);
  lines.push(`export { matchRoute } from ${JSON.stringify(join(shared, 'routes'))};`);
  const entry = join(buildDir, 'entry.ts');
  await writeFile(entry, `// Generated by cafe-ops dev: every function of the app template and the adapters it wires.\n${lines.join('\n')}\n`);
  const t0 = Date.now();
  const bundles = await buildBundles({
    entries: { cafe: entry },
    outdir: buildDir,
    nodeModules: resolve(options.root, 'node_modules'),
    watch: options.watch,
    onRebuild: (r) => options.log(r.ok ? `functions rebuilt (${r.ms} ms)` : `functions build failed, still running the previous code:\n${r.errors.join('\n')}`),
  });
  progress(`functions built (${Date.now() - t0} ms)`);
  return bundles;
}

export type { SiteBuild };
