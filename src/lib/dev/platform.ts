/**
 * `cafe-ops dev`: the whole café on this machine, wired from the same templates and functions that
 * deploy ships. Starts DynamoDB (dynalite), PostgreSQL (PGlite, or DATABASE_URL), the payment
 * sandbox, the order-lifecycle state machine, the functions (rebuilt and reloaded on change), the
 * local token issuer and the API + storefront on one port; `stop()` ends it all and keeps the data.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { loadCatalog } from '../stacks/catalog';
import { loadTemplate } from '../templates/load';
import { buildAppModel, type AppModel } from './app-model';
import { createApiListener } from './api-server';
import { buildBundles, type BundleSet } from './bundles';
import { ensureTables, localDynamoClient, startDynalite } from './dynamodb';
import { localParameterValues } from './local-values';
import { createRuntime, freshRequire, type FunctionRuntime, type HandlerSet, type LambdaHandler } from './runtime';
import { buildSite, type SiteBuild } from '../site/build';
import { localSiteConfig } from '../site/config';
import { LocalStepFunctions } from './step-functions';
import { LocalTokenIssuer } from './tokens';
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
    const pgliteP = options.databaseUrl ? undefined : openEmbeddedPostgres(join(dataDir, 'pg'), await initdbCacheFile(options.root));
    pgliteP?.catch(() => undefined);
    const bundlesP = buildFunctionBundles(options, model, dataDir, progress);
    const siteP = buildSite({ root: resolve(options.root, 'site'), outdir: resolve(options.root, 'site', 'dist'), watch: options.watch, onRebuild: (r) => options.log(r.ok ? `site rebuilt (${r.ms} ms)` : `site build failed:\n${r.errors.join('\n')}`) });
    const dynamoP = options.dynamodbEndpoint
      ? Promise.resolve({ endpoint: options.dynamodbEndpoint, stop: async () => undefined })
      : startDynalite(join(dataDir, 'dynamodb'));
    const issuerP = LocalTokenIssuer.fromKeyFile(join(dataDir, 'token.key'));

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
      : { kind: 'embedded', db: first.pgliteDatabase(await pgliteP!) };
    stops.push(() => db.db.close());
    progress(`PostgreSQL ${db.kind === 'embedded' ? 'embedded (PGlite)' : 'server'} open (${since()})`);

    const sandbox: PaymentSandbox = await first.startPaymentSandbox({});
    sandbox.mode = options.payments ?? 'approve';
    // The sandbox keeps its authorisations in memory: carry them over restarts, as a real provider would.
    const paymentsFile = join(dataDir, 'payment-sandbox.json');
    for (const [id, auth] of JSON.parse(await readFile(paymentsFile, 'utf8').catch(() => '[]')) as [string, unknown][]) sandbox.authorisations.set(id, auth);
    stops.push(async () => {
      await sandbox.close();
      await writeFile(paymentsFile, JSON.stringify([...sandbox.authorisations]));
    });

    // The state machine invokes functions and the functions start executions: the runtime is bound below.
    const functions: { runtime?: FunctionRuntime } = {};
    const definition = model.stateMachine ? await readFile(model.stateMachine.definitionFile, 'utf8') : undefined;
    const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:cafe-local-order-lifecycle`;
    const stateMachine = new LocalStepFunctions({
      definition: definition ?? '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
      substitutions: model.stateMachine?.substitutions ?? {},
      invoke: (fn, payload) => functions.runtime!.invoke(fn, payload),
      stateMachineArn,
      stateDir: join(dataDir, 'executions'),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      log: options.log,
    });
    stops.push(async () => {
      await stateMachine.stop();
      await stateMachine.flush();
    });

    const tables = tableNames(model);
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
          const deps = wireDeps({ bundle, fn: fn.name, db: db.db, dynamodb, tables, executions: stateMachine, sandbox, region: LOCAL_REGION, log: options.log });
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

    const resumed = await stateMachine.resume();
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
 * PGlite in the data folder. A new folder starts from a copy of an empty, initialised cluster kept
 * in `cacheDir` (made by the first initdb on this machine), which takes a fraction of initdb's time.
 */
export async function openEmbeddedPostgres(dir: string, cache: string): Promise<unknown> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (existsSync(join(dir, 'PG_VERSION'))) return PGlite.create(dir);
  const snapshot = await readFile(cache).catch(() => undefined);
  if (snapshot) return PGlite.create(dir, { loadDataDir: new Blob([snapshot]) });
  const db = await PGlite.create(dir);
  try {
    const dump = await db.dumpDataDir('gzip');
    await mkdir(dirname(cache), { recursive: true });
    const partial = `${cache}.${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, cache);
  } catch {
    // The cache only saves time; without it the next new folder runs initdb again.
  }
  return db;
}

/** Where the initialised-cluster snapshot of the installed PGlite version is kept. */
async function initdbCacheFile(root: string): Promise<string> {
  const modules = resolve(root, 'node_modules');
  const pkg = await readFile(join(modules, '@electric-sql', 'pglite', 'package.json'), 'utf8').catch(() => '{}');
  const version = (JSON.parse(pkg) as { version?: string }).version ?? 'unknown';
  return join(modules, '.cache', 'cafe-ops', `pglite-${version}-initdb.tar.gz`);
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
  lines.push(`export { pgliteDatabase } from ${JSON.stringify(join(shared, 'pglite'))};`);
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
