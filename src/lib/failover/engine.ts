/**
 * The drill's runner: the steps of steps/index.ts, in order, from the first one not yet done in the
 * journal. It knows no step: each is timed, records the AWS request ids of its calls, and the journal
 * is saved when it starts and when it ends; a step that fails or is interrupted stops the drill
 * with that step's advice.
 *
 * Safety lives in the steps and their order: traffic moves only after the database reports the
 * target as the only writer; a step that times out stops the drill with the way back; writes stay
 * paused until the new region is verified.
 */
import { requestIdOf } from '../aws/errors';
import { errorMessage } from '../errors';
import type { Output } from '../ui/output';
import type { Journal, JournalStore, StepRecord, TrafficSwitch } from './journal';
import type { FailoverPorts } from './ports';
import { STEPS, stepOf, type StepContext, type StepId } from './steps';
import { Interrupted } from './wait';

export interface DrillSettings {
  lagThresholdMs: number;
  /** Time resolvers may keep the old answer after Route 53 flips (the record TTL). */
  ttlMs: number;
  switchTimeoutMs: number;
  trafficTimeoutMs: number;
  verifyTimeoutMs: number;
  flagTimeoutMs: number;
  /** How long the write in the new primary may keep failing with a retryable error (a writer still settling), and its read-back lag. */
  canaryTimeoutMs: number;
  httpTimeoutMs: number;
  /** After the pause, how long a request that passed the check may still write; default: the app stack's WriteDrainSeconds. */
  drainMs?: number;
  /** data-plane: the traffic item in the control table (default); health-check: Route 53 UpdateHealthCheck (us-east-1 control plane). */
  trafficSwitch?: TrafficSwitch;
  /** Polling starts fast and backs off to maxMs. */
  poll: { initialMs: number; maxMs: number };
}

export const DEFAULT_SETTINGS: DrillSettings = {
  lagThresholdMs: 1_000,
  ttlMs: 60_000,
  switchTimeoutMs: 15 * 60_000,
  trafficTimeoutMs: 5 * 60_000,
  verifyTimeoutMs: 5 * 60_000,
  flagTimeoutMs: 60_000,
  canaryTimeoutMs: 60_000,
  httpTimeoutMs: 5_000,
  poll: { initialMs: 250, maxMs: 2_000 },
};

/** The running drill, as the steps see it. */
export interface Engine {
  journal: Journal;
  ports: FailoverPorts;
  store: JournalStore;
  out: Output;
  settings: DrillSettings;
  signal?: AbortSignal;
}

const elapsed = (j: Journal, at: number) => `+${((at - j.startedAt) / 1000).toFixed(1)} s`;

/** Runs every step not yet done; returns the journal as it ends (completed, stopped or interrupted). */
export async function runSteps(engine: Engine): Promise<Journal> {
  const { journal, ports, store, out } = engine;
  journal.state = 'running';
  for (const step of STEPS) {
    const { id } = step;
    const previous = journal.steps.find((s) => s.id === id);
    if (previous?.status === 'done') continue;
    if (engine.signal?.aborted) return interrupt(engine, id);
    const record: StepRecord = { id, status: 'running', startedAt: ports.clock.now(), requestIds: [] };
    journal.steps = [...journal.steps.filter((s) => s.id !== id), record];
    await store.save(journal);
    out.progress(`${elapsed(journal, record.startedAt)}  ${id}: ${step.title}${previous ? ' (again, after a stop)' : ''}`);
    const ctx: StepContext = {
      record,
      call: (call) => {
        if (call?.requestId) record.requestIds.push(call.requestId);
        return call;
      },
      deviate: (text) => {
        journal.deviations.push(`${id}: ${text}`);
        out.warn(text);
      },
    };
    try {
      record.detail = await step.run(engine, ctx);
    } catch (error) {
      if (error instanceof Interrupted) return interrupt(engine, id);
      const failedRequest = requestIdOf(error);
      if (failedRequest) record.requestIds.push(failedRequest);
      record.status = 'failed';
      record.endedAt = ports.clock.now();
      record.error = errorMessage(error);
      journal.state = 'stopped';
      journal.stop = { step: id, reason: record.error, rollback: step.advice(journal) };
      await store.save(journal);
      out.warn(`${id} failed: ${record.error}`);
      return journal;
    }
    record.status = 'done';
    record.endedAt = ports.clock.now();
    await store.save(journal);
    const requests = record.requestIds.length ? ` [requests ${record.requestIds.join(' ')}]` : '';
    out.progress(`${elapsed(journal, record.endedAt)}  ${id}: ${record.detail} (${((record.endedAt - record.startedAt) / 1000).toFixed(1)} s)${requests}`);
  }
  journal.state = 'completed';
  delete journal.stop;
  await store.save(journal);
  return journal;
}

async function interrupt(engine: Engine, id: StepId): Promise<Journal> {
  engine.journal.state = 'interrupted';
  engine.journal.stop = { step: id, reason: 'interrupted', rollback: stepOf(id).advice(engine.journal) };
  await engine.store.save(engine.journal);
  return engine.journal;
}
