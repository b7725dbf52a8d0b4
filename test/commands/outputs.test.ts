import { cli } from '../support/cli';

describe('cafe-ops outputs (command)', () => {
  it('answers input mistakes with one line before any AWS call, and has examples', async () => {
    const [unknownStack, unknownEnv, help] = await Promise.all([
      cli(['outputs', '--env', 'staging', '--stack', 'databse']),
      cli(['outputs', '--env', 'prod', '--json']),
      cli(['outputs', '--help']),
    ]);
    expect([unknownStack.code, unknownStack.stderr]).toEqual([2, expect.stringContaining('unknown stack "databse"')]);
    expect(JSON.parse(unknownEnv.stdout).error.message).toMatch(/unknown environment "prod" \(known: staging, production\)/);
    expect(help.stdout).toContain('EXAMPLES');
    expect(help.stdout).toContain('outputs --env staging');
  }, 60_000);
});
