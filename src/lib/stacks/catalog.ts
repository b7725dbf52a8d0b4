/**
 * The stack catalog (templates/stacks.yaml): which stacks make up the platform, where each runs,
 * and where each parameter's value comes from. The dependency graph is derived from the `output`
 * references here; there is no hand-written order anywhere.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors';

export const DEFAULT_CATALOG_FILE = 'templates/stacks.yaml';

/** Where a stack instance runs: the environment's primary or secondary region, or the global edge (us-east-1). */
export const ROLES = ['primary', 'secondary', 'edge'] as const;
export type Role = (typeof ROLES)[number];
export const EDGE_REGION = 'us-east-1';

/**
 * The stack whose `ArtifactsBucketName` output holds a region's artifacts (function bundles, files,
 * templates too large for TemplateBody): a stack instance that takes an `artifact` value needs it
 * deployed first in its own region, so that is an edge of the graph like an `output` reference.
 */
export const ARTIFACTS_STACK = 'bootstrap';
export const ARTIFACTS_BUCKET_OUTPUT = 'ArtifactsBucketName';

/** Values a parameter can take from the deploy context. */
export const CONTEXT_KEYS = [
  'environment', 'project', 'costCenter', 'accountId', 'role', 'region',
  'primaryRegion', 'secondaryRegion', 'domain', 'hostedZoneId', 'alertEmail', 'monthlyBudget', 'githubRepository',
  /** From cafe-ops.yml `existing:`: the account's GitHub OIDC provider ARN, or '' (the stack creates it). */
  'githubOidcProviderArn',
  /** From cafe-ops.yml `existing:`: `exists` when the account has AWS Config's service-linked role, else `create`. */
  'configServiceLinkedRole',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

const literal = z.union([z.string(), z.number(), z.boolean()]);
const role = z.enum(ROLES);

/** One parameter value source (see docs/catalog.md). */
const source = z.union([
  literal,
  z.object({ config: z.string().regex(/^sizes(\.[A-Za-z]+)+$/, 'config sources read environment sizes: sizes.<name>[.<field>]') }).strict(),
  z.object({ context: z.enum(CONTEXT_KEYS) }).strict(),
  z
    .object({
      /** `stack.OutputName` of another stack of the catalog. */
      output: z.string().regex(/^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9]*$/, 'must be stack.OutputName'),
      /** Which instance of that stack: the same role as the consumer (default) or a fixed one. */
      from: role.optional(),
    })
    .strict(),
  /** The S3 key of an artifact (a function bundle or a file) uploaded to the region's artifacts bucket. */
  z.object({ artifact: z.string().regex(/^[a-z][a-z0-9-]*$/) }).strict(),
]);
export type ParameterSource = z.infer<typeof source>;

/** A source, or one source per role: `{ primary: ..., secondary: ... }` (a role left out gets no value). */
const parameter = z.union([source, z.object({ primary: source.optional(), secondary: source.optional(), edge: source.optional() }).strict()]);
export type ParameterSpec = z.infer<typeof parameter>;

const outputName = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'must be an output name of this stack');

/** Work after a stack instance deploys (see docs/catalog.md). */
const hook = z.union([
  z
    .object({
      /** Invoke the function named by this stack's output, synchronously; a function error fails the stack. */
      invoke: z
        .object({
          function: outputName,
          description: z.string().optional(),
          /** Only in these roles (default: wherever the stack runs). */
          roles: z.array(role).min(1).optional(),
          payload: z.record(z.string(), z.unknown()).default({}),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      /** Build the storefront and publish it to this stack's bucket, then invalidate its distribution. */
      site: z
        .object({
          bucket: outputName,
          distribution: outputName,
          /** config.json for the site: each value a source, as for parameters. */
          config: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), source).default({}),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      /**
       * Reconcile the WAF IP blocklist of this stack's web ACL(s) with the records in the control table:
       * expired ranges removed, recorded ones an IPSet update reset put back (docs/waf.md). Housekeeping:
       * a place it cannot reach is a warning, not a failed stack.
       */
      blocklist: z.object({}).strict(),
    })
    .strict(),
]);
export type HookSpec = z.infer<typeof hook>;

const stack = z
  .object({
    template: z.string().min(1),
    description: z.string().optional(),
    regions: z.array(role).min(1),
    parameters: z.record(z.string().regex(/^[A-Za-z0-9]+$/), parameter).default({}),
    /** Stateful resource types whose replacement or removal needs explicit confirmation (in addition to the built-in list). */
    stateful: z.array(z.string()).optional(),
    /** Work after the stack deploys in a region: invoke a function (migrations), publish the site. */
    after: z.array(hook).default([]),
    /**
     * false: CloudFormation changes this stack with the caller's own credentials, never through the
     * environment's cloudFormationRole (the ci stack, which defines that role and whose roles it may not touch).
     */
    serviceRole: z.boolean().default(true),
  })
  .strict();
export type StackSpec = z.infer<typeof stack>;

const artifact = z.union([
  /** A Lambda function: bundled by esbuild from `entry`, zipped deterministically. */
  z.object({ bundle: z.string().min(1) }).strict(),
  /** A file uploaded as-is (an ASL definition, a site archive). */
  z.object({ file: z.string().min(1) }).strict(),
]);
export type ArtifactSpec = z.infer<typeof artifact>;

const catalogSchema = z
  .object({
    stacks: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'stack names are lower-case letters, digits and hyphens'), stack),
    artifacts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), artifact).default({}),
  })
  .strict();

