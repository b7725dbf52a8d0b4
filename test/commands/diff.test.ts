import { cli } from '../support/cli';

describe('cafe-ops diff (command)', () => {
  it('answers input mistakes with one line before any AWS call, and has examples', async () => {
    const [unknownStack, unknownEnv, help] = await Promise.all([
      cli(['diff', '--env', 'staging', '--stack', 'databse']),
      cli(['diff', '--env', 'prod', '--json']),
      cli(['diff', '--help']),
    ]);
    expect([unknownStack.code, unknownStack.stderr]).toEqual([2, expect.stringContaining('unknown stack "databse"')]);
    expect(JSON.parse(unknownEnv.stdout).error.message).toMatch(/unknown environment "prod" \(known: staging, production\)/);
    expect(help.stdout).toContain('EXAMPLES');
    expect(help.stdout).toContain('diff --env staging');
  }, 60_000);
});
