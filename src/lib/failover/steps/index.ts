/**
 * The drill's steps, in the order they run. Unlike the compliance rules, which are independent and
 * loaded from their folder in file-name order, the order here is the drill's safety argument, so it
 * is written out rather than derived: the canaries before the pause, the pause before the database
 * switch (no write is lost in between), the switch before DNS moves (never traffic to a region
 * without the writer), a headless target's instance before the pause (the pause does not wait for it), verify before writes resume (writes only into a region proven end to end),
 * and the last canary after the resume (the RTO ends with a real write). Adding a step is one file
 * and its place in this list; the journal records steps by id, so an id never changes.
 */
import addInstance from './add-instance';
import canary from './canary';
import checkCanary from './check-canary';
import moveTraffic from './move-traffic';
import pauseWrites from './pause-writes';
import resumeWrites from './resume-writes';
import type { FailoverStep } from './step';
import switchDatabase from './switch-database';
import verify from './verify';
import waitTtl from './wait-ttl';

export const STEPS = [canary, addInstance, pauseWrites, switchDatabase, moveTraffic, waitTtl, verify, resumeWrites, checkCanary] as const;

export type StepId = (typeof STEPS)[number]['id'];

export const STEP_IDS: readonly StepId[] = STEPS.map((s) => s.id);

/** The step of an id the journal recorded. */
export function stepOf(id: StepId): FailoverStep<StepId> {
  return STEPS.find((s) => s.id === id)!;
}

export type { FailoverStep, PlanContext, StepContext, UndoContext } from './step';