export interface Catalog {
  /** Absolute path of the catalog file. */
  file: string;
  /** Directory the template and artifact paths are relative to. */
  root: string;
  stacks: Record<string, StackSpec>;
  artifacts: Record<string, ArtifactSpec>;
}

export async function loadCatalog(file = DEFAULT_CATALOG_FILE, cwd = process.cwd()): Promise<Catalog> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`stack catalog not found: ${file}`);
    throw error;
  }
  return parseCatalog(text, path, file);
}

export function parseCatalog(text: string, path: string, label = path): Catalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const error = doc.errors[0];
  if (error) throw new UserError(`${label}:${error.linePos?.[0].line ?? 1}: not valid YAML: ${error.message.split('\n')[0]}`);
  const result = catalogSchema.safeParse(doc.toJS());
  if (!result.success) {
    const { path: where, message } = specificIssue(result.error.issues[0]!);
    throw new UserError(`${label}: ${where.join('.') || '(top level)'}: ${message}`);
  }
  const catalog: Catalog = { file: path, root: dirname(path), ...result.data };
  checkReferences(catalog, label);
  return catalog;
}

/** For a value matching none of a union's shapes, the message of the shape it came closest to. */
function specificIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path: issue.path, message: issue.message };
  const candidates = issue.errors.flat().filter((i) => i.code !== 'invalid_type' && i.code !== 'unrecognized_keys');
  const best = candidates[0];
  if (!best) return { path: issue.path, message: 'is not a valid parameter source (a literal, or one of config, context, output, artifact)' };
  const inner = specificIssue(best);
  return { path: [...issue.path, ...inner.path], message: inner.message };
}

/** Every output reference names a stack of the catalog that runs where the reference points. */
function checkReferences(catalog: Catalog, label: string): void {
  for (const [name, spec] of Object.entries(catalog.stacks)) {
    for (const [param, value] of valueSources(spec)) {
      for (const consumerRole of spec.regions) {
        const src = sourceFor(value, consumerRole);
        if (!src) continue;
        const where = `${label}: stacks.${name}.${param}`;
        if (typeof src === 'object' && 'output' in src) {
          const [producer] = src.output.split('.') as [string];
          const producerSpec = catalog.stacks[producer];
          if (!producerSpec) throw new UserError(`${where}: unknown stack "${producer}" (known: ${Object.keys(catalog.stacks).join(', ')})`);
          const producerRole = src.from ?? consumerRole;
          if (!producerSpec.regions.includes(producerRole)) {
            throw new UserError(`${where}: stack "${producer}" does not run in the ${producerRole} region (it runs in: ${producerSpec.regions.join(', ')}); add from: <role>`);
          }
        }
        if (typeof src === 'object' && 'artifact' in src) {
          if (!catalog.artifacts[src.artifact]) throw new UserError(`${where}: unknown artifact "${src.artifact}"`);
          if (!catalog.stacks[ARTIFACTS_STACK]?.regions.includes(consumerRole)) {
            throw new UserError(`${where}: artifact "${src.artifact}" is uploaded to the ${ARTIFACTS_STACK} stack's bucket, but no ${ARTIFACTS_STACK} stack runs in the ${consumerRole} region`);
          }
        }
      }
    }
  }
}

/**
 * Every value a stack instance takes from elsewhere, keyed by where it is written: its parameters
 * (`parameters.Name`) and the config of its site hooks (`after.0.site.config.apiUrl`).
 */
export function valueSources(spec: StackSpec): [string, ParameterSpec][] {
  const hooks = spec.after.flatMap((hook, i) =>
    'site' in hook ? Object.entries(hook.site.config).map(([key, value]): [string, ParameterSpec] => [`after.${i}.site.config.${key}`, value]) : [],
  );
  return [...Object.entries(spec.parameters).map(([name, value]): [string, ParameterSpec] => [`parameters.${name}`, value]), ...hooks];
}

/** The source a parameter takes for one role, or undefined when that role gets no value. */
export function sourceFor(spec: ParameterSpec, role: Role): ParameterSource | undefined {
  if (typeof spec === 'object' && !('output' in spec) && !('config' in spec) && !('context' in spec) && !('artifact' in spec)) {
    return (spec as Partial<Record<Role, ParameterSource>>)[role];
  }
  return spec as ParameterSource;
}

/** The AWS region a role maps to for an environment. */
export function regionOf(role: Role, env: { primaryRegion: string; secondaryRegion: string }): string {
  return role === 'primary' ? env.primaryRegion : role === 'secondary' ? env.secondaryRegion : EDGE_REGION;
}

/** CloudFormation stack name of a catalog stack in an environment (the same name in every region). */
export function stackName(project: string, environment: string, stack: string): string {
  return `${project}-${environment}-${stack}`;
}
