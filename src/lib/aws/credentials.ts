/**
 * The credentials of one run: built once and handed to every client, so a `credential_process`, an SSO
 * token read, a role assumption or an MFA prompt happens once per run, not once per client.
 *
 * Without a shared provider, each SDK client resolves its own default chain, and a profile with
 * `credential_process` runs that process once per client:
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 * The providers used here are the SDK's own (`fromIni`, `fromNodeProviderChain`, `fromTemporaryCredentials`):
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-credential-providers/
 */
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { EnvironmentError } from '../errors';
import { userAgent } from './user-agent';

export interface IdentitySettings {
  /** Named profile of ~/.aws/config or ~/.aws/credentials; unset uses the SDK's default chain. */
  profile?: string;
  /** Role assumed with the base credentials (AssumeRole), e.g. the environment's deploy role. */
  roleArn?: string;
  /** MFA device (serial number or ARN) whose code the role assumption sends. */
  mfaSerial?: string;
  /** Asks for the current code of an MFA device (a prompt in a terminal). */
  mfaCode?: (serial: string) => Promise<string>;
  /** Endpoint override: the role assumption goes there too (an emulator on 127.0.0.1). */
  endpointUrl?: string;
  /** Region of the STS calls (the environment's primary region). */
  region?: string;
}

/** Credentials are refreshed when they expire within this margin (the SDK's own default chain uses 5 minutes). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One provider that resolves at most once until its credentials near expiry; concurrent callers share the same
 * resolution, and a failure is not cached (the next call tries again).
 */
export function memoizeCredentials(provider: AwsCredentialIdentityProvider, now: () => number = Date.now): AwsCredentialIdentityProvider {
  let pending: Promise<AwsCredentialIdentity> | undefined;
  let resolved: AwsCredentialIdentity | undefined;
  return async (properties) => {
    if (resolved && (!resolved.expiration || resolved.expiration.getTime() - now() > REFRESH_MARGIN_MS)) return resolved;
    pending ??= provider(properties).then(
      (credentials) => {
        resolved = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/** The credential provider of a run, from a profile or the default chain, then the role if one is set. */
export async function createCredentialProvider(settings: IdentitySettings): Promise<AwsCredentialIdentityProvider> {
  const { fromIni, fromNodeProviderChain, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const mfaCodeProvider = settings.mfaCode;
  // The STS client a profile's own role_arn uses; the endpoint override applies to it too.
  const clientConfig = { customUserAgent: userAgent(), ...(settings.region ? { region: settings.region } : {}), ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}) };
  let base: AwsCredentialIdentityProvider;
  if (settings.profile) {
    const profile = settings.profile;
    const ini = fromIni({ profile, clientConfig, ...(mfaCodeProvider ? { mfaCodeProvider } : {}) });
    base = async (properties) => {
      await assertProfileExists(profile);
      return ini(properties);
    };
  } else {
    base = fromNodeProviderChain({ clientConfig, ...(mfaCodeProvider ? { mfaCodeProvider } : {}) });
  }
  if (!settings.roleArn) return memoizeCredentials(base);
  // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (SerialNumber + TokenCode for MFA)
  const role = fromTemporaryCredentials({
    masterCredentials: base,
    params: {
      RoleArn: settings.roleArn,
      RoleSessionName: roleSessionName(),
      ...(settings.mfaSerial ? { SerialNumber: settings.mfaSerial } : {}),
    },
    clientConfig,
    ...(mfaCodeProvider ? { mfaCodeProvider } : {}),
  });
  return memoizeCredentials(role);
}

/**
 * AssumeRole's RoleSessionName: 2-64 characters of [\w+=,.@-]; the user name makes CloudTrail say who deployed.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
 */
export function roleSessionName(user = safeUserName()): string {
  return `cafe-ops-${user.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);
}

function safeUserName(): string {
  try {
    return userInfo().username || 'user';
  } catch {
    return 'user';
  }
}

/**
 * Fails with the profile's name when neither shared file defines it (the SDK would report only that no
 * credentials could be resolved). The files and their section names:
 * https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 */
export async function assertProfileExists(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const configFile = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  const [config, credentials] = await Promise.all([readOptional(configFile), readOptional(credentialsFile)]);
  const inConfig = sections(config).some((name) => name === `profile ${profile}` || (profile === 'default' && name === 'default'));
  const inCredentials = sections(credentials).includes(profile);
  if (inConfig || inCredentials) return;
  throw new EnvironmentError(
    `AWS profile "${profile}" is not defined in ${configFile} or ${credentialsFile}`,
    `create it (\`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`), or fix --profile / AWS_PROFILE / profile: in cafe-ops.yml`,
  );
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

function sections(text: string): string[] {
  return [...text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)].map((m) => m[1]!.replace(/\s+/g, ' '));
}
