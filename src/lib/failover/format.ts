/** Durations as the drill prints them, in the plan, the summary and the report. */
export const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
