import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileJournalStore, type Journal } from '../../../src/lib/failover/journal';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildReport, renderMarkdown, renderSvg, renderTimelineChart } from '../../../src/lib/failover/report';

function journal(overrides: Partial<Journal> = {}): Journal {
  const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
  return {
    version: 1,
    drillId: '20261125T090000-abc123',
    environment: 'production',
    mode: 'unplanned',
    from: 'primary',
    to: 'secondary',
    sourceRegion: 'eu-west-1',
    targetRegion: 'eu-central-1',
    state: 'completed',
    startedAt: t0,
    preflightEndedAt: t0 + 2_000,
    confirmedAt: t0 + 62_000,
    topology: { environment: 'production', tables: [], apiDomain: 'api.cafe.example.com', primary: { role: 'primary', region: 'eu-west-1' }, secondary: { role: 'secondary', region: 'eu-central-1' }, stacks: [], missingOutputs: [] },
    preflight: [],
    settings: { lagThresholdMs: 1_000, ttlMs: 60_000 },
    steps: [
      { id: 'canary', status: 'done', startedAt: t0 + 62_000, endedAt: t0 + 62_100, requestIds: ['r1'] },
      { id: 'switch-database', status: 'done', startedAt: t0 + 62_100, endedAt: t0 + 100_000, requestIds: ['r2', 'r3'] },
      { id: 'move-traffic', status: 'failed', startedAt: t0 + 100_000, endedAt: t0 + 101_000, requestIds: [], error: 'boom' },
    ],
    canaries: [
      { id: 'c1', drillId: 'd', seq: 1, region: 'eu-west-1', writtenAt: t0 + 62_050 },
      { id: 'c2', drillId: 'd', seq: 2, region: 'eu-west-1', writtenAt: t0 + 67_050 },
      { id: 'c3', drillId: 'd', seq: 3, region: 'eu-central-1', writtenAt: t0 + 162_000 },
    ],
    canaryCheck: { present: [1], missing: [2] },
    lagBeforeSwitch: { replicationLagMs: 1_900, rpoLagMs: 2_000 },
    firstWriteAt: t0 + 162_000,
    deviations: [],
    resumedAt: [],
    ...overrides,
  };
}

