/** What the deploy engine takes and gives: options, ports, and the per-stack report. */
import type { Output } from '../ui/output';
import type { HookPort, HookReport } from './hooks';
import type { ArtifactPort, CloudFormationPort, Clock, ResourceChange } from './ports';

export type NodeResult = 'created' | 'updated' | 'no changes' | 'change set kept' | 'declined' | 'failed' | 'skipped';

export interface NodeReport {
  id: string;
  stackName: string;
  region: string;
  result: NodeResult;
  durationMs: number;
  changes: ResourceChange[];
  /** For a failure: the first failed resource and its reason. */
  rootCause?: { logicalId: string; type: string; reason: string } | undefined;
  error?: string;
  /** The catalog's `after:` work, when the stack has any. */
  hooks?: HookReport[];
  /** The change set kept for review (--no-execute), or executed from a review (--execute). */
  changeSet?: KeptChangeSet;
  /**
   * For "no changes": how it was found. `comparison`: template, parameters, tags, role and stack policy
   * equal what is deployed, so no change set was created; `change set`: CloudFormation found none.
   */
  detectedBy?: 'comparison' | 'change set';
}

/** What a review pins for one stack instance: the change set and the stack as it was when reviewed. */
export interface KeptChangeSet {
  type: 'CREATE' | 'UPDATE';
  name: string;
  /** The change set's ARN. */
  id?: string;
  stackId?: string;
  /** sha256 of the template body sent (src/lib/templates/serialize.ts). */
  templateSha256: string;
  parameters: Record<string, string>;
  /** The stack's status and LastUpdatedTime when the change set was created; executing it later needs them unchanged. */
  stackStatus: string;
  lastUpdatedTime?: string;
  /** Create-time values (Metadata cafe-ops.on-create-parameters): the next deploy applies the regular ones. */
  thenUpdatedTo?: Record<string, string>;
}

export interface DeployReport {
  environment: string;
  ok: boolean;
  stacks: NodeReport[];
  /** Stacks still changing in AWS when the run was interrupted. */
  stillInProgress: string[];
}

export interface DeployOptions {
  yes?: boolean;
  allowReplacement?: boolean;
  noExecute?: boolean;
  /** Create a change set even for a stack instance whose inputs equal what is deployed. */
  force?: boolean;
  concurrency?: number;
  tags: Record<string, string>;
  /** Service role CloudFormation assumes (cafe-ops.yml cloudFormationRole). */
  roleArn?: string;
  /** Extra stateful types from the catalog. */
  statefulTypes?: Iterable<string>;
  /** Polling: first delay and cap, in ms. */
  pollMs?: { first: number; max: number };
  /** Reads a template; defaults to the file system. */
  readTemplate?: (path: string) => Promise<string>;
  /** Set by Ctrl-C: stop waiting and report. */
  signal?: AbortSignal;
}

export interface DeployDeps {
  cloudFormation(region: string): CloudFormationPort;
  artifacts?: ArtifactPort;
  /** Runs the catalog's `after:` hooks; without it, stacks that have hooks fail. */
  hooks?: HookPort;
  clock: Clock;
  out: Output;
  /** Structured progress of one stack instance (by node id), for a live view; the line log goes to `out`. */
  onStackEvent?(id: string, event: StackProgress): void;
}

/** Where a stack instance is: its phase, a short status, and the resource CloudFormation last reported. */
export interface StackProgress {
  phase: 'started' | 'recover' | 'change set' | 'review' | 'execute' | 'hooks' | 'done';
  /** A CloudFormation stack status while executing, else a word or two ("creating change set"), or the result when done. */
  status: string;
  /** The latest resource event, e.g. `Queue CREATE_IN_PROGRESS`. */
  resource?: string;
}

/** Results after which a stack counts as deployed (or, under --no-execute, planned). */
export function isSuccess(result: NodeResult): boolean {
  return result === 'created' || result === 'updated' || result === 'no changes' || result === 'change set kept';
}
