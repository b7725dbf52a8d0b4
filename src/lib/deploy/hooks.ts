/**
 * Work after a stack instance deploys, declared in the catalog's `after:` lists: invoke a function
 * (the database migrations after the app stack) and publish the storefront (after the edge stack).
 * Hooks run after every successful deploy of their stack, also when it had no changes, so a new
 * migration or a changed page is never left behind; both are idempotent.
 */
import type { Output } from '../ui/output';
import type { Role } from '../stacks/catalog';
import type { PlannedHook, PlannedParameter, PlannedStack } from './plan';

export interface InvokeResult {
  requestId?: string;
  /** Set when the function failed (FunctionError), with its error message. */
  error?: string;
  /** The function's JSON answer, when it returned one. */
  result?: unknown;
}

export interface SitePublishResult {
  uploaded: string[];
  unchanged: number;
  deleted: string[];
  /** The invalidation created for the changed paths; undefined when nothing changed. */
  invalidationId?: string;
}

export interface BlocklistSweepResult {
  /** false: some place could not be checked (the next `waf` command or deploy retries). */
  ok: boolean;
  detail: string;
}

/** What hooks need of AWS (src/lib/deploy/hooks-aws.ts implements it with the SDK). */
export interface HookPort {
  invoke(region: string, functionName: string, payload: Record<string, unknown>): Promise<InvokeResult>;
  publishSite(input: { region: string; bucket: string; distributionId: string; config: Record<string, string> }): Promise<SitePublishResult>;
  /** Reconciles the WAF blocklist of one place (edge, primary, secondary); absent: the hook is skipped with a warning. */
  sweepBlocklist?(place: Role): Promise<BlocklistSweepResult>;
}

export interface HookReport {
  hook: string;
  ok: boolean;
  detail: string;
  requestId?: string;
}

/** Runs a stack instance's hooks in order; the first failure stops the rest and is reported. */
export async function runHooks(
  node: PlannedStack,
  outputs: Record<string, string>,
  resolve: (parameters: PlannedParameter[]) => Promise<Record<string, string>>,
  port: HookPort,
  out: Output,
): Promise<HookReport[]> {
  const reports: HookReport[] = [];
  const label = `${node.stackName} (${node.region})`;
  const output = (name: string) => {
    const value = outputs[name];
    if (value === undefined) throw new Error(`${label} has no output ${name}`);
    return value;
  };
  for (const hook of node.after) {
    const name = hookName(hook);
    try {
      if (hook.kind === 'invoke') {
        const fn = output(hook.function);
        out.progress(`${label}: invoking ${fn}${hook.description ? ` (${hook.description})` : ''}`);
        const result = await port.invoke(node.region, fn, hook.payload);
        const requestId = result.requestId ? { requestId: result.requestId } : {};
        if (result.error) {
          reports.push({ hook: name, ok: false, detail: `${fn} failed: ${result.error}`, ...requestId });
          break;
        }
        reports.push({ hook: name, ok: true, detail: `${fn}: ${summarise(result.result)}`, ...requestId });
      } else if (hook.kind === 'blocklist') {
        // Housekeeping, not part of the stack: a place it cannot reach is a warning, and the next command retries.
        const result = port.sweepBlocklist ? await port.sweepBlocklist(hook.place) : { ok: false, detail: 'no blocklist sweep configured' };
        if (!result.ok) out.warn(`${label}: WAF blocklist not reconciled: ${result.detail}`);
        reports.push({ hook: name, ok: true, detail: result.ok ? result.detail : `not reconciled: ${result.detail}` });
      } else {
        const config = await resolve(hook.config);
        const bucket = output(hook.bucket);
        out.progress(`${label}: publishing the storefront to ${bucket}`);
        const result = await port.publishSite({ region: node.region, bucket, distributionId: output(hook.distribution), config });
        reports.push({
          hook: name,
          ok: true,
          detail:
            `${result.uploaded.length} uploaded, ${result.unchanged} unchanged, ${result.deleted.length} deleted` +
            (result.invalidationId ? `; CloudFront invalidation ${result.invalidationId}` : '; no invalidation needed'),
        });
      }
    } catch (error) {
      reports.push({ hook: name, ok: false, detail: (error as Error).message });
      break;
    }
  }
  return reports;
}

export function hookName(hook: PlannedHook): string {
  if (hook.kind === 'blocklist') return `reconcile the WAF blocklist (${hook.place})`;
  return hook.kind === 'invoke' ? `invoke ${hook.function}` : `publish the site to ${hook.bucket}`;
}

function summarise(result: unknown): string {
  if (result === undefined || result === null) return 'done';
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
