/**
 * The one place that constructs AWS SDK clients. Every client gets the same region, one shared
 * credential provider (profile, role, MFA: resolved once per run), endpoint override (for emulators
 * such as moto_server, STS included) and adaptive retries for throttling.
 *
 * SDK modules are imported lazily, so commands that never call AWS (`--help`, `--dry-run`) never
 * load them.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { BudgetsClient } from '@aws-sdk/client-budgets';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { STSClient } from '@aws-sdk/client-sts';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { WAFV2Client } from '@aws-sdk/client-wafv2';
import { createCredentialProvider } from './credentials';
import { userAgent } from './user-agent';

export interface AwsSettings {
  /** Named profile from ~/.aws/config; undefined uses the default credential chain. */
  profile?: string;
  /** Role assumed with those credentials (cafe-ops.yml roleArn or --role-arn). */
  roleArn?: string;
  /** MFA device whose code the role assumption needs (cafe-ops.yml mfaSerial). */
  mfaSerial?: string;
  /** Asks for an MFA code (the terminal prompt, or --mfa-code). */
  mfaCode?: (serial: string) => Promise<string>;
  /** Region of the STS calls made to get credentials (the environment's primary region). */
  stsRegion?: string;
  /** Ready-made credentials (tests); otherwise one provider is built from the settings above. */
  credentials?: AwsCredentialIdentityProvider;
  /** Endpoint override for every service, e.g. http://127.0.0.1:5000 for moto_server. */
  endpointUrl?: string;
  /** Upper bound of attempts per request (adaptive retry backs off on throttling). */
  maxAttempts?: number;
}

/** Shared configuration of every client made by {@link AwsClients}. */
export function clientConfig(settings: AwsSettings, region: string) {
  return {
    region,
    // Emulators answer unimplemented calls with 500s: do not spend retries on them.
    maxAttempts: settings.maxAttempts ?? (settings.endpointUrl ? 2 : 8),
    retryMode: 'adaptive' as const,
    // Appended to the SDK's own user agent; CloudTrail records it as the call's userAgent.
    customUserAgent: userAgent(),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
  };
}

type Ctor<T> = new (config: ReturnType<typeof clientConfig> & Record<string, unknown>) => T;

export class AwsClients {
  private readonly cache = new Map<string, unknown>();
  private credentialProvider?: Promise<AwsCredentialIdentityProvider>;

  constructor(readonly settings: AwsSettings = {}) {}

  /** The one credential provider every client of this run shares (resolved once, refreshed near expiry). */
  credentials(): Promise<AwsCredentialIdentityProvider> {
    const s = this.settings;
    this.credentialProvider ??= s.credentials
      ? Promise.resolve(s.credentials)
      : createCredentialProvider({
          ...(s.profile ? { profile: s.profile } : {}),
          ...(s.roleArn ? { roleArn: s.roleArn } : {}),
          ...(s.mfaSerial ? { mfaSerial: s.mfaSerial } : {}),
          ...(s.mfaCode ? { mfaCode: s.mfaCode } : {}),
          ...(s.endpointUrl ? { endpointUrl: s.endpointUrl } : {}),
          ...(s.stsRegion ? { region: s.stsRegion } : {}),
        });
    return this.credentialProvider;
  }

  private async make<T>(key: string, region: string, load: () => Promise<Ctor<T>>, extra: Record<string, unknown> = {}): Promise<T> {
    const id = `${key}@${region}`;
    const cached = this.cache.get(id);
    if (cached) return cached as T;
    const Client = await load();
    const credentials = await this.credentials();
    const client = new Client({ ...clientConfig(this.settings, region), credentials, ...extra });
    this.cache.set(id, client);
    return client;
  }

  cloudFormation(region: string): Promise<CloudFormationClient> {
    return this.make('cloudformation', region, async () => (await import('@aws-sdk/client-cloudformation')).CloudFormationClient);
  }
  s3(region: string): Promise<S3Client> {
    // Path-style addressing works with emulators and with bucket names that contain dots.
    return this.make('s3', region, async () => (await import('@aws-sdk/client-s3')).S3Client, { forcePathStyle: Boolean(this.settings.endpointUrl) });
  }
  route53(): Promise<Route53Client> {
    return this.make('route53', 'us-east-1', async () => (await import('@aws-sdk/client-route-53')).Route53Client);
  }
  rds(region: string): Promise<RDSClient> {
    return this.make('rds', region, async () => (await import('@aws-sdk/client-rds')).RDSClient);
  }
  cloudWatch(region: string): Promise<CloudWatchClient> {
    return this.make('cloudwatch', region, async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient);
  }
  configService(region: string): Promise<ConfigServiceClient> {
    return this.make('config', region, async () => (await import('@aws-sdk/client-config-service')).ConfigServiceClient);
  }
  /** Cost Explorer is a global service served from us-east-1. */
  costExplorer(): Promise<CostExplorerClient> {
    return this.make('ce', 'us-east-1', async () => (await import('@aws-sdk/client-cost-explorer')).CostExplorerClient);
  }
  /** AWS Budgets is a global service served from us-east-1. */
  budgets(): Promise<BudgetsClient> {
    return this.make('budgets', 'us-east-1', async () => (await import('@aws-sdk/client-budgets')).BudgetsClient);
  }
  dynamoDb(region: string): Promise<DynamoDBClient> {
    return this.make('dynamodb', region, async () => (await import('@aws-sdk/client-dynamodb')).DynamoDBClient);
  }
  secretsManager(region: string): Promise<SecretsManagerClient> {
    return this.make('secretsmanager', region, async () => (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient);
  }
  cloudFront(): Promise<CloudFrontClient> {
    return this.make('cloudfront', 'us-east-1', async () => (await import('@aws-sdk/client-cloudfront')).CloudFrontClient);
  }
  sts(region: string): Promise<STSClient> {
    return this.make('sts', region, async () => (await import('@aws-sdk/client-sts')).STSClient);
  }
  lambda(region: string): Promise<LambdaClient> {
    return this.make('lambda', region, async () => (await import('@aws-sdk/client-lambda')).LambdaClient);
  }
  kms(region: string): Promise<KMSClient> {
    return this.make('kms', region, async () => (await import('@aws-sdk/client-kms')).KMSClient);
  }
  cloudTrail(region: string): Promise<CloudTrailClient> {
    return this.make('cloudtrail', region, async () => (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient);
  }
  /** WAF; CLOUDFRONT-scope resources are only served from us-east-1 (see src/lib/waf/aws.ts). */
  wafv2(region: string): Promise<WAFV2Client> {
    return this.make('wafv2', region, async () => (await import('@aws-sdk/client-wafv2')).WAFV2Client);
  }

  /** Closes the HTTP sockets of every client made so far. */
  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy?: () => void }).destroy?.();
    this.cache.clear();
  }
}
