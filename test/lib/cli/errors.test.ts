import { Flags, Parser } from '@oclif/core';
import { parseFailure } from '../../../src/lib/cli/errors';
import { cli } from '../../support/cli';

/** What oclif's own parser raises for these argv, as the base command receives it. */
async function failure(argv: string[]): Promise<unknown> {
  const flags = {
    concurrency: Flags.integer({ min: 1, max: 32 }),
    env: Flags.string(),
    format: Flags.string({ options: ['table', 'json'] }),
  };
  return Parser.parse(argv, { flags, strict: true }).then(
    () => {
      throw new Error(`${argv.join(' ')} parsed`);
    },
    (error: unknown) => error,
  );
}

describe('usage errors from the parser', () => {
  it('turns every mistake oclif finds in argv into one line with a code, exit 2', async () => {
    const cases: [string[], { code: string; message: string }][] = [
      [['--concurrency', 'x'], { code: 'INVALID_FLAG_VALUE', message: '--concurrency: Expected an integer but received: x' }],
      [['--concurrency', '99'], { code: 'INVALID_FLAG_VALUE', message: '--concurrency: Expected an integer less than or equal to 32 but received: 99' }],
      [['--env'], { code: 'MISSING_FLAG_VALUE', message: 'Flag --env expects a value' }],
      [['--format'], { code: 'MISSING_FLAG_VALUE', message: 'Flag --format expects one of these values: table, json' }],
      [['--format', 'xml'], { code: 'INVALID_FLAG_VALUE', message: 'Expected --format=xml to be one of: table, json' }],
      [['--bogus'], { code: 'UNKNOWN_FLAG', message: 'Nonexistent flag: --bogus' }],
      [['extra'], { code: 'UNEXPECTED_ARGUMENT', message: 'Unexpected argument: extra' }],
    ];
    for (const [argv, expected] of cases) {
      const error = parseFailure(await failure(argv));
      expect([argv, { code: error?.code, message: error?.message, exitCode: error?.exitCode }]).toEqual([argv, { ...expected, exitCode: 2 }]);
    }
  });

  it('leaves an error that is not oclif\'s alone (a bug keeps its stack trace)', () => {
    expect(parseFailure(new TypeError('x is not a function'))).toBeUndefined();
  });

  it('answers a bad value, a flag without a value, a stray argument and a missing command with one small JSON document, exit 2', async () => {
    const [topicHelp, ...results] = await Promise.all([
      cli(['waf']),
      cli(['deploy', '--env', 'staging', '--concurrency', 'x', '--json']),
      cli(['status', '--env', '--json']),
      cli(['lint', 'extra', '--json']),
      cli(['waf', '--json']),
      cli(['--json']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    for (const r of results) expect(r.stdout.length).toBeLessThan(1024);
    expect(results.map((r) => (JSON.parse(r.stdout) as { error: { code: string } }).error.code)).toEqual(['INVALID_FLAG_VALUE', 'MISSING_FLAG_VALUE', 'UNEXPECTED_ARGUMENT', 'MISSING_COMMAND', 'MISSING_COMMAND']);
    expect(JSON.parse(results[3]!.stdout)).toEqual({ error: { code: 'MISSING_COMMAND', message: '"waf" needs a command', hint: expect.stringContaining('`cafe-ops waf block`, `cafe-ops waf list`, `cafe-ops waf unblock`') } });
    // Without --json a topic shows its help, as oclif does.
    expect(topicHelp.code).toBe(0);
    expect(topicHelp.stdout).toContain('waf block');
  }, 120_000);
});
