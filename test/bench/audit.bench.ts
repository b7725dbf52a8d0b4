/**
 * Static compliance audit of the whole catalog with the real cfn-lint: cold (empty cfn-lint cache,
 * cfn-lint runs while the rules run) against warm (unchanged templates, results from the cache), in
 * one run; plus the rules alone, cfn-lint alone, and the built CLI end to end over unchanged templates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { loadCatalog } from '../../src/lib/stacks/catalog';
import { loadTemplate } from '../../src/lib/templates/load';
import { auditCatalog, auditTemplates } from '../../src/lib/compliance/static';
import { loadRules } from '../../src/lib/compliance/registry';
import { findTool, TOOLS } from '../support/tools';
import type { Benchmark } from './run';
import { median } from './stats';

const root = join(__dirname, '../..');


async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const ms = (value: number | undefined) => (value === undefined ? 'cfn-lint not installed' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);

const bench: Benchmark = {
  title: 'Compliance audit (static)',
  async run() {
    const catalog = await loadCatalog('templates/stacks.yaml');
    const files = [...new Set(Object.values(catalog.stacks).map((s) => relative(process.cwd(), resolve(catalog.root, s.template))))];
    const rules = loadRules();
    const runs = 15;
    const firstRun = await time(() => auditCatalog(catalog, { cfnLint: false }));
    const noLint: number[] = [];
    for (let i = 0; i < runs; i++) noLint.push(await time(() => auditCatalog(catalog, { cfnLint: false })));
    const templates = new Map(await Promise.all(Object.entries(catalog.stacks).map(async ([name, s]) => [name, await loadTemplate(relative(process.cwd(), resolve(catalog.root, s.template)))] as const)));
    const rulesOnly: number[] = [];
    for (let i = 0; i < runs; i++) rulesOnly.push(await time(() => auditTemplates(catalog, templates, { rules })));
    const findings = auditTemplates(catalog, templates, { rules }).findings.length;
    if (findings === 0) throw new Error('the audit found nothing at all: the measurement is broken');

    const cfnLint = findTool(TOOLS.cfnLint.command);
    let lint: number | undefined;
    let cold: number | undefined;
    let warm: number | undefined;
    let cli: number | undefined;
    let coldRuns = 0;
    if (cfnLint) {
      // The tool's own time over the same files, with the arguments the audit uses.
      const lintRuns: number[] = [];
      for (let i = 0; i < 3; i++) {
        lintRuns.push(
          await time(() => {
            try {
              execFileSync(cfnLint, ['--format', 'json', ...files], { stdio: 'ignore' });
            } catch {
              // cfn-lint exits non-zero when it has findings; the time is what matters here.
            }
          }),
        );
      }
      lint = median(lintRuns);
      const cache = mkdtempSync(join(tmpdir(), 'cafe-bench-cfn-lint-'));
      const options = { cfnLintCommand: cfnLint, cfnLintCache: cache };
      const colds: number[] = [];
      for (let i = 0; i < 3; i++) {
        rmSync(cache, { recursive: true, force: true });
        let result: Awaited<ReturnType<typeof auditCatalog>> | undefined;
        colds.push(await time(async () => (result = await auditCatalog(catalog, options))));
        if (result?.cfnLintFiles?.linted !== files.length) throw new Error('the cold run did not lint every template: the measurement is broken');
      }
      coldRuns = colds.length;
      cold = median(colds);
      const warms: number[] = [];
      for (let i = 0; i < runs; i++) {
        let result: Awaited<ReturnType<typeof auditCatalog>> | undefined;
        warms.push(await time(async () => (result = await auditCatalog(catalog, options))));
        if (result?.cfnLintFiles?.cached !== files.length) throw new Error('the warm run linted again: the measurement is broken');
      }
      warm = median(warms);
      rmSync(cache, { recursive: true, force: true });

      // The built CLI, as a user runs it over unchanged templates (the project's cache, warmed once).
      const bin = join(root, 'bin/run.js');
      if (!existsSync(join(root, 'dist/commands'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
      const env = { ...process.env, PATH: `${dirname(cfnLint)}:${process.env.PATH ?? ''}` };
      const runCli = () => spawnSync(process.execPath, [bin, 'audit', 'compliance', '--json'], { cwd: root, env, stdio: 'ignore' });
      runCli();
      const clis: number[] = [];
      for (let i = 0; i < 5; i++) clis.push(await time(runCli));
      cli = median(clis);
    }
    const resources = [...new Set(templates.values())].reduce((n, t) => n + Object.keys(t.template.Resources).length, 0);
    return [
      `The ${files.length} templates of the catalog (${resources} resources) against ${rules.length} rules and the real cfn-lint; medians of ${runs} runs in one process (cold: ${coldRuns} runs, each with an empty cfn-lint cache; CLI: 5 runs).`,
      '',
      '| what | time |',
      '|---|---|',
      `| cold: rules + cfn-lint over every template (empty cache), cfn-lint running while the rules run | ${ms(cold)} |`,
      `| warm: rules + cfn-lint results from the cache (unchanged templates) | ${ms(warm)} |`,
      `| real cfn-lint alone over the same templates | ${ms(lint)} |`,
      `| static audit without cfn-lint: read + parse templates + all rules + suppressions | ${ms(median(noLint))} |`,
      `| the same, first run in the process (loads the rule files) | ${ms(firstRun)} |`,
      `| all rules over already parsed templates | ${ms(median(rulesOnly))} |`,
      `| \`cafe-ops audit compliance --json\` end to end over unchanged templates (node start-up included) | ${ms(cli)} |`,
      '',
      cold !== undefined && warm !== undefined && lint !== undefined
        ? [
            `Warm is ${((warm / cold) * 100).toFixed(1)} % of cold (${(cold / warm).toFixed(0)}× faster) and ${((warm / median(noLint)) * 100).toFixed(0)} % of the audit without cfn-lint;`,
            `cold is ${((cold / lint) * 100).toFixed(0)} % of cfn-lint's own time (the rules run while cfn-lint does).`,
            `Goal: warm ≤ 0.5 s — ${warm <= 500 ? 'met' : 'not met'} in this run (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores while it ran).`,
          ].join(' ')
        : 'Goal: warm ≤ 0.5 s.',
    ].join('\n');
  },
};
export default bench;
