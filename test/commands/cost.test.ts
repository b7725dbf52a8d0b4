import { cli } from '../support/cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('cafe-ops cost (commands)', () => {
  it('estimates the real catalog offline: the shares for people, every line with its formula under --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
    const usage = join(dir, 'usage.yml');
    writeFileSync(usage, 'ordersPerDay: 2000\nlunchPeakFactor: 5\n');
    const badUsage = join(dir, 'bad.yml');
    writeFileSync(badUsage, 'ordersPerDy: 2000\n');
    const [human, json, bad] = await Promise.all([
      cli(['cost', 'estimate', '--env', 'staging']),
      cli(['cost', 'estimate', '--env', 'production', '--json', '--usage', usage]),
      cli(['cost', 'estimate', '--env', 'production', '--usage', badUsage]),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Estimated monthly cost of staging: \$[\d,.]+ idle/);
    expect(human.stdout).toContain('secondary region (eu-central-1)');
    expect(human.stdout).toContain('NAT (0 gateways and their addresses)'); // staging: no NAT (cafe-ops.yml natGateways: 0)

    expect(json.code).toBe(0);
    const estimate = JSON.parse(json.stdout) as { profile: { ordersPerDay: number }; prices: { takenOn: string }; lines: { formula: string }[]; nat: { gateways: number } };
    expect(estimate.profile.ordersPerDay).toBe(2000);
    expect(estimate.prices.takenOn).toBe('2026-11-25');
    expect(estimate.nat.gateways).toBe(4);
    expect(estimate.lines.every((l) => l.formula.length > 0)).toBe(true);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Error: ${badUsage}: (top level): unknown key "ordersPerDy"`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);

  it('refuses an --out file it cannot write, in one line, before calling AWS', async () => {
    const result = await cli(['cost', 'report', '--env', 'production', '--out', 'chart.png']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('Error: --out chart.png: write a .svg or .html file');
  }, 60_000);
});
