/**
 * The drill's journal: written after every step (and at the start of each), so that after a crash
 * or Ctrl-C `--resume` continues from the last completed step and `--abort` knows what to undo.
 * Kept in .cafe-ops/failover/<env>.json (not committed), written atomically and fsynced; and, by
 * sharedJournalStore, in the environment's control table, so that --resume works from another
 * machine (an ephemeral CI runner loses its disk) and a second drill is refused by the lock.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors';
import type { Canary, DrillHolder, DrillStatePort, LagReading } from './ports';
import type { Mode, PreflightCheck } from './preflight';
import type { StepId } from './steps';
import type { Side, Topology } from './topology';

export interface StepRecord {
  id: StepId;
  status: 'running' | 'done' | 'failed';
  startedAt: number;
  endedAt?: number;
  requestIds: string[];
  /** What the step did, for people. */
  detail?: string;
  error?: string;
}

/** A row written to Aurora's drill_canary table through a region's health function. */
export interface AuroraCanaryRecord {
  id: string;
  seq: number;
  /** The region whose health function wrote it (through the global writer endpoint). */
  region: string;
  /** Drill clock, right before the write was asked for: comparable with the other times of the journal. */
  writtenAt: number;
  /** written_at on the database's clock, as the function reported it. */
  dbWrittenAt?: string;
  requestId?: string;
}

export interface Journal {
  version: 1;
  drillId: string;
  environment: string;
  mode: Mode;
  from: Side;
  to: Side;
  sourceRegion: string;
  targetRegion: string;
  state: 'running' | 'interrupted' | 'stopped' | 'completed' | 'aborted';
  /** Invocation of the drill (before preflight). */
  startedAt: number;
  preflightEndedAt: number;
  /** When the plan was confirmed: time spent at the prompt is not counted in the RTO. */
  confirmedAt: number;
  topology: Topology;
  preflight: PreflightCheck[];
  settings: { lagThresholdMs: number; ttlMs: number };
  steps: StepRecord[];
  canaries: (Canary & { requestId?: string })[];
  /** Lag read right before the database switch. */
  lagBeforeSwitch?: LagReading;
  /** The source region's health check as it was before the drill moved traffic (for --abort). */
  healthChecksBefore?: { id: string; inverted: boolean; disabled: boolean }[];
  writesPausedAt?: number;
  writesResumedAt?: number;
  /** First successful write in the new primary (end of the RTO). */
  firstWriteAt?: number;
  canaryCheck?: { present: number[]; missing: number[] };
  /** Canaries written to Aurora (absent from journals written before the drill had them). */
  auroraCanaries?: AuroraCanaryRecord[];
  /** Which Aurora canaries of the old primary the new primary's reader holds. */
  auroraCanaryCheck?: { present: number[]; missing: number[] };
  /** When the drill asked AWS for the database switch (drill clock). */
  switchRequestedAt?: number;
  deviations: string[];
  stop?: { step: StepId; reason: string; rollback: string };
  abort?: { at: number; actions: string[]; advice?: string };
  /** Times the drill was resumed. */
  resumedAt: number[];
  /** When this version of the journal was saved (the newer of the local and the shared copy wins). */
  savedAt?: number;
  /** Who runs the drill (user@host, pid), as the lock names them. */
  holder?: string;
  /** How traffic moves: the traffic item in the control table (data plane, default) or Route 53 UpdateHealthCheck. */
  trafficSwitch?: TrafficSwitch;
  /** The active region named by the traffic item before the drill moved it (for --abort). */
  activeRegionBefore?: string;
}

export type TrafficSwitch = 'data-plane' | 'health-check';

export interface JournalStore {
  load(environment: string): Promise<Journal | undefined>;
  save(journal: Journal): Promise<void>;
  /** Writes the drill report (Markdown, JSON, SVG timeline) next to the journal; returns the paths written. */
  writeReport(journal: Journal, markdown: string, json: unknown, svg: string): Promise<string[]>;
}

export const JOURNAL_DIR = '.cafe-ops/failover';

