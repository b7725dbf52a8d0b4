import { cli } from '../support/cli';

describe('cafe-ops waf (commands)', () => {
  it('answers bad input with one line and exit 2 before any AWS call', async () => {
    const cases: [string[], RegExp][] = [
      [['waf', 'block', '10.1.2.3', '--env', 'staging', '--reason', 'x'], /^Error: 10\.1\.2\.3: is in 10\.0\.0\.0\/8, private \(RFC 1918\); it is not a public client address$/m],
      [['waf', 'block', '45.12.3.4/33', '--env', 'staging', '--reason', 'x'], /45\.12\.3\.4\/33: the prefix length must be 0 to 32/],
      [['waf', 'block', '8.0.0.0/7', '--env', 'staging', '--reason', 'x'], /wider than a \/8 .* pass --force/],
      [['waf', 'block', '45.12.3.4', '--env', 'staging', '--reason', 'x', '--for', '2w'], /--for 2w: expected a number and a unit m, h or d/],
      [['waf', 'block', '45.12.3.4', '--env', 'staging'], /Missing required flag reason/],
      [['waf', 'block', '45.12.3.4', '--env', 'staging', '--reason', 'x', '--region', 'eu-west-1'], /^Error: Nonexistent flag: --region\n {2}hint: `cafe-ops waf block` does not take --region/],
      [['waf', 'unblock', 'not-an-ip', '--env', 'staging'], /not-an-ip: not an IPv4 or IPv6 address or CIDR range/],
      [['waf', 'list', '--env', 'prod'], /unknown environment "prod"/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, i) => {
      expect({ args: cases[i]![0], code: result.code }).toEqual({ args: cases[i]![0], code: 2 });
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    });
  }, 120_000);

  it('--json turns bad input into one JSON error document', async () => {
    const result = await cli(['waf', 'block', '192.168.1.1', '2001:db8::1', '--env', 'staging', '--reason', 'x', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: '192.168.1.1: is in 192.168.0.0/16, private (RFC 1918); it is not a public client address; 2001:db8::1: is in 2001:db8::/32, documentation (RFC 3849); it is not a public client address',
        hint: 'nothing was changed',
      },
    });
  }, 60_000);
});
