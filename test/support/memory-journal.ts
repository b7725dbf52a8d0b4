import type { Journal, JournalStore } from '../../src/lib/failover/journal';

/** A journal store in memory for the drill tests; keeps every saved version. */
export function memoryJournalStore() {
  const saved: Journal[] = [];
  const reports: { markdown: string; json: unknown; svg: string }[] = [];
  const latest = new Map<string, Journal>();
  const store: JournalStore = {
    load: async (environment) => {
      const j = latest.get(environment);
      return j ? (structuredClone(j) as Journal) : undefined;
    },
    save: async (journal) => {
      const copy = structuredClone(journal) as Journal;
      saved.push(copy);
      latest.set(journal.environment, copy);
    },
    writeReport: async (journal, markdown, json, svg) => {
      reports.push({ markdown, json, svg });
      return [`memory:${journal.drillId}.md`];
    },
  };
  return {
    store,
    saved,
    reports,
    /** Replaces the current journal, e.g. with an earlier version to simulate a crash at that point. */
    put: (journal: Journal) => latest.set(journal.environment, structuredClone(journal) as Journal),
  };
}
