/**
 * Runs the functions in this process as Lambda would: a module loaded once per code generation,
 * its handler built by the module's composition root (`createHandler(deps)`) with the local
 * adapters, then invoked with an event and a Lambda context, under the function's timeout.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalFunction } from './app-model';

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

/** The handlers of one code generation, by function name. */
export type HandlerSet = Record<string, LambdaHandler>;

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
  /** Increases whenever the code is rebuilt. */
  generation: () => number;
  /** Loads the code of a generation and wires its handlers with the local adapters. */
  load: (generation: number) => Promise<HandlerSet>;
  region: string;
  account: string;
}): FunctionRuntime {
  const byName = new Map(options.functions.map((fn) => [fn.name, fn]));
  let loaded: { generation: number; handlers: Promise<HandlerSet> } | undefined;

  const handlers = (): Promise<HandlerSet> => {
    const generation = options.generation();
    if (loaded?.generation === generation) return loaded.handlers;
    const current = { generation, handlers: options.load(generation) };
    current.handlers.catch(() => {
      if (loaded === current) loaded = undefined;
    });
    loaded = current;
    return current.handlers;
  };

  return {
    names: () => [...byName.keys()],
    async invoke(name, event) {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no function "${name}" in the app template (known: ${[...byName.keys()].join(', ')})`);
      const handler = (await handlers())[name];
      if (!handler) throw new Error(`functions/${name} exports no createHandler`);
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

/**
 * Loads a built CommonJS module afresh, outside the require cache, so every code generation is
 * evaluated anew (and an earlier generation is collected once nothing uses it).
 */
export function freshRequire(file: string): unknown {
  const Module = require('node:module') as typeof import('node:module') & { _nodeModulePaths(dir: string): string[] };
  const module = new Module(file) as InstanceType<typeof Module> & { _compile(code: string, filename: string): void };
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  module._compile(readFileSync(file, 'utf8'), file);
  return module.exports;
}
