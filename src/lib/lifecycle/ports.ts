/**
 * The narrow CloudFormation interface of the lifecycle commands (diff, status, outputs, destroy);
 * src/lib/lifecycle/aws.ts implements it with the SDK, tests with an in-memory fake.
 */
import type { Clock } from '../clock';
import type { Output } from '../ui/output';

export interface DeployedStack {
  name: string;
  /** The unique stack id (ARN): a deleted stack answers only to it. */
  id: string;
  status: string;
  statusReason?: string;
  /** ISO time of the last update (the creation time for a stack never updated). */
  lastUpdated?: string;
  /**
   * The last known drift status, from DescribeStacks' DriftInformation (NOT_CHECKED until a
   * detection ran): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackDriftInformation.html
   */
  drift: { status: string; lastChecked?: string };
  terminationProtection: boolean;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  outputs: Record<string, string>;
}

export interface ChangeSetSummary {
  name: string;
  status: string;
  /** AVAILABLE: it can be executed (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ChangeSetSummary.html). */
  executionStatus: string;
  created?: string;
}

export interface DriftDetection {
  status: 'DETECTION_IN_PROGRESS' | 'DETECTION_COMPLETE' | 'DETECTION_FAILED' | string;
  driftStatus?: string;
  reason?: string;
}

export interface LifecycleEvent {
  timestamp: number;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
}

export interface LifecyclePort {
  /** Undefined when no such stack exists (by name, a deleted stack does not). */
  describeStack(nameOrId: string): Promise<DeployedStack | undefined>;
  /** The template as it was sent (TemplateStage Original). */
  getTemplate(name: string): Promise<string>;
  /** The stack policy body, undefined when the stack has none. */
  getStackPolicy(name: string): Promise<string | undefined>;
  listChangeSets(name: string): Promise<ChangeSetSummary[]>;
  /** Starts a drift detection; returns its id. */
  detectDrift(name: string): Promise<string>;
  driftDetectionStatus(detectionId: string): Promise<DriftDetection>;
  disableTerminationProtection(name: string): Promise<void>;
  deleteStack(nameOrId: string): Promise<void>;
  /** Events newest first. */
  stackEvents(nameOrId: string): Promise<LifecycleEvent[]>;
}

export interface LifecycleDeps {
  cloudFormation(region: string): LifecyclePort;
  clock: Clock;
  out: Output;
}
