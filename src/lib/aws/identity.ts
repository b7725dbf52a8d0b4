import type { AwsClients } from './clients';
import { translateAwsError } from './errors';
import { ConfirmationNeeded, EnvironmentError, UserError } from '../errors';
import type { ResolvedEnvironment } from '../config/load';
import type { Output } from '../ui/output';

/**
 * Checks the credentials before any change: they must resolve, and belong to the environment's
 * account. Against an emulator (--endpoint-url) a different account is only a warning.
 *
 * STS is asked in the first of `regions` (default: the primary region, then the secondary) that answers:
 * the SDK calls the regional STS endpoints, and a region's endpoint is down with the region
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html), so a deploy
 * or a failover during a regional outage goes on through the other region. An unplanned failover names only
 * the surviving region, so that nothing is sent to the lost one.
 */
export async function checkAccount(
  clients: AwsClients,
  env: { name: string; accountId: string; primaryRegion: string; secondaryRegion?: string },
  out: Output,
  options: { regions?: string[] } = {},
): Promise<string> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const regions = options.regions ?? [...new Set([env.primaryRegion, ...(env.secondaryRegion ? [env.secondaryRegion] : [])])];
  let account: string | undefined;
  for (const [i, region] of regions.entries()) {
    try {
      account = (await (await clients.sts(region)).send(new GetCallerIdentityCommand({}))).Account;
      break;
    } catch (error) {
      const translated = translateAwsError(error, 'check the AWS account');
      const next = regions[i + 1];
      if (next && translated instanceof EnvironmentError && translated.code === 'ENDPOINT_UNREACHABLE') {
        out.warn(`STS in ${region} did not answer (${translated.message}); asking STS in ${next}`);
        continue;
      }
      throw translated;
    }
  }
  if (account !== env.accountId) {
    const message = `the credentials are for account ${account}, but environment ${env.name} is account ${env.accountId}`;
    if (!clients.settings.endpointUrl) throw new UserError(message, 'use the profile or role of that account (--profile, --role-arn, or profile/roleArn in cafe-ops.yml), or fix accountId');
    out.warn(`${message} (ignored: --endpoint-url points at an emulator)`);
  }
  return account ?? '';
}

/**
 * Who the AWS calls run as. --profile and --role-arn win; otherwise the environment's profile, roleArn and
 * mfaSerial from cafe-ops.yml, unless credentials are already in the environment (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, as GitHub Actions' configure-aws-credentials exports them), which then stand for the
 * environment's identity; AWS_PROFILE is the last fallback, named so that a missing one is reported by name.
 * https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
 */
export function awsIdentity(
  flags: { profile?: string | undefined; 'role-arn'?: string | undefined },
  env: Pick<ResolvedEnvironment, 'profile' | 'roleArn' | 'mfaSerial' | 'primaryRegion'> | undefined,
  processEnv: NodeJS.ProcessEnv = process.env,
): { profile?: string; roleArn?: string; mfaSerial?: string; stsRegion?: string } {
  const envCredentials = Boolean(processEnv.AWS_ACCESS_KEY_ID && processEnv.AWS_SECRET_ACCESS_KEY);
  const fromConfig = env && !envCredentials ? env : undefined;
  const profile = flags.profile ?? fromConfig?.profile ?? (envCredentials ? undefined : processEnv.AWS_PROFILE || undefined);
  const roleArn = flags['role-arn'] ?? fromConfig?.roleArn;
  const mfaSerial = roleArn ? fromConfig?.mfaSerial : undefined;
  return {
    ...(profile ? { profile } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(mfaSerial ? { mfaSerial } : {}),
    ...(env ? { stsRegion: env.primaryRegion } : {}),
  };
}

/**
 * The current code of an MFA device: the one given (--mfa-code), else asked for in a terminal. Under --json or
 * without a terminal there is nobody to ask: a clear error. AssumeRole's TokenCode is six digits:
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
 */
export async function askMfaCode(serial: string, options: { given?: string | undefined; out: Output; json: boolean }): Promise<string> {
  let code = options.given;
  if (code === undefined) {
    if (options.json) throw mfaNeeded(serial, ' (--json)');
    try {
      code = await options.out.ask(`MFA code for ${serial}:`);
    } catch (error) {
      if (error instanceof ConfirmationNeeded) throw mfaNeeded(serial, '');
      throw error;
    }
  }
  code = code.trim();
  if (!/^\d{6}$/.test(code)) throw new UserError(`the MFA code for ${serial} must be 6 digits`);
  return code;
}

function mfaNeeded(serial: string, why: string): UserError {
  return new UserError(`the role needs a code of MFA device ${serial} and there is no terminal to ask for it${why}`, 'pass --mfa-code CODE (or set CAFE_OPS_MFA_CODE)');
}
