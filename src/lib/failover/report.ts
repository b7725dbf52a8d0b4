/**
 * The drill report, from the journal alone: scope, preflight, a timeline of steps with request ids,
 * measured RTO and RPO (and how each was measured), the lag before the switch, deviations. As JSON
 * (the --json contract), Markdown (with a Mermaid Gantt chart) and a timeline drawn in the terminal.
 */
import { seconds } from './format';
import type { Journal } from './journal';
import type { PreflightCheck } from './preflight';
import { STEPS } from './steps';

export interface TimelineEntry {
  step: string;
  title: string;
  status: 'done' | 'failed' | 'running' | 'not started';
  startedAt?: string;
  endedAt?: string;
  /** Milliseconds from the start of the drill. */
  offsetMs?: number;
  durationMs?: number;
  requestIds: string[];
  detail?: string;
  error?: string;
}

export interface DrillReport {
  drillId: string;
  environment: string;
  mode: Journal['mode'];
  from: { role: Journal['from']; region: string };
  to: { role: Journal['to']; region: string };
  state: Journal['state'];
  ok: boolean;
  globalClusterId?: string;
  startedAt: string;
  preflight: PreflightCheck[];
  timeline: TimelineEntry[];
  rto: {
    /** Drill start → first successful write in the new primary; undefined until that write. */
    ms?: number;
    detectionMs: number;
    recoveryMs?: number;
    /** Time at the confirmation prompt, left out of the RTO. */
    promptMs: number;
    method: string;
  };
  rpo: {
    /** The largest of the figures below. */
    ms?: number;
    /** true when that largest figure is a lower bound (no canary of its kind arrived). */
    lowerBound?: boolean;
    /** From the control-table canaries (DynamoDB): the last one written in the old primary → the newest that arrived. */
    canaryMs?: number;
    /** true when no control-table canary arrived: canaryMs is then a lower bound. */
    canaryLowerBound?: boolean;
    canaries: { written: number[]; arrived: number[]; missing: number[] };
    /** From the Aurora canaries (rows written through the health function): the newest that arrived → the switch. */
    auroraCanaryMs?: number;
    /** true when no Aurora canary arrived: auroraCanaryMs is then a lower bound. */
    auroraCanaryLowerBound?: boolean;
    auroraCanaries: { written: number[]; arrived: number[]; missing: number[] };
    /** Aurora's own measurement: 0 for a switchover, AuroraGlobalDBRPOLag before a failover. */
    auroraMs?: number;
    method: string;
  };
  lagBeforeSwitch?: { replicationLagMs?: number; rpoLagMs?: number };
  writesPausedMs?: number;
  deviations: string[];
  stop?: Journal['stop'];
  abort?: Journal['abort'];
  resumed: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function buildReport(journal: Journal): DrillReport {
  const timeline = STEPS.map(({ id, title }): TimelineEntry => {
    const s = journal.steps.find((step) => step.id === id);
    if (!s) return { step: id, title, status: 'not started', requestIds: [] };
    return {
      step: id,
      title,
      status: s.status,
      startedAt: iso(s.startedAt)!,
      ...(s.endedAt !== undefined ? { endedAt: iso(s.endedAt)!, durationMs: s.endedAt - s.startedAt } : {}),
      offsetMs: s.startedAt - journal.startedAt,
      requestIds: s.requestIds,
      ...(s.detail ? { detail: s.detail } : {}),
      ...(s.error ? { error: s.error } : {}),
    };
  });
  const detectionMs = journal.preflightEndedAt - journal.startedAt;
  const promptMs = journal.confirmedAt - journal.preflightEndedAt;
  const recoveryMs = journal.firstWriteAt !== undefined ? journal.firstWriteAt - journal.confirmedAt : undefined;

  const source = journal.canaries.filter((c) => c.region === journal.sourceRegion).sort((a, b) => a.seq - b.seq);
  const present = journal.canaryCheck?.present ?? [];
  const missing = journal.canaryCheck?.missing ?? [];
  let canaryMs: number | undefined;
  let canaryLowerBound = false;
  if (journal.canaryCheck && source.length) {
    const last = source[source.length - 1]!;
    const newest = [...source].reverse().find((c) => present.includes(c.seq));
    if (newest === last) canaryMs = 0;
    else if (newest) canaryMs = last.writtenAt - newest.writtenAt;
    else {
      canaryMs = last.writtenAt - source[0]!.writtenAt;
      canaryLowerBound = true;
    }
  }
  // Aurora canaries: writes after the newest canary that arrived, up to the switch, may be lost.
  const auroraSource = (journal.auroraCanaries ?? []).filter((c) => c.region === journal.sourceRegion).sort((a, b) => a.seq - b.seq);
  const auroraPresent = journal.auroraCanaryCheck?.present ?? [];
  const auroraMissing = journal.auroraCanaryCheck?.missing ?? [];
  let auroraCanaryMs: number | undefined;
  let auroraCanaryLowerBound = false;
  if (journal.auroraCanaryCheck && auroraSource.length) {
    const last = auroraSource[auroraSource.length - 1]!;
    const switchAt = Math.max(journal.switchRequestedAt ?? last.writtenAt, last.writtenAt);
    const newest = [...auroraSource].reverse().find((c) => auroraPresent.includes(c.seq));
    if (newest === last) auroraCanaryMs = 0;
    else if (newest) auroraCanaryMs = switchAt - newest.writtenAt;
    else {
      auroraCanaryMs = switchAt - auroraSource[0]!.writtenAt;
      auroraCanaryLowerBound = true;
    }
  }
  const auroraMs = journal.mode === 'planned' ? (journal.steps.some((s) => s.id === 'switch-database' && s.status === 'done') ? 0 : undefined) : (journal.lagBeforeSwitch?.rpoLagMs ?? journal.lagBeforeSwitch?.replicationLagMs);
  const figures = [canaryMs, auroraCanaryMs, auroraMs].filter((v): v is number => v !== undefined);
  const rpoMs = figures.length ? Math.max(...figures) : undefined;
  const lowerBound = rpoMs !== undefined && ((canaryLowerBound && canaryMs === rpoMs) || (auroraCanaryLowerBound && auroraCanaryMs === rpoMs));
  const ok = journal.state === 'completed';
  return {
    drillId: journal.drillId,
    environment: journal.environment,
    mode: journal.mode,
    from: { role: journal.from, region: journal.sourceRegion },
    to: { role: journal.to, region: journal.targetRegion },
    state: journal.state,
    ok,
    ...(journal.topology.globalClusterId ? { globalClusterId: journal.topology.globalClusterId } : {}),
    startedAt: iso(journal.startedAt)!,
    preflight: journal.preflight,
    timeline,
    rto: {
      ...(recoveryMs !== undefined ? { ms: detectionMs + recoveryMs, recoveryMs } : {}),
      detectionMs,
      promptMs,
      method:
        'Measured on the drill clock: detection = preflight (drill start → state established and plan ready); recovery = plan confirmed → ' +
        'the first writes in the new primary that succeeded and read back (canary 3 after writes resumed: a row in Aurora through the health function and the global writer endpoint, ' +
        'and an item in the control table). Time at the confirmation prompt is left out; ' +
        'time between a stop and --resume is included.',
    },
    rpo: {
      ...(rpoMs !== undefined ? { ms: rpoMs } : {}),
      ...(lowerBound ? { lowerBound } : {}),
      ...(canaryMs !== undefined ? { canaryMs } : {}),
      ...(canaryLowerBound ? { canaryLowerBound } : {}),
      canaries: { written: source.map((c) => c.seq), arrived: present, missing },
      ...(auroraCanaryMs !== undefined ? { auroraCanaryMs } : {}),
      ...(auroraCanaryLowerBound ? { auroraCanaryLowerBound } : {}),
      auroraCanaries: { written: auroraSource.map((c) => c.seq), arrived: auroraPresent, missing: auroraMissing },
      ...(auroraMs !== undefined ? { auroraMs } : {}),
      method:
        'Canaries 1 (at the start) and 2 (right before the database switch) are written in the old primary twice: as items of the control table (DynamoDB global table) ' +
        'and as rows of Aurora (drill_canary, through the health function and the global writer endpoint). After the switch the new primary looks for them ' +
        '(strongly consistent reads; its own Aurora reader). Control table: time between the last canary written and the newest one that arrived. ' +
        'Aurora: time between the newest canary that arrived and the switch request, since writes after it may be lost. Either is 0 when the last canary arrived, ' +
        'and a lower bound ("at least") when none did. Aurora\'s own figure: a switchover completes only once the secondary has caught up (0); for a failover, ' +
        'AuroraGlobalDBRPOLag read from CloudWatch right before FailoverGlobalCluster. The RPO is the largest of the three; times are on the drill clock.',
    },
    ...(journal.lagBeforeSwitch
      ? { lagBeforeSwitch: { ...(journal.lagBeforeSwitch.replicationLagMs !== undefined ? { replicationLagMs: journal.lagBeforeSwitch.replicationLagMs } : {}), ...(journal.lagBeforeSwitch.rpoLagMs !== undefined ? { rpoLagMs: journal.lagBeforeSwitch.rpoLagMs } : {}) } }
      : {}),
    ...(journal.writesPausedAt !== undefined && journal.writesResumedAt !== undefined ? { writesPausedMs: journal.writesResumedAt - journal.writesPausedAt } : {}),
    deviations: journal.deviations,
    ...(journal.stop ? { stop: journal.stop } : {}),
    ...(journal.abort ? { abort: journal.abort } : {}),
    resumed: journal.resumedAt.length,
  };
}


/** The timeline as bars in a terminal, one line per step. */
export function renderTimelineChart(report: DrillReport, width = 40): string[] {
  const steps = report.timeline.filter((t) => t.offsetMs !== undefined);
  const end = Math.max(1, ...steps.map((t) => t.offsetMs! + (t.durationMs ?? 0)));
  const label = Math.max(...report.timeline.map((t) => t.step.length));
  return steps.map((t) => {
    const start = Math.floor((t.offsetMs! / end) * width);
    const length = Math.max(1, Math.round(((t.durationMs ?? 0) / end) * width));
    const bar = ' '.repeat(start) + (t.status === 'failed' ? '✗' : '█').repeat(Math.min(length, width - start || 1));
    return `${t.step.padEnd(label)}  ${bar.padEnd(width)}  ${seconds(t.durationMs)}`;
  });
}

export function renderMarkdown(report: DrillReport): string {
  const lines: string[] = [];
  const row = (cells: (string | number | undefined)[]) => `| ${cells.map((c) => String(c ?? '').replace(/\|/g, '\\|')).join(' | ')} |`;
  lines.push(`# Failover drill ${report.drillId}: ${report.environment}, ${report.from.region} → ${report.to.region}`, '');
  lines.push(`- Mode: ${report.mode} (${report.mode === 'planned' ? 'Aurora switchover, writes paused' : 'Aurora failover allowing data loss'})`);
  lines.push(`- Result: **${report.state}**${report.stop ? ` at ${report.stop.step}: ${report.stop.reason}` : ''}`);
  lines.push(`- Started: ${report.startedAt}${report.resumed ? `, resumed ${report.resumed} time(s)` : ''}`);
  if (report.globalClusterId) lines.push(`- Global cluster: ${report.globalClusterId}`);
  lines.push('', '## Results', '');
  lines.push(row(['measure', 'value', 'how it was measured']), row(['---', '---', '---']));
  lines.push(row(['RTO', seconds(report.rto.ms), `detection ${seconds(report.rto.detectionMs)} + recovery ${seconds(report.rto.recoveryMs)} (prompt ${seconds(report.rto.promptMs)} not counted). ${report.rto.method}`]));
  const aurora = report.rpo.auroraCanaries;
  lines.push(
    row([
      'RPO',
      `${seconds(report.rpo.ms)}${report.rpo.lowerBound ? ' (at least)' : ''}`,
      `control-table canaries ${seconds(report.rpo.canaryMs)}${report.rpo.canaryLowerBound ? ' (at least)' : ''} (written ${report.rpo.canaries.written.join(', ') || 'none'}, arrived ${report.rpo.canaries.arrived.join(', ') || 'none'}); ` +
        `Aurora canaries ${seconds(report.rpo.auroraCanaryMs)}${report.rpo.auroraCanaryLowerBound ? ' (at least)' : ''} (written ${aurora.written.join(', ') || 'none'}, arrived ${aurora.arrived.join(', ') || 'none'}); ` +
        `Aurora's own figure ${seconds(report.rpo.auroraMs)}. ${report.rpo.method}`,
    ]),
  );
  if (report.lagBeforeSwitch) lines.push(row(['lag before the switch', `${seconds(report.lagBeforeSwitch.replicationLagMs)} replication, ${seconds(report.lagBeforeSwitch.rpoLagMs)} RPO lag`, 'CloudWatch AuroraGlobalDBReplicationLag / AuroraGlobalDBRPOLag, last minute, maximum']));
  if (report.writesPausedMs !== undefined) lines.push(row(['writes paused', seconds(report.writesPausedMs), 'maintenance flag set → cleared, both seen in the regions']));
  lines.push('', '## Preflight', '', row(['check', 'result', 'detail', 'time']), row(['---', '---', '---', '---']));
  for (const c of report.preflight) lines.push(row([c.title, c.status, c.detail, seconds(c.ms)]));
  lines.push('', '## Timeline', '', row(['step', 'status', 'start', 'duration', 'AWS request ids', 'detail']), row(['---', '---', '---', '---', '---', '---']));
  for (const t of report.timeline) lines.push(row([t.step, t.status, t.offsetMs === undefined ? '' : `+${seconds(t.offsetMs)}`, seconds(t.durationMs), t.requestIds.join(', '), t.error ?? t.detail]));
  const charted = report.timeline.filter((t) => t.offsetMs !== undefined);
  if (charted.length) lines.push('', `![timeline](${report.environment}-${report.drillId}.svg)`);
  if (charted.length) {
    lines.push('', '```mermaid', 'gantt', `  title Failover ${report.from.region} → ${report.to.region}`, '  dateFormat x', '  axisFormat %M:%S');
    const start = Date.parse(report.startedAt);
    for (const t of charted) lines.push(`  ${t.step} :${t.status === 'failed' ? 'crit, ' : ''}${start + t.offsetMs!}, ${start + t.offsetMs! + Math.max(1, t.durationMs ?? 1)}`);
    lines.push('```');
  }
  lines.push('', '## Deviations', '', ...(report.deviations.length ? report.deviations.map((d) => `- ${d}`) : ['None.']));
  if (report.stop) lines.push('', '## Stopped', '', `${report.stop.reason}`, '', report.stop.rollback);
  if (report.abort) lines.push('', '## Aborted', '', ...report.abort.actions.map((a) => `- ${a}`), ...(report.abort.advice ? ['', report.abort.advice] : []));
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The timeline as an SVG Gantt chart, with the end of the RTO marked, for people who would rather look. */
export function renderSvg(report: DrillReport): string {
  const steps = report.timeline;
  const end = Math.max(1, ...steps.map((t) => (t.offsetMs ?? 0) + (t.durationMs ?? 0)), (report.rto.ms ?? 0) + report.rto.promptMs);
  const left = 170;
  const width = 640;
  const row = 26;
  const top = 44;
  const height = top + steps.length * row + 40;
  const x = (ms: number) => left + (ms / end) * width;
  const tick = [5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000].find((t) => end / t <= 10) ?? 600_000;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(`Failover ${report.environment}: ${report.from.region} → ${report.to.region}`)}</title>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(`${report.mode} failover ${report.from.region} → ${report.to.region}: ${report.state}, RTO ${seconds(report.rto.ms)}, RPO ${seconds(report.rpo.ms)}`)}</text>`,
  ];
  for (let t = 0; t <= end; t += tick) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="${top - 6}" x2="${x(t).toFixed(1)}" y2="${height - 30}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${height - 14}" text-anchor="middle" fill="#555">${t / 1000} s</text>`);
  }
  steps.forEach((t, i) => {
    const y = top + i * row;
    parts.push(`<text x="10" y="${y + 16}">${escapeXml(t.step)}</text>`);
    if (t.offsetMs === undefined) return;
    const colour = t.status === 'failed' ? '#d1453b' : t.status === 'running' ? '#e0a526' : '#3b7dd8';
    const w = Math.max(2, x(t.offsetMs + (t.durationMs ?? 0)) - x(t.offsetMs));
    parts.push(`<rect x="${x(t.offsetMs).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 10}" fill="${colour}"><title>${escapeXml(`${t.title}: ${seconds(t.durationMs)}${t.error ? ` — ${t.error}` : ''}`)}</title></rect>`);
    parts.push(`<text x="${(x(t.offsetMs) + w + 4).toFixed(1)}" y="${y + 16}" fill="#333">${seconds(t.durationMs)}</text>`);
  });
  if (report.rto.ms !== undefined) {
    // The first write happened rto + prompt after the start (the prompt is not part of the RTO).
    const at = x(report.rto.ms + report.rto.promptMs);
    parts.push(`<line x1="${at.toFixed(1)}" y1="${top - 10}" x2="${at.toFixed(1)}" y2="${height - 30}" stroke="#2a9d4b" stroke-width="2" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${(at - 4).toFixed(1)}" y="${top - 12}" text-anchor="end" fill="#2a9d4b">first write in ${escapeXml(report.to.region)}</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