describe('failover report', () => {
  it('measures the RTO from the start to the first write in the new primary, leaving the prompt out', () => {
    const report = buildReport(journal());
    expect(report.rto).toMatchObject({ detectionMs: 2_000, promptMs: 60_000, recoveryMs: 100_000, ms: 102_000 });
    expect(buildReport(journal({ firstWriteAt: undefined as unknown as number })).rto.ms).toBeUndefined();
  });

  it('measures the RPO from the newest canary that arrived, and takes Aurora\u2019s figure when larger', () => {
    expect(buildReport(journal()).rpo).toMatchObject({ ms: 5_000, canaryMs: 5_000, auroraMs: 2_000, canaries: { written: [1, 2], arrived: [1], missing: [2] } });
    expect(buildReport(journal({ lagBeforeSwitch: { rpoLagMs: 9_000 } })).rpo.ms).toBe(9_000);
    expect(buildReport(journal({ canaryCheck: { present: [1, 2], missing: [] }, mode: 'planned' })).rpo).toMatchObject({ ms: 0, canaryMs: 0, auroraMs: 0 });
  });

  it('says "at least" when no canary arrived', () => {
    const report = buildReport(journal({ canaryCheck: { present: [], missing: [1, 2] }, lagBeforeSwitch: { rpoLagMs: 100 } }));
    expect(report.rpo).toMatchObject({ ms: 5_000, canaryMs: 5_000, canaryLowerBound: true });
    expect(renderMarkdown(report)).toMatch(/\| RPO \| 5\.0 s \(at least\) \|/);
  });

  describe('Aurora canaries', () => {
    const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
    const aurora = (present: number[], missing: number[], more: Partial<Journal> = {}) =>
      journal({
        auroraCanaries: [
          { id: 'canary#d#1', seq: 1, region: 'eu-west-1', writtenAt: t0 + 62_060, dbWrittenAt: '2026-11-25T09:01:02.061Z', requestId: 'l1' },
          { id: 'canary#d#2', seq: 2, region: 'eu-west-1', writtenAt: t0 + 67_060, dbWrittenAt: '2026-11-25T09:01:07.061Z', requestId: 'l2' },
          { id: 'canary#d#3', seq: 3, region: 'eu-central-1', writtenAt: t0 + 161_900, dbWrittenAt: '2026-11-25T09:02:41.901Z', requestId: 'l3' },
        ],
        auroraCanaryCheck: { present, missing },
        switchRequestedAt: t0 + 67_200,
        canaryCheck: { present: [1, 2], missing: [] },
        lagBeforeSwitch: { rpoLagMs: 100 },
        ...more,
      });

    it('0 when the last canary before the switch arrived', () => {
      expect(buildReport(aurora([1, 2], [])).rpo).toMatchObject({ ms: 100, canaryMs: 0, auroraCanaryMs: 0, auroraCanaries: { written: [1, 2], arrived: [1, 2], missing: [] } });
    });

    it('the time from the newest canary that arrived to the switch request, when a later one is missing', () => {
      const report = buildReport(aurora([1], [2]));
      expect(report.rpo).toMatchObject({ ms: 5_140, auroraCanaryMs: 5_140, auroraCanaries: { written: [1, 2], arrived: [1], missing: [2] } });
      expect(report.rpo.lowerBound).toBeUndefined();
      expect(renderMarkdown(report)).toMatch(/\| RPO \| 5\.1 s \| control-table canaries 0\.0 s .*; Aurora canaries 5\.1 s \(written 1, 2, arrived 1\); Aurora's own figure 0\.1 s\./);
    });

    it('"at least" the time from the first canary to the switch when none arrived', () => {
      const report = buildReport(aurora([], [1, 2]));
      expect(report.rpo).toMatchObject({ ms: 5_140, lowerBound: true, auroraCanaryMs: 5_140, auroraCanaryLowerBound: true });
      expect(renderMarkdown(report)).toMatch(/\| RPO \| 5\.1 s \(at least\) \|/);
      // A larger figure that is not a bound is not "at least".
      expect(buildReport(aurora([], [1, 2], { lagBeforeSwitch: { rpoLagMs: 9_000 } })).rpo).toMatchObject({ ms: 9_000, auroraCanaryLowerBound: true });
      expect(buildReport(aurora([], [1, 2], { lagBeforeSwitch: { rpoLagMs: 9_000 } })).rpo.lowerBound).toBeUndefined();
    });

    it('without the switch time (a journal saved before it), measures to the last canary written', () => {
      expect(buildReport(aurora([1], [2], { switchRequestedAt: undefined as unknown as number })).rpo.auroraCanaryMs).toBe(5_000);
    });

    it('nothing to say before the new primary looked, or for a journal without Aurora canaries', () => {
      expect(buildReport(aurora([], [], { auroraCanaryCheck: undefined as unknown as Journal['auroraCanaryCheck'] })).rpo.auroraCanaryMs).toBeUndefined();
      expect(buildReport(journal()).rpo).toMatchObject({ auroraCanaries: { written: [], arrived: [], missing: [] } });
      expect(buildReport(journal()).rpo.auroraCanaryMs).toBeUndefined();
    });
  });

  it('draws the timeline: bars where steps ran, ✗ for the failed one, nothing for steps not started', () => {
    const report = buildReport(journal());
    expect(report.timeline.map((t) => t.status)).toEqual(['done', 'not started', 'not started', 'done', 'failed', 'not started', 'not started', 'not started', 'not started']);
    const chart = renderTimelineChart(report, 20);
    expect(chart).toHaveLength(3);
    expect(chart[1]).toMatch(/^switch-database\s+█+\s+37\.9 s$/);
    expect(chart[2]).toContain('✗');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('  move-traffic :crit, ');
    expect(markdown).toContain('| switch-database | done | +62.1 s | 37.9 s | r2, r3 |');
  });
});

describe('failover timeline SVG', () => {
  it('is well-formed, draws one bar per step that ran (red when failed) and marks the first write in the new region', () => {
    const report = buildReport(journal({ environment: 'prod<&>' }));
    const svg = renderSvg(report);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, htmlEntities: true }).parse(svg) as { svg: { rect: { '@_fill': string; '@_x': string }[]; line: { '@_stroke': string; '@_x1': string }[]; title: string } };
    expect(doc.svg.rect.map((r) => r['@_fill'])).toEqual(['#3b7dd8', '#3b7dd8', '#d1453b']);
    const marker = doc.svg.line.find((l) => l['@_stroke'] === '#2a9d4b')!;
    // The first write is at 162 s, the right end of the 640 px axis starting at 170 px.
    expect(Number(marker['@_x1'])).toBeCloseTo(170 + 640, 0);
    expect(doc.svg.title).toBe('Failover prod<&>: eu-west-1 → eu-central-1');
    expect(renderMarkdown(report)).toContain('![timeline](prod<&>-20261125T090000-abc123.svg)');
  });
});

describe('failover journal on disk', () => {
  it('saves atomically with owner-only permissions, loads it back, and writes the report next to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-journal-'));
    const store = fileJournalStore(dir);
    expect(await store.load('production')).toBeUndefined();
    await store.save(journal());
    const file = join(dir, '.cafe-ops/failover/production.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await store.load('production'))!.drillId).toBe('20261125T090000-abc123');
    const files = await store.writeReport(journal(), '# report\n', { ok: true }, '<svg/>\n');
    expect(files).toEqual(['md', 'json', 'svg'].map((ext) => `.cafe-ops/failover/production-20261125T090000-abc123.${ext}`));
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe('# report\n');
  });

  it('refuses an unreadable journal with one line and a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-journal-'));
    mkdirSync(join(dir, '.cafe-ops/failover'), { recursive: true });
    writeFileSync(join(dir, '.cafe-ops/failover/staging.json'), '{"half":');
    await expect(fileJournalStore(dir).load('staging')).rejects.toMatchObject({ name: 'UserError', message: expect.stringMatching(/^\.cafe-ops\/failover\/staging\.json is not a readable drill journal/), hint: 'move it aside to start a new drill' });
  });
});
