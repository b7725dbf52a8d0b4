/**
 * What a drill step is: one file in this folder exports one, and index.ts lists them in the order
 * they run. A step carries everything about itself: its id (as the journal records it), its title,
 * the line it adds to the plan, what it does, how --abort undoes it, and what a person can do when
 * the drill stops at it.
 */
import type { Engine, DrillSettings } from '../engine';
import type { Journal, StepRecord, TrafficSwitch } from '../journal';
import type { AwsCall, FailoverPorts } from '../ports';
import type { Mode } from '../preflight';
import type { RegionTopology, Topology } from '../topology';

/** What the engine hands a running step. */
export interface StepContext {
  record: StepRecord;
  /** Records the request id of an AWS call's answer, and returns the answer. */
  call<T extends AwsCall | undefined>(call: T): T;
  /** Something that did not go as planned but does not stop the drill. */
  deviate(text: string): void;
}

/** One call a step will make: the API (or HTTP method), where it goes (region, or host for HTTP), and its plane. */
export interface PlannedCall {
  call: string;
  where: string;
  plane: 'data' | 'control';
}

/** What the plan shown before confirmation knows: the real names, before anything runs. */
export interface PlanContext {
  topology: Topology;
  mode: Mode;
  trafficSwitch: TrafficSwitch;
  source: RegionTopology;
  target: RegionTopology;
  settings: DrillSettings;
}

/** What --abort hands a step it undoes. */
export interface UndoContext {
  journal: Journal;
  ports: FailoverPorts;
  /** The target already holds the database writer: traffic and writes stay with it. */
  switched: boolean;
  /** Records one thing the abort did (or could not do), for the person and the report. */
  done(action: string): void;
}

export interface FailoverStep<Id extends string = string> {
  /** As the journal records it: renaming one breaks --resume of journals already written. */
  id: Id;
  title: string;
  /** The step's line in the plan shown before confirmation. */
  describe(plan: PlanContext): string;
  /** Every call the step may make, with its region and plane, for the plan (a test holds the drill to it). */
  calls(plan: PlanContext): PlannedCall[];
  /** Does the step (idempotent: it looks before it acts) and says what it did. */
  run(engine: Engine, ctx: StepContext): Promise<string>;
  /** How --abort undoes the step once it has started; absent when it leaves nothing to undo. --abort undoes the started steps last first. */
  undo?(ctx: UndoContext): Promise<void>;
  /** What a person can do when the drill stops (fails or is interrupted) at this step. */
  advice(journal: Journal): string;
}
