import { resolve } from 'node:path';
import { Command, Flags, Interfaces } from '@oclif/core';
import { AwsClients } from '../aws/clients';
import { askMfaCode, awsIdentity } from '../aws/identity';
import { loadConfig, selectEnvironment, DEFAULT_CONFIG_FILE, type ResolvedEnvironment } from '../config/load';
import { isAwsRegion, suggestRegion } from '../config/regions';
import { ExitCode, UserError } from '../errors';
import { createOutput, type Output } from '../ui/output';
import { EXIT_CODES_HELP, jsonRequested, printUserError, toUserError } from './errors';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * The shared flags and plumbing of every cafe-ops command: config and environment, AWS clients,
 * the output sink, and one-line errors for user mistakes. Subclasses stay thin: parse, call one
 * service in src/lib, return its typed result (which is the `--json` output).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    // Declared here (oclif would add it the same) so every command's --help documents the output contract and exit codes.
    json: Flags.boolean({ summary: 'Format output as json.', description: EXIT_CODES_HELP, helpGroup: 'GLOBAL' }),
    env: Flags.string({ char: 'e', summary: 'Environment from the config file (e.g. staging, production).', helpGroup: 'GLOBAL' }),
    config: Flags.string({ summary: 'Path of the config file.', default: DEFAULT_CONFIG_FILE, helpGroup: 'GLOBAL' }),
    profile: Flags.string({ summary: 'AWS named profile (default: the environment\'s profile in cafe-ops.yml, else AWS_PROFILE).', helpGroup: 'GLOBAL' }),
    'role-arn': Flags.string({ summary: 'IAM role to assume for every AWS call (default: the environment\'s roleArn in cafe-ops.yml).', helpGroup: 'GLOBAL' }),
    'mfa-code': Flags.string({ summary: 'Current code of the MFA device (mfaSerial) instead of a prompt.', env: 'CAFE_OPS_MFA_CODE', helpGroup: 'GLOBAL' }),
    region: Flags.string({ summary: 'Limit the command to one AWS region of the environment.', helpGroup: 'GLOBAL' }),
    yes: Flags.boolean({ char: 'y', summary: 'Answer yes to confirmations (stateful replacements still need their own flag).', default: false, helpGroup: 'GLOBAL' }),
    'endpoint-url': Flags.string({ summary: 'Send every AWS call to this endpoint (an emulator such as moto_server).', env: 'AWS_ENDPOINT_URL', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;
  private output?: Output;
  private clients?: AwsClients;
  private resolvedEnvironment?: ResolvedEnvironment;
  private interrupted = false;
  private readonly onInterrupt = () => {
    this.interrupted = true;
    // Nothing else listens: behave as Node does without a listener (end the process, exit 130).
    if (process.listenerCount('SIGINT') === 0) process.kill(process.pid, 'SIGINT');
  };

  public override async init(): Promise<void> {
    await super.init();
    process.once('SIGINT', this.onInterrupt);
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    if (this.flags.region !== undefined && !isAwsRegion(this.flags.region)) {
      const suggestion = suggestRegion(this.flags.region);
      throw new UserError(`--region: "${this.flags.region}" is not an AWS region${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    const endpoint = this.flags['endpoint-url'];
    if (endpoint !== undefined && !URL.canParse(endpoint)) {
      throw new UserError(`--endpoint-url: "${endpoint}" is not a valid URL`, 'give a full URL such as http://localhost:5000 (or fix AWS_ENDPOINT_URL)', ExitCode.Usage, 'INVALID_URL');
    }
  }

  /** Where progress, tables and prompts go; quiet under --json. */
  protected get out(): Output {
    this.output ??= createOutput({ json: this.jsonEnabled() });
    return this.output;
  }

  /** The environment chosen with --env from the config file, validated. */
  protected async environment(): Promise<ResolvedEnvironment> {
    const { config } = await loadConfig(this.flags.config);
    this.resolvedEnvironment = selectEnvironment(config, this.flags.env);
    return this.resolvedEnvironment;
  }

  /**
   * AWS clients for every region, sharing one credential provider: the identity of the environment
   * (profile, roleArn, mfaSerial) under --profile / --role-arn, and --endpoint-url for every service.
   */
  protected aws(): AwsClients {
    this.clients ??= new AwsClients({
      ...awsIdentity(this.flags, this.resolvedEnvironment),
      ...(this.flags['endpoint-url'] ? { endpointUrl: this.flags['endpoint-url'] } : {}),
      mfaCode: (serial) => this.mfaCode(serial),
    });
    return this.clients;
  }

  /** The MFA code from --mfa-code, else asked for in a terminal; under --json or without a terminal, a clear error. */
  private mfaCode(serial: string): Promise<string> {
    return askMfaCode(serial, { given: this.flags['mfa-code'], out: this.out, json: this.jsonEnabled() });
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    process.off('SIGINT', this.onInterrupt);
    this.clients?.destroy();
    // A run that Ctrl-C cut short and that did not finish cleanly (dev stops cleanly on Ctrl-C).
    if (this.interrupted && !error && process.exitCode !== undefined && process.exitCode !== 0) process.exitCode = ExitCode.Interrupted;
    return super.finally(error);
  }

  /**
   * One error path for every failure a user can act on (including oclif's parse errors, raised before
   * the flags exist): one line and the hint, or under --json one `{"error": ...}` document on stdout.
   */
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    const userError = toUserError(error, (path) => this.flagOf(path));
    if (!userError) return super.catch(error);
    printUserError(userError, this.flags ? this.jsonEnabled() : jsonRequested(this.argv));
    this.exit(this.interrupted ? ExitCode.Interrupted : userError.exitCode);
  }

  /** The `--flag` whose value is this path or URL, to name it in an error. */
  private flagOf(value: string): string | undefined {
    const entry = Object.entries(this.flags ?? {}).find(([, given]) => given === value || (typeof given === 'string' && given !== '' && resolve(given) === value));
    return entry ? `--${entry[0]}` : undefined;
  }
}
