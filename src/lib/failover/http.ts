/**
 * The drill's HTTP probes over Node's fetch: a GET with a deadline, and a POST signed with SigV4 for
 * the API's AWS_IAM methods (the drill holds AWS credentials, not a Cognito user).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { HttpPort, HttpResponse } from './ports';

/** The drill's AWS credentials (the SDK's default chain, or --profile), for requests signed for `region`. */
export type CredentialsFor = (region: string) => Promise<AwsCredentialIdentity>;

const USER_AGENT = 'cafe-ops-failover';

// Bounded: a health, menu or canary answer is small; more is not needed to judge it.
const bounded = async (response: Response): Promise<HttpResponse> => ({ status: response.status, body: (await response.text()).slice(0, 64_000) });

export function fetchHttpPort(credentials?: CredentialsFor): HttpPort {
  return {
    get: async (url, timeoutMs) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': USER_AGENT, accept: 'application/json' }, redirect: 'manual' });
      return bounded(response);
    },
    postSigned: async (url, body, region, timeoutMs) => {
      if (!credentials) throw new Error(`no AWS credentials to sign POST ${url} with`);
      const target = new URL(url);
      const text = JSON.stringify(body);
      const signer = new SignatureV4({ service: 'execute-api', region, credentials: () => credentials(region), sha256: Sha256 });
      const signed = await signer.sign({
        method: 'POST',
        protocol: target.protocol,
        hostname: target.hostname,
        ...(target.port ? { port: Number(target.port) } : {}),
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: { host: target.host, 'content-type': 'application/json', accept: 'application/json' },
        body: text,
      });
      const { host: _host, ...headers } = signed.headers;
      // fetch sends the same Host (the URL's), which the signature covers.
      const response = await fetch(url, { method: 'POST', body: text, signal: AbortSignal.timeout(timeoutMs), headers: { ...headers, 'user-agent': USER_AGENT }, redirect: 'manual' });
      return bounded(response);
    },
  };
}
