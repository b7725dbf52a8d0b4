import { EnvironmentError } from '../errors';
import { isNetworkError } from './transient';

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ProviderError']);
const AUTH_ERRORS = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException']);
const ACCESS_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/**
 * Turns the AWS errors a user can fix (no credentials, expired token, access denied, endpoint
 * unreachable) into one-line {@link EnvironmentError}s (exit code 3); anything else is returned unchanged.
 */
export function translateAwsError(error: unknown, action?: string): unknown {
  const e = error as AwsLikeError;
  const name = e?.name ?? '';
  const code = e?.code ?? '';
  const what = action ? ` while trying to ${action}` : '';
  const profile = /Could not resolve credentials using profile: \[([^\]]+)\]/.exec(e?.message ?? '')?.[1];
  if (profile) {
    return new EnvironmentError(`AWS profile "${profile}" holds no credentials${what} (no keys, role_arn, sso_session or credential_process)`, `complete it with \`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\``, 'CREDENTIALS');
  }
  if (/requires multi-factor authentication/i.test(e?.message ?? '')) {
    return new EnvironmentError(`the role needs an MFA code${what}`, 'set mfaSerial for the environment in cafe-ops.yml and run in a terminal, or pass --mfa-code', 'MFA_NEEDED');
  }
  if (CREDENTIAL_ERRORS.has(name) || /Could not load credentials/i.test(e?.message ?? '')) {
    return new EnvironmentError(`no AWS credentials found${what}`, 'set AWS_PROFILE or --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY', 'CREDENTIALS');
  }
  if (AUTH_ERRORS.has(name)) {
    return new EnvironmentError(`AWS rejected the credentials${what}: ${e.message ?? name}`, 'refresh them (e.g. `aws sso login --profile NAME`) and try again', 'CREDENTIALS_REJECTED');
  }
  if (ACCESS_ERRORS.has(name)) {
    return new EnvironmentError(`access denied${what}: ${e.message ?? name}`, 'the deploying role needs this permission; see docs/iam.md', 'ACCESS_DENIED');
  }
  if (isNetworkError(error)) {
    return new EnvironmentError(`cannot reach the AWS endpoint${what} (${code || name})`, 'check --endpoint-url / AWS_ENDPOINT_URL and your network', 'ENDPOINT_UNREACHABLE');
  }
  return error;
}

/** The AWS request id of an SDK error or response, for logs and drill journals. */
export function requestIdOf(value: unknown): string | undefined {
  return (value as AwsLikeError | undefined)?.$metadata?.requestId;
}
