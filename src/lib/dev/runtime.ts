/**
 * Runs the functions in this process as Lambda would: a module loaded once per code generation,
 * its handler built by the module's composition root (`createHandler(deps)`) with the local
 * adapters, then invoked with an event and a Lambda context, under the function's timeout.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { LocalFunction } from './app-model';
import type { BundleSet } from './bundles';

export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** What a function module exports: a ready handler and, ideally, its composition root. */
export interface FunctionModule {
  handler?: LambdaHandler;
  createHandler?: (deps: never) => LambdaHandler;
}

/** Builds the handler of one function from its module (wiring the local adapters). */
export type HandlerFactory = (fn: LocalFunction, module: FunctionModule) => LambdaHandler | Promise<LambdaHandler>;

export class FunctionTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

export interface FunctionRuntime {
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Names of the functions. */
  names(): string[];
}

export function localFunctionArn(name: string, region: string, account: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

export function createRuntime(options: {
  functions: LocalFunction[];
  bundles: Pick<BundleSet, 'file' | 'generation'>;
  factory: HandlerFactory;
  region: string;
  account: string;
  /** Loads a built module; defaults to a fresh require of the file. */
  load?: (file: string) => FunctionModule;
}): FunctionRuntime {
  const byName = new Map(options.functions.map((fn) => [fn.name, fn]));
  const loaded = new Map<string, { generation: number; handler: Promise<LambdaHandler> }>();
  const load = options.load ?? freshRequire;

  const handlerOf = (fn: LocalFunction): Promise<LambdaHandler> => {
    const generation = options.bundles.generation();
    const current = loaded.get(fn.name);
    if (current && current.generation === generation) return current.handler;
    const handler = (async () => options.factory(fn, load(options.bundles.file(fn.name))))();
    loaded.set(fn.name, { generation, handler });
    handler.catch(() => loaded.delete(fn.name));
    return handler;
  };

  return {
    names: () => [...byName.keys()],
    async invoke(name, event) {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no function "${name}" in the app template (known: ${[...byName.keys()].join(', ')})`);
      const handler = await handlerOf(fn);
      const deadline = Date.now() + fn.timeoutSeconds * 1000;
      const context: LambdaContext = {
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: localFunctionArn(name, options.region, options.account),
        memoryLimitInMB: '256',
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'local',
        callbackWaitsForEmptyEventLoop: false,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FunctionTimeoutError(`${name} timed out after ${fn.timeoutSeconds} s`)), fn.timeoutSeconds * 1000);
      });
      try {
        return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function freshRequire(file: string): FunctionModule {
  const req = createRequire(file);
  const resolved = req.resolve(file);
  delete req.cache[resolved];
  return req(resolved) as FunctionModule;
}
