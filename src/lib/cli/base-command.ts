import { Command, Flags, Interfaces } from '@oclif/core';
import { AwsClients } from '../aws/clients';
import { translateAwsError } from '../aws/errors';
import { askMfaCode, awsIdentity } from '../aws/identity';
import { loadConfig, selectEnvironment, DEFAULT_CONFIG_FILE, type ResolvedEnvironment } from '../config/load';
import { isAwsRegion, suggestRegion } from '../config/regions';
import { UserError, isUserError } from '../errors';
import { createOutput, type Output } from '../ui/output';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * The shared flags and plumbing of every cafe-ops command: config and environment, AWS clients,
 * the output sink, and one-line errors for user mistakes. Subclasses stay thin: parse, call one
 * service in src/lib, return its typed result (which is the `--json` output).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
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

  public override async init(): Promise<void> {
    await super.init();
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
    this.clients?.destroy();
    return super.finally(error);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    const translated = translateAwsError(error);
    const aws = awsServiceError(translated);
    const userError = isUserError(translated) ? translated : aws ? new UserError(aws, undefined, 1) : undefined;
    if (!userError) return super.catch(error);
    if (this.jsonEnabled()) {
      this.logJson({ error: { message: userError.message, ...(userError.hint ? { hint: userError.hint } : {}) } });
      this.exit(userError.exitCode);
    }
    // One unwrapped line (and the hint), so it reads the same in a terminal and in a CI log.
    process.stderr.write(`Error: ${userError.message}\n${userError.hint ? `  hint: ${userError.hint}\n` : ''}`);
    this.exit(userError.exitCode);
  }
}

/** One line for an error returned by an AWS service (it has request metadata), else undefined. */
function awsServiceError(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string; $metadata?: { requestId?: string } };
  if (!e?.$metadata) return undefined;
  return `AWS ${e.name ?? 'error'}: ${e.message ?? ''}${e.$metadata.requestId ? ` (request ${e.$metadata.requestId})` : ''}`;
}