export function fileJournalStore(cwd = process.cwd()): JournalStore {
  const dir = resolve(cwd, JOURNAL_DIR);
  const pathOf = (environment: string) => join(dir, `${environment}.json`);
  // Written to a temporary file, fsynced, renamed over the old one, and the directory fsynced: after a
  // crash or power loss the journal is the old version or the new one, never a torn mix.
  const write = async (path: string, text: string) => {
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } catch {
      // Some file systems refuse fsync on a directory; the file itself is synced.
    } finally {
      await folder.close();
    }
  };
  return {
    load: async (environment) => {
      let text: string;
      try {
        text = await readFile(pathOf(environment), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        const journal = JSON.parse(text) as Journal;
        if (journal.version !== 1 || !Array.isArray(journal.steps)) throw new Error('unknown format');
        return journal;
      } catch (error) {
        throw new UserError(`${JOURNAL_DIR}/${environment}.json is not a readable drill journal (${(error as Error).message})`, 'move it aside to start a new drill');
      }
    },
    save: (journal) => write(pathOf(journal.environment), `${JSON.stringify(journal, null, 2)}\n`),
    writeReport: async (journal, markdown, json, svg) => {
      const name = `${journal.environment}-${journal.drillId}`;
      await write(join(dir, `${name}.md`), markdown);
      await write(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
      await write(join(dir, `${name}.svg`), svg);
      return ['md', 'json', 'svg'].map((ext) => `${JOURNAL_DIR}/${name}.${ext}`);
    },
  };
}

/** A drill already holds the environment: refused, naming who and since when. */
export class DrillLocked extends UserError {
  constructor(
    environment: string,
    readonly heldBy: DrillHolder,
    region: string,
  ) {
    super(
      `another failover drill of ${environment} is running: ${heldBy.drillId}, started by ${heldBy.holder} at ${new Date(heldBy.since).toISOString()} (lock in ${region})`,
      `wait for it, or continue it from here with \`cafe-ops failover --env ${environment} --resume\` (or --abort)`,
    );
  }
}

export interface SharedJournalOptions {
  local: JournalStore;
  drills: DrillStatePort;
  /** The control table (a global table, in both regions). */
  table: string;
  /** Regions the store may call, e.g. only the surviving one in an unplanned drill. */
  regions: string[];
  clock: { now(): number };
}

/**
 * The local store plus the environment's copy: every save goes to disk and to the control table in
 * the regions given; a load takes the newer of the two, so a drill started on one machine resumes
 * on another. lock/unlock take and release the drill's lock in the same regions.
 */
export function sharedJournalStore(options: SharedJournalOptions) {
  const { local, drills, table, clock } = options;
  let regions = options.regions;
  const remoteLoad = async (environment: string): Promise<Journal | undefined> => {
    // The first region that holds a journal answers; a region that does not answer does not block the other.
    try {
      return await Promise.any(
        regions.map(async (region) => {
          const body = await drills.getJournal(region, table, environment);
          if (!body) throw new Error(`no journal in ${region}`);
          return JSON.parse(body) as Journal;
        }),
      );
    } catch {
      return undefined;
    }
  };
  const store: JournalStore & {
    lock(journal: Journal, holder: string): Promise<void>;
    unlock(journal: Journal): Promise<void>;
    only(regions: string[]): void;
  } = {
    load: async (environment) => {
      const [mine, shared] = await Promise.all([local.load(environment), remoteLoad(environment)]);
      if (!mine || !shared) return mine ?? shared;
      return (shared.savedAt ?? 0) > (mine.savedAt ?? 0) ? shared : mine;
    },
    save: async (journal) => {
      journal.savedAt = clock.now();
      await local.save(journal);
      const body = JSON.stringify(journal);
      await Promise.all(regions.map((region) => drills.putJournal(region, table, journal.environment, { drillId: journal.drillId, body, at: journal.savedAt! })));
    },
    writeReport: (journal, markdown, json, svg) => local.writeReport(journal, markdown, json, svg),
    lock: async (journal, holder) => {
      const me = { drillId: journal.drillId, holder, since: clock.now() };
      const taken: string[] = [];
      for (const region of regions) {
        const answer = await drills.acquire(region, table, journal.environment, me);
        if (!answer.acquired) {
          await Promise.all(taken.map((r) => drills.release(r, table, journal.environment, journal.drillId)));
          throw new DrillLocked(journal.environment, answer.heldBy, region);
        }
        taken.push(region);
      }
      journal.holder = holder;
    },
    unlock: async (journal) => {
      await Promise.all(regions.map((region) => drills.release(region, table, journal.environment, journal.drillId)));
    },
    only: (next) => {
      regions = next;
    },
  };
  return store;
}

export type SharedJournalStore = ReturnType<typeof sharedJournalStore>;

export function isFinished(journal: Journal): boolean {
  return journal.state === 'completed' || journal.state === 'aborted';
}
