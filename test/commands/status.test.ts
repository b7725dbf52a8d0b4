import { cli } from '../support/cli';

describe('cafe-ops status (command)', () => {
  it('answers input mistakes with one line before any AWS call, and has examples', async () => {
    const [unknownStack, unknownEnv, help] = await Promise.all([
      cli(['status', '--env', 'staging', '--stack', 'databse']),
      cli(['status', '--env', 'prod', '--json']),
      cli(['status', '--help']),
    ]);
    expect([unknownStack.code, unknownStack.stderr]).toEqual([2, expect.stringContaining('unknown stack "databse"')]);
    expect(JSON.parse(unknownEnv.stdout).error.message).toMatch(/unknown environment "prod" \(known: staging, production\)/);
    expect(help.stdout).toContain('EXAMPLES');
    expect(help.stdout).toContain('status --env staging');
  }, 60_000);
});
