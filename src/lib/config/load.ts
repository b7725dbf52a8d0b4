import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors';
import { configSchema, type CafeConfig, type EnvironmentConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'cafe-ops.yml';

export interface LoadedConfig {
  path: string;
  config: CafeConfig;
}

/** The chosen environment of a loaded config, with its name. */
export interface ResolvedEnvironment extends EnvironmentConfig {
  name: string;
  project: string;
  costCenter: string;
  githubRepository?: string;
}

/** Reads and validates cafe-ops.yml; every problem names the file, line and key. */
export async function loadConfig(path = DEFAULT_CONFIG_FILE, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`config file not found: ${path}`, 'pass --config PATH, or run from the directory that holds cafe-ops.yml');
    }
    throw error;
  }
  return { path: file, config: parseConfig(text, path) };
}

export function parseConfig(text: string, label = DEFAULT_CONFIG_FILE): CafeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${label}${line ? `:${line}` : ''}: not valid YAML: ${reason}`);
  }
  const value: unknown = doc.toJS();
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, value, doc.contents, lineCounter, label));
  throw new UserError(problems.length === 1 ? problems[0]! : `invalid config:\n  ${problems.join('\n  ')}`);
}

export function selectEnvironment(config: CafeConfig, name: string | undefined): ResolvedEnvironment {
  const names = Object.keys(config.environments);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) throw new UserError(`choose an environment with --env (one of: ${names.join(', ')})`);
  const env = config.environments[chosen];
  if (!env) throw new UserError(`unknown environment "${chosen}" (known: ${names.join(', ')})`);
  return {
    ...env,
    name: chosen,
    project: config.project,
    costCenter: config.costCenter,
    ...(config.githubRepository ? { githubRepository: config.githubRepository } : {}),
  };
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown, root: unknown, lines: LineCounter, label: string): string {
  const path = issue.path.map(String);
  const node = nodeAt(root, path);
  const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
  const key = path.length > 0 ? path.join('.') : '(top level)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && valueAt(value, path) === undefined) message = 'is required';
  return `${label}${line ? `:${line}` : ''}: ${key}: ${message}`;
}

/** The deepest YAML node along a key path (the parent when the key is missing). */
function nodeAt(root: unknown, path: string[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node)) next = node.get(Number(key), true);
    if (!next) return node;
    node = next as Node;
  }
  return node;
}

function valueAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
