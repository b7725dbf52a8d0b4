import { cli } from '../support/cli';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** A copy of the project's config and templates in a temp dir, to break on purpose. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-cli-'));
  cpSync(join(root, 'templates'), join(dir, 'templates'), { recursive: true });
  cpSync(join(root, 'cafe-ops.yml'), join(dir, 'cafe-ops.yml'));
  return dir;
}

describe('cafe-ops deploy (command)', () => {
  it('--dry-run prints the plan of the real catalog offline, and --json returns it', async () => {
    const [human, json] = await Promise.all([
      cli(['deploy', '--env', 'staging', '--dry-run']),
      cli(['deploy', '--env', 'production', '--dry-run', '--json']),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Plan for staging: 20 stack instances');
    expect(human.stdout).toContain('cafe-staging-data  eu-central-1 (secondary)');
    const plan = JSON.parse(json.stdout);
    expect(plan.mode).toBe('dry-run');
    expect(plan.waves.flat().find((n: { id: string }) => n.id === 'network@primary').parameters).toContainEqual({ name: 'NatGatewayCount', from: 'config sizes.natGateways', value: '2' });
  }, 60_000);

  it('answers user mistakes with one line and a non-zero exit, never a stack trace', async () => {
    const broken = workspace();
    writeFileSync(join(broken, 'templates/network.yaml'), readFileSync(join(broken, 'templates/network.yaml'), 'utf8').replace('Resources:', 'Resources:\n  Bad: [unclosed'));
    const cyclic = workspace();
    writeFileSync(
      join(cyclic, 'templates/stacks.yaml'),
      cycleThroughIdentity(readFileSync(join(cyclic, 'templates/stacks.yaml'), 'utf8')),
    );
    const reviews = workspace();
    writeFileSync(join(reviews, 'broken.json'), '{ "kind": ');
    writeFileSync(join(reviews, 'other.json'), JSON.stringify({ kind: 'cafe-ops/deploy-review', version: 1, environment: 'production', account: '1', createdAt: '', stacks: [], unchanged: [], notInReview: [] }));
    const cases: [string[], string | undefined, RegExp][] = [
      // --execute: a review that does not parse or is for another environment is refused before any AWS call.
      [['deploy', '--env', 'staging', '--execute', 'broken.json'], reviews, /broken\.json does not parse as a deploy review/],
      [['deploy', '--env', 'staging', '--execute', 'other.json'], reviews, /other\.json is a review of environment production, not staging/],
      [['deploy', '--env', 'prod', '--dry-run'], undefined, /unknown environment "prod" \(known: staging, production\)/],
      [['deploy', '--env', 'staging', '--stack', 'databse', '--dry-run'], undefined, /unknown stack "databse"/],
      [['deploy', '--env', 'staging', '--region', 'eu-wset-1', '--dry-run'], undefined, /"eu-wset-1" is not an AWS region \(did you mean eu-west-1\?\)/],
      [['deploy', '--env', 'staging', '--config', 'missing.yml', '--dry-run'], undefined, /config file not found: missing\.yml/],
      [['deploy', '--env', 'staging', '--dry-run'], broken, /templates\/network\.yaml:\d+: template does not parse/],
      [['deploy', '--env', 'staging', '--dry-run'], cyclic, /dependency cycle between stacks: .*app@primary.*identity@primary/],
      [['deploy', '--env', 'staging', '--yes', '--endpoint-url', 'http://127.0.0.1:9'], undefined, /no AWS credentials found|cannot reach the AWS endpoint/],
    ];
    const results = await Promise.all(cases.map(([args, cwd]) => cli(args, cwd === undefined ? {} : { cwd })));
    results.forEach((result, i) => {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(cases[i]![2]);
      expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    });
  }, 120_000);
});

/** The catalog with identity taking an output of app, which already takes identity's: a cycle. */
function cycleThroughIdentity(catalog: string): string {
  const marker = '\n\n  data:';
  if (!catalog.includes(marker)) throw new Error('the catalog has no data stack after identity');
  return catalog.replace(marker, `\n      Loop: { output: app.ApiEndpoint }${marker}`);
}
