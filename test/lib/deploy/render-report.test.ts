import { renderReport } from '../../../src/lib/deploy/service';
import type { DeployReport } from '../../../src/lib/deploy/engine';
import { createMemoryOutput } from '../../support/memory-output';

describe('renderReport', () => {
  it('names each stack that did not start and what held it back, not a blanket "they need stacks that did not finish"', () => {
    const stack = (id: string, result: DeployReport['stacks'][number]['result'], error?: string) => ({
      id, stackName: `cafe-staging-${id.split('@')[0]}`, region: 'eu-west-1', result, durationMs: 0, changes: [], ...(error ? { error } : {}),
    });
    const report: DeployReport = {
      environment: 'staging',
      ok: false,
      stillInProgress: [],
      stacks: [
        { ...stack('base@primary', 'failed'), rootCause: { logicalId: 'Topic', type: 'AWS::SNS::Topic', reason: 'already exists' } },
        stack('base@secondary', 'skipped', 'not started: cafe-staging-base (eu-west-1) failed first; no new stack starts after a failure'),
        stack('db@primary', 'skipped', 'not started: needs base@primary, which failed'),
      ],
    };
    const memory = createMemoryOutput();
    renderReport(report, memory.output);
    const warnings = memory.lines.filter((l) => l.kind === 'warn').map((l) => l.text);
    expect(warnings).toEqual([
      'cafe-staging-base (eu-west-1) failed at Topic (AWS::SNS::Topic): already exists',
      '2 stack instances not started:',
      '  cafe-staging-base (eu-west-1): cafe-staging-base (eu-west-1) failed first; no new stack starts after a failure',
      '  cafe-staging-db (eu-west-1): needs base@primary, which failed',
    ]);
    expect(memory.text()).not.toMatch(/interrupted|they need stacks that did not finish/);
    // Every failed or skipped row carries its reason in the table itself.
    const table = memory.lines.find((l) => l.kind === 'table')!.text.split('\n');
    expect(table[0]).toMatch(/reason$/);
    expect(table[2]).toMatch(/failed .* Topic: already exists$/);
    expect(table[4]).toMatch(/skipped .* needs base@primary, which failed$/);
  });
});
