/** Narrow interfaces the deploy engine works through; src/lib/deploy/aws.ts implements them with the SDK. */
import { systemClock, type Clock } from '../clock';

export interface StackInfo {
  name: string;
  /** The unique stack id (ARN): the only way to describe a stack once it is deleted. */
  id?: string;
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
  /** What the stack was last deployed with (DescribeStacks Parameters, Tags, RoleARN): compared to skip a no-op. */
  parameters?: Record<string, string>;
  /** Names of NoEcho parameters: DescribeStacks masks their values, so they cannot be compared. */
  maskedParameters?: string[];
  tags?: Record<string, string>;
  roleArn?: string;
  /** ISO time of the last update (absent for a stack never updated); with the status, what a review pins. */
  lastUpdatedTime?: string;
  terminationProtection?: boolean;
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
  /**
   * AVAILABLE when it can be executed; UNAVAILABLE while being created, OBSOLETE once the stack was
   * updated another way, EXECUTE_* once run
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ChangeSetSummary.html).
   */
  executionStatus?: string;
  /** The change set's ARN. */
  changeSetId?: string;
  stackId?: string;
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
  /** The change set's ARN (CreateChangeSet's Id). */
  changeSetId?: string;
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
  /**
   * DeleteStack. Also removes a stack that never existed, left REVIEW_IN_PROGRESS by a CREATE change set
   * that was not executed (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
   */
  deleteStack(name: string): Promise<void>;
  /**
   * The template as submitted (GetTemplate TemplateStage=Original: "the user-submitted template";
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html).
   */
  getTemplate(nameOrId: string): Promise<string | undefined>;
  /** The stack policy, undefined when it has none (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetStackPolicy.html). */
  getStackPolicy(name: string): Promise<string | undefined>;
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
