import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { awsFlags, environmentFlags, yesFlag } from '../lib/cli/flags';
import { UserError } from '../lib/errors';
import type { DrillResult } from '../lib/failover/drill';
import { runFailover } from '../lib/failover/service';

export default class Failover extends BaseCommand<typeof Failover> {
  static override summary = 'Fail the café over to the other region (or back), measured, resumable and safe.';
  static override description =
    'Runs a preflight, shows the plan (every call with its region and plane) and asks for confirmation; then writes canaries, pauses writes and drains, switches the Aurora global database, ' +
    'moves traffic with a DynamoDB write in the target region (each /health reads it; --traffic-switch health-check uses Route 53 instead), waits out the TTL, verifies end to end, resumes writes and reports the measured RTO and RPO. ' +
    'Each step is journaled in .cafe-ops/failover/<env>.json and in the control table, under a lock: --resume continues after a stop, from any machine; --abort rolls back. See docs/failover.md.';
  static override examples = [
    '<%= config.bin %> failover --env production --to secondary --dry-run',
    '<%= config.bin %> failover --env production --to secondary',
    '<%= config.bin %> failover --env production --to primary --yes --json',
    '<%= config.bin %> failover --env production --to secondary --mode unplanned --allow-data-loss',
    '<%= config.bin %> failover --env production --resume',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags, ...awsFlags, ...yesFlag };
  static override flags = {
    to: Flags.string({ summary: 'Region role to make the primary.', options: ['primary', 'secondary'], exclusive: ['resume', 'abort'] }),
    mode: Flags.string({ summary: 'planned: Aurora switchover, writes paused, no data loss. unplanned: Aurora failover allowing data loss.', options: ['planned', 'unplanned'], default: 'planned' }),
    'dry-run': Flags.boolean({ summary: 'Run the preflight and print the plan; change nothing.', default: false }),
    resume: Flags.boolean({ summary: 'Continue the stopped or interrupted drill from its journal.', default: false, exclusive: ['abort'] }),
    abort: Flags.boolean({ summary: 'Roll back what the stopped drill changed (write pause, DNS).', default: false }),
    'allow-data-loss': Flags.boolean({ summary: 'Confirm an unplanned failover without a prompt.', default: false }),
    'lag-threshold': Flags.integer({ summary: 'Largest replication lag (ms) a planned failover starts with.', default: 1000, min: 0 }),
    ttl: Flags.integer({ summary: 'Seconds resolvers may keep the old DNS answer.', default: 60, min: 0, max: 86_400 }),
    'switch-timeout': Flags.integer({ summary: 'Minutes to wait for the database switch before stopping.', default: 15, min: 1, max: 120 }),
    'traffic-switch': Flags.string({ summary: 'data-plane: the traffic item each region\'s /health reads. health-check: Route 53 UpdateHealthCheck (us-east-1, planned only).', options: ['data-plane', 'health-check'], default: 'data-plane' }),
    'probe-url': Flags.string({ summary: 'Base URL of every HTTP probe (default: the stacks\' API names; none behind --endpoint-url).' }),
  };

  async run(): Promise<DrillResult> {
    const env = await this.environment();
    const { flags } = this;
    if (flags['dry-run'] && (flags.resume || flags.abort)) throw new UserError('--dry-run plans a new drill: it cannot be combined with --resume or --abort');
    const probeUrl = flags['probe-url'];
    if (probeUrl !== undefined && !/^https?:\/\//.test(probeUrl)) throw new UserError(`--probe-url: "${probeUrl}" is not an http(s) URL`, 'give a base URL such as http://127.0.0.1:3000');
    const abort = new AbortController();
    const onSigint = () => {
      this.out.warn('interrupted: stopping after the current call; run --resume to continue or --abort to roll back');
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const result = await runFailover(
        {
          env,
          action: flags.resume ? 'resume' : flags.abort ? 'abort' : flags['dry-run'] ? 'dry-run' : 'failover',
          ...(flags.to ? { to: flags.to as 'primary' | 'secondary' } : {}),
          mode: flags.mode as 'planned' | 'unplanned',
          yes: flags.yes,
          allowDataLoss: flags['allow-data-loss'],
          settings: { lagThresholdMs: flags['lag-threshold'], ttlMs: flags.ttl * 1000, switchTimeoutMs: flags['switch-timeout'] * 60_000, trafficSwitch: flags['traffic-switch'] as 'data-plane' | 'health-check' },
          ...(probeUrl ? { probeUrl } : {}),
          ...(flags['endpoint-url'] ? { endpointOverride: true } : {}),
          signal: abort.signal,
        },
        this.out,
        () => this.aws(),
      );
      if (!result.ok) process.exitCode = 1;
      return result;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
