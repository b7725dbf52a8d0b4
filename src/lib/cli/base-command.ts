import { resolve } from 'node:path';
import { Command, Interfaces } from '@oclif/core';
import { AwsClients } from '../aws/clients';
import { askMfaCode, awsIdentity } from '../aws/identity';
import { loadConfig, selectEnvironment, type ResolvedEnvironment } from '../config/load';
import { isAwsRegion, suggestRegion } from '../config/regions';
import { ExitCode, UserError } from '../errors';
import { createOutput, type Output } from '../ui/output';
import { jsonRequested, parseFailure, printUserError, toUserError } from './errors';
import { awsFlags, environmentFlags, jsonFlag, regionFlag, sharedFlagHint, yesFlag } from './flags';

/** The flags of command T: the shared groups it takes (its baseFlags) and its own. */
export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<T['baseFlags'] & T['flags']>;
/** The values of every shared flag, as the base class reads them: a command that does not take a flag has no value for it. */
type SharedFlags = Partial<Interfaces.InferredFlags<typeof jsonFlag & typeof environmentFlags & typeof awsFlags & typeof regionFlag & typeof yesFlag>>;

/**
 * The shared flags and plumbing of every cafe-ops command: config and environment, AWS clients,
 * the output sink, and one-line errors for user mistakes. Subclasses stay thin: parse, call one
 * service in src/lib, return its typed result (which is the `--json` output).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  /** Every command has `--json`; each adds the shared flag groups it uses (./flags). */
  static override baseFlags = jsonFlag;

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
      baseFlags: this.ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    }).catch((error: unknown) => {
      throw parseFailure(error, (typed) => this.sharedFlagHint(typed)) ?? error;
    });
    this.flags = flags as BaseFlags<T>;
    const { region, 'endpoint-url': endpoint } = this.shared;
    if (region !== undefined && !isAwsRegion(region)) {
      const suggestion = suggestRegion(region);
      throw new UserError(`--region: "${region}" is not an AWS region${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    }
    if (endpoint !== undefined && !URL.canParse(endpoint)) {
      throw new UserError(`--endpoint-url: "${endpoint}" is not a valid URL`, 'give a full URL such as http://localhost:5000 (or fix AWS_ENDPOINT_URL)', ExitCode.Usage, 'INVALID_URL');
    }
  }

  /** The shared flags this command was given (none of those it does not take). */
  private get shared(): SharedFlags {
    return (this.flags ?? {}) as SharedFlags;
  }

  /** Where progress, tables and prompts go; quiet under --json. */
  protected get out(): Output {
    this.output ??= createOutput({ json: this.jsonEnabled() });
    return this.output;
  }

  /** The environment chosen with --env from the config file, validated. */
  protected async environment(): Promise<ResolvedEnvironment> {
    this.requireFlags(environmentFlags, 'environment()');
    const { config } = await loadConfig(this.shared.config!);
    this.resolvedEnvironment = selectEnvironment(config, this.shared.env);
    return this.resolvedEnvironment;
  }

  /**
   * AWS clients for every region, sharing one credential provider: the identity of the environment
   * (profile, roleArn, mfaSerial) under --profile / --role-arn, and --endpoint-url for every service.
   */
  protected aws(): AwsClients {
    this.requireFlags(awsFlags, 'aws()');
    const endpointUrl = this.shared['endpoint-url'];
    this.clients ??= new AwsClients({
      ...awsIdentity(this.shared, this.resolvedEnvironment),
      ...(endpointUrl ? { endpointUrl } : {}),
      mfaCode: (serial) => this.mfaCode(serial),
    });
    return this.clients;
  }

  /** The MFA code from --mfa-code, else asked for in a terminal; under --json or without a terminal, a clear error. */
  private mfaCode(serial: string): Promise<string> {
    return askMfaCode(serial, { given: this.shared['mfa-code'], out: this.out, json: this.jsonEnabled() });
  }

  /** A command that reads a group's values must take its flags (a mistake in the command, caught by its first test). */
  private requireFlags(group: object, use: string): void {
    const missing = Object.keys(group).filter((name) => !(name in this.ctor.baseFlags) && !(name in (this.ctor.flags ?? {})));
    if (missing.length) throw new Error(`${this.id}: ${use} reads --${missing.join(', --')}, which the command does not take (add the group to its baseFlags)`);
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
    const userError = toUserError(error, (path) => this.flagOf(path), (typed) => this.sharedFlagHint(typed));
    if (!userError) return super.catch(error);
    printUserError(userError, this.flags ? this.jsonEnabled() : jsonRequested(this.argv));
    this.exit(this.interrupted ? ExitCode.Interrupted : userError.exitCode);
  }

  /** The hint for unknown flags that other commands take. */
  private sharedFlagHint(typed: readonly string[]): string | undefined {
    return sharedFlagHint(`${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim(), typed);
  }

  /** The `--flag` whose value is this path or URL, to name it in an error. */
  private flagOf(value: string): string | undefined {
    const entry = Object.entries(this.flags ?? {}).find(([, given]) => given === value || (typeof given === 'string' && given !== '' && resolve(given) === value));
    return entry ? `--${entry[0]}` : undefined;
  }
}
