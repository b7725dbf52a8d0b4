/** The narrow views of AWS the live audit needs; adapters in aws.ts, fakes in the tests. */

export interface ConfigRuleCompliance {
  name: string;
  /** COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA. */
  compliance: string;
}

export interface NonCompliantResource {
  rule: string;
  resourceType: string;
  resourceId: string;
  annotation?: string;
}

export interface ConformancePackCompliance {
  name: string;
  /** Rules of the pack that are NON_COMPLIANT. */
  nonCompliantRules: string[];
}

export interface ConfigRecorderStatus {
  name: string;
  recording: boolean;
  /** Success, Pending or Failure of the last recording attempt. */
  lastStatus?: string;
}

export interface ConfigPort {
  /** The configuration recorders of the region and whether they record. */
  recorders(): Promise<ConfigRecorderStatus[]>;
  /** Every Config rule of the region with its compliance (all pages). */
  ruleCompliance(): Promise<ConfigRuleCompliance[]>;
  /** The non-compliant resources of one rule, with the rule's annotation (all pages). */
  nonCompliantResources(rule: string): Promise<NonCompliantResource[]>;
  /** Conformance packs and their non-compliant rules (all pages). */
  conformancePacks(): Promise<ConformancePackCompliance[]>;
}

export interface DeployedStack {
  name: string;
  status: string;
}

export type DriftDetectionStatus = 'DETECTION_IN_PROGRESS' | 'DETECTION_COMPLETE' | 'DETECTION_FAILED';

export interface PropertyDrift {
  path: string;
  expected?: string;
  actual?: string;
  difference: string;
}

export interface ResourceDrift {
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  /** MODIFIED or DELETED. */
  status: string;
  properties: PropertyDrift[];
}

export interface StacksPort {
  /** Live stacks of the region (every status but DELETE_COMPLETE, all pages). */
  listStacks(): Promise<DeployedStack[]>;
  /** Starts drift detection; returns its id. */
  detectDrift(stack: string): Promise<string>;
  driftStatus(detectionId: string): Promise<{ status: DriftDetectionStatus; stackDriftStatus?: string; reason?: string }>;
  /** Resources that drifted (MODIFIED or DELETED), with their property differences (all pages). */
  resourceDrifts(stack: string): Promise<ResourceDrift[]>;
}

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  multiRegion: boolean;
}

export interface TrailsPort {
  trails(): Promise<Trail[]>;
  status(trailArn: string): Promise<{ isLogging: boolean; latestDeliveryError?: string }>;
}

export interface RegionPorts {
  config: ConfigPort;
  stacks: StacksPort;
  trails: TrailsPort;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
