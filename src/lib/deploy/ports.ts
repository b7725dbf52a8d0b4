/** Narrow interfaces the deploy engine works through; src/lib/deploy/aws.ts implements them with the SDK. */
import { systemClock, type Clock } from '../clock';

export interface StackInfo {
  name: string;
  /** The unique stack id (ARN): the only way to describe a stack once it is deleted. */
  id?: string;
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
}

export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic' | string;
  logicalId: string;
  type: string;
  /** 'True' | 'False' | 'Conditional' for Modify. */
  replacement?: string;
}

export interface ChangeSetInfo {
  status: string;
  statusReason?: string;
  changes: ResourceChange[];
}

export interface StackEvent {
  id: string;
  timestamp: number;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  type: 'CREATE' | 'UPDATE';
  templateBody?: string;
  templateUrl?: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  /** Service role CloudFormation assumes for the stack's resources. */
  roleArn?: string;
}

/** What CreateChangeSet answers: the stack's unique id (a new one for a CREATE). */
export interface CreatedChangeSet {
  stackId?: string;
}

/**
 * Stack arguments take a name or a unique stack id. A deleted stack is found only by its id
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html).
 */
export interface CloudFormationPort {
  /** Undefined when no such stack exists (by name, a deleted stack does not). */
  describeStack(nameOrId: string): Promise<StackInfo | undefined>;
  /** A CREATE change set deletes the new stack if its creation fails (OnStackFailure=DELETE). */
  createChangeSet(input: CreateChangeSetInput): Promise<CreatedChangeSet>;
  describeChangeSet(stackName: string, changeSetName: string): Promise<ChangeSetInfo>;
  deleteChangeSet(stackName: string, changeSetName: string): Promise<void>;
  executeChangeSet(stackName: string, changeSetName: string): Promise<void>;
  /** Events newest first (as CloudFormation returns them), at least back to `since`. */
  stackEvents(nameOrId: string, since: number): Promise<StackEvent[]>;
  deleteStack(name: string): Promise<void>;
  continueUpdateRollback(name: string): Promise<void>;
  setStackPolicy(name: string, policy: string): Promise<void>;
  enableTerminationProtection(name: string): Promise<void>;
}

export { systemClock, type Clock };

/** Uploads artifacts to a region's artifacts bucket; returns the S3 key (content-addressed). */
export interface ArtifactPort {
  publish(artifact: string, region: string, bucket: string): Promise<string>;
  /** Uploads a template too large for TemplateBody; returns its URL. */
  publishTemplate?(body: string, region: string, bucket: string): Promise<string>;
}
