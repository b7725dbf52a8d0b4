import type { Command } from '@oclif/core';
import AuditCompliance from '../../../src/commands/audit/compliance';
import ConfigShow from '../../../src/commands/config/show';
import CostEstimate from '../../../src/commands/cost/estimate';
import CostReport from '../../../src/commands/cost/report';
import Deploy from '../../../src/commands/deploy';
import Destroy from '../../../src/commands/destroy';
import Dev from '../../../src/commands/dev';
import DevToken from '../../../src/commands/dev/token';
import Diagram from '../../../src/commands/diagram';
import Diff from '../../../src/commands/diff';
import Failover from '../../../src/commands/failover';
import Lint from '../../../src/commands/lint';
import Outputs from '../../../src/commands/outputs';
import Status from '../../../src/commands/status';
import WafBlock from '../../../src/commands/waf/block';
import WafList from '../../../src/commands/waf/list';
import WafUnblock from '../../../src/commands/waf/unblock';
import { awsFlags, catalogFlag, environmentFlags, jsonFlag, regionFlag, sharedFlagHint, yesFlag } from '../../../src/lib/cli/flags';
import { cli } from '../../support/cli';

const SHARED = new Set(Object.keys({ ...jsonFlag, ...environmentFlags, ...awsFlags, ...regionFlag, ...yesFlag }));
const shared = (command: typeof Command) => Object.keys({ ...command.baseFlags, ...command.flags }).filter((name) => SHARED.has(name)).sort();
const groups = (...names: string[]) => ['json', ...names.flatMap((g) => Object.keys({ environment: environmentFlags, aws: awsFlags, region: regionFlag, yes: yesFlag }[g]!))].sort();

describe('the shared flags', () => {
  it('each command takes the groups it uses and no other: offline commands no AWS identity, whole-environment commands no --region', () => {
    const expected: [typeof Command, string[]][] = [
      [Lint, groups()],
      [Dev, groups()],
      [DevToken, groups()],
      [ConfigShow, groups('environment')],
      [Diagram, groups('environment')],
      [CostEstimate, groups('environment', 'region')],
      [AuditCompliance, groups('environment', 'region', 'aws')],
      [CostReport, groups('environment', 'region', 'aws')],
      [Diff, groups('environment', 'region', 'aws')],
      [Outputs, groups('environment', 'region', 'aws')],
      [Status, groups('environment', 'region', 'aws')],
      [Deploy, groups('environment', 'region', 'aws', 'yes')],
      [Destroy, groups('environment', 'aws', 'yes')],
      [Failover, groups('environment', 'aws', 'yes')],
      [WafBlock, groups('environment', 'aws', 'yes')],
      [WafUnblock, groups('environment', 'aws', 'yes')],
      [WafList, groups('environment', 'aws')],
    ];
    for (const [command, flags] of expected) expect([command.name, shared(command)]).toEqual([command.name, flags]);
    // One definition per flag: the commands hold the group's own objects, not copies.
    expect(Deploy.baseFlags.profile).toBe(awsFlags.profile);
    expect(Lint.flags.catalog).toBe(catalogFlag.catalog);
    expect(Diagram.baseFlags.env).toBe(environmentFlags.env);
  });

  it('names the command that does not take a shared flag, in any of the forms oclif reports', () => {
    expect(sharedFlagHint('cafe-ops lint', ['--profile'])).toBe('`cafe-ops lint` does not take --profile; `cafe-ops lint --help` lists the flags it takes');
    expect(sharedFlagHint('cafe-ops lint', ['--region=eu-west-1', '-y', '-e'])).toContain('does not take --region, --yes, --env;');
    expect(sharedFlagHint('cafe-ops lint', ['--bogus', '-q'])).toBeUndefined();
  });

  it('refuses a flag the command does not take as a usage error, one small JSON document under --json', async () => {
    const [lintProfile, devEndpoint, configRegion, tokenYes, wafRegion] = await Promise.all([
      cli(['lint', '--profile', 'x', '--json']),
      cli(['dev', '--endpoint-url', 'http://127.0.0.1:9', '--json']),
      cli(['config', 'show', '--env', 'staging', '--region', 'eu-west-1', '--json']),
      cli(['dev', 'token', '--user', 'a', '-y']),
      cli(['waf', 'list', '--env', 'staging', '--region', 'eu-west-1', '--json']),
    ]);
    for (const [result, flag, command] of [[lintProfile, '--profile', 'lint'], [devEndpoint, '--endpoint-url', 'dev'], [configRegion, '--region', 'config show'], [wafRegion, '--region', 'waf list']] as const) {
      expect(result.code).toBe(2);
      expect(result.stdout.length).toBeLessThan(1024);
      expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'UNKNOWN_FLAG', message: `Nonexistent flag: ${flag}`, hint: expect.stringContaining(`\`cafe-ops ${command}\` does not take ${flag}`) } });
    }
    expect(tokenYes.code).toBe(2);
    expect(tokenYes.stdout).toBe('');
    expect(tokenYes.stderr).toBe('Error: Nonexistent flag: -y\n  hint: `cafe-ops dev token` does not take --yes; `cafe-ops dev token --help` lists the flags it takes\n');
  }, 120_000);

  it('lists in --help only the flags the command takes', async () => {
    const [lint, status] = await Promise.all([cli(['lint', '--help']), cli(['status', '--help'])]);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(/USAGE\n {2}\$ cafe-ops lint \[--json\] \[--catalog <value>\] \[--cfn-lint\]\n/);
    expect(lint.stdout).not.toMatch(/--(env|config|profile|role-arn|mfa-code|region|yes|endpoint-url)\b/);
    expect(status.stdout).toMatch(/GLOBAL FLAGS\n(.*\n)*? +--endpoint-url=<value>/);
    expect(status.stdout).not.toMatch(/--yes\b/);
  }, 120_000);
});
