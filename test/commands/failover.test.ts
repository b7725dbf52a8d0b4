import { cli } from '../support/cli';

describe('cafe-ops failover (command)', () => {
  it('answers user mistakes with one line and a non-zero exit, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['failover', '--env', 'prod', '--to', 'secondary'], /unknown environment "prod" \(known: staging, production\)/],
      [['failover', '--env', 'staging'], /say where to fail over: --to primary or --to secondary/],
      [['failover', '--env', 'staging', '--to', 'tertiary'], /Expected --to=tertiary to be one of: primary, secondary/],
      [['failover', '--env', 'staging', '--resume', '--abort'], /--abort=true cannot also be provided when using --resume/],
      [['failover', '--env', 'staging', '--dry-run', '--resume'], /--dry-run plans a new drill: it cannot be combined with --resume or --abort/],
      [['failover', '--env', 'staging', '--to', 'secondary', '--region', 'eu-west-1'], /^Error: Nonexistent flag: --region\n {2}hint: `cafe-ops failover` does not take --region/],
      [['failover', '--env', 'staging', '--to', 'secondary', '--mode', 'chaos'], /Expected --mode=chaos to be one of: planned, unplanned/],
      [['failover', '--env', 'staging', '--to', 'secondary', '--endpoint-url', 'http://127.0.0.1:9'], /no AWS credentials found|cannot reach the AWS endpoint/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, i) => {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    });
  }, 120_000);

  it('--json turns a user mistake into one JSON error document', async () => {
    const result = await cli(['failover', '--env', 'staging', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'USAGE', message: 'say where to fail over: --to primary or --to secondary', hint: 'or --resume / --abort an earlier drill' } });
  }, 60_000);
});
