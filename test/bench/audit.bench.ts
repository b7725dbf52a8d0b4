/** Static compliance audit of the whole catalog, next to the real cfn-lint over the same templates, in one run. */
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { loadCatalog } from '../../src/lib/stacks/catalog';
import { loadTemplate } from '../../src/lib/templates/load';
import { auditCatalog, auditTemplates } from '../../src/lib/compliance/static';
import { loadRules } from '../../src/lib/compliance/registry';
import { findTool, TOOLS } from '../support/tools';
import type { Benchmark } from './run';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const bench: Benchmark = {
  title: 'Compliance audit (static)',
  async run() {
    const catalog = await loadCatalog('templates/stacks.yaml');
    const files = [...new Set(Object.values(catalog.stacks).map((s) => relative(process.cwd(), resolve(catalog.root, s.template))))];
    const rules = loadRules();
    const cold = await time(() => auditCatalog(catalog, { cfnLint: false }));
    const runs = 15;
    const full: number[] = [];
    for (let i = 0; i < runs; i++) full.push(await time(() => auditCatalog(catalog, { cfnLint: false })));
    const templates = new Map(await Promise.all(Object.entries(catalog.stacks).map(async ([name, s]) => [name, await loadTemplate(relative(process.cwd(), resolve(catalog.root, s.template)))] as const)));
    const rulesOnly: number[] = [];
    for (let i = 0; i < runs; i++) rulesOnly.push(await time(() => auditTemplates(catalog, templates, { rules })));
    const findings = auditTemplates(catalog, templates, { rules }).findings.length;
    if (findings === 0) throw new Error('the audit found nothing at all: the measurement is broken');

    const cfnLint = findTool(TOOLS.cfnLint.command);
    const lintRuns: number[] = [];
    if (cfnLint) {
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
    }
    const lint = lintRuns.length ? median(lintRuns) : undefined;
    const audit = median(full);
    return [
      `The ${files.length} templates of the catalog (${[...new Set(templates.values())].reduce((n, t) => n + Object.keys(t.template.Resources).length, 0)} resources) against ${rules.length} rules; median of ${runs} runs in one process, cfn-lint median of ${lintRuns.length} runs.`,
      '',
      '| what | time |',
      '|---|---|',
      `| static audit, first run (loads the rule files) | ${cold.toFixed(0)} ms |`,
      `| static audit: read + parse templates + all rules | ${audit.toFixed(1)} ms |`,
      `| all rules over already parsed templates | ${median(rulesOnly).toFixed(1)} ms |`,
      `| real cfn-lint over the same templates | ${lint !== undefined ? `${lint.toFixed(0)} ms` : 'not installed'} |`,
      '',
      lint !== undefined ? `The static audit takes ${((audit / lint) * 100).toFixed(1)} % of cfn-lint's time (${(lint / audit).toFixed(0)}× faster). Goal: well under a second.` : 'Goal: well under a second.',
    ].join('\n');
  },
};
export default bench;
