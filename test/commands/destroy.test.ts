import { cli } from '../support/cli';

describe('cafe-ops destroy (command)', () => {
  it('refuses production, --region and a mismatched --confirm-env before any AWS call; nothing deleted', async () => {
    const cases: [string[], RegExp][] = [
      [['destroy', '--env', 'production', '--yes', '--confirm-env', 'production'], /refusing to destroy production: nothing deleted/],
      [['destroy', '--env', 'staging', '--region', 'eu-west-1'], /^Error: Nonexistent flag: --region\n {2}hint: `cafe-ops destroy` does not take --region/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect([args.join(' '), result.code, result.stderr]).toEqual([args.join(' '), 2, expect.stringMatching(message)]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const json = await cli(['destroy', '--env', 'production', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'USAGE', message: 'refusing to destroy production: nothing deleted', hint: expect.stringContaining('--allow-production') } });
  }, 60_000);

  it('has examples and the confirmation flags in its help', async () => {
    const help = await cli(['destroy', '--help']);
    expect(help.stdout).toContain('--confirm-env');
    expect(help.stdout).toContain('--disable-termination-protection');
    expect(help.stdout).toContain('--allow-production');
    expect(help.stdout).toContain('destroy --env staging --yes --confirm-env staging');
  }, 60_000);
});
