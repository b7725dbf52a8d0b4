import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';

describe('cafe-ops diagram (command)', () => {
  it('--check passes on the committed diagrams, and --json reports both diagrams', async () => {
    const check = await cli(['diagram', '--check', '--json']);
    expect(check.code).toBe(0);
    const result = JSON.parse(check.stdout) as { requestPath: { services: number; links: number }; files: { file: string; changed: boolean }[] };
    expect(result.files).toEqual([
      { file: 'docs/architecture.svg', changed: false },
      { file: 'docs/stack-graph.svg', changed: false },
      { file: 'docs/templates.md', changed: false },
    ]);
    expect(result.requestPath.services).toBeGreaterThan(10);
  }, 120_000);

  it('labels the regions of an environment, and --check fails on a file that differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-diagram-'));
    const out = join(dir, 'production.svg');
    const written = await cli(['diagram', '--env', 'production', '--out', out, '--stack-graph', join(dir, 'stacks.svg'), '--reference', join(dir, 'templates.md'), '--json']);
    expect(written.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/Primary region — [a-z]{2}-[a-z]+-\d/);
    const stale = await cli(['diagram', '--check', '--out', out, '--stack-graph', join(dir, 'stacks.svg'), '--reference', join(dir, 'templates.md')]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('out of date with the templates');
  }, 120_000);
});
