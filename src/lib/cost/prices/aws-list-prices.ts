/**
 * AWS public on-demand list prices (USD) used by `cafe-ops cost estimate`, for the regions of the
 * sample config and the edge. Taken on 2026-11-25 from the public pricing pages listed in SOURCES;
 * first pricing tier only, no free tier (except Cognito's included users), no Savings Plans, no
 * taxes. Prices change: check a figure against its page before relying on it for a decision.
 *
 * Cross-checked on that date against published pages: NAT gateway $0.045/h and $0.045/GB in US
 * East and $0.048–$0.052 in Ireland/Frankfurt, public IPv4 $0.005/h, Aurora Serverless v2
 * $0.12/ACU-hour and $0.10/GB-month storage in us-east-1, REST API $3.50 per million (first tier).
 * The other figures are the regional list prices as published on the SOURCES pages; re-check them
 * there when refreshing.
 *
 * To refresh: update the figures and TAKEN_ON together; the estimate prints the date on every run.
 */

export const TAKEN_ON = '2026-11-25';

export const SOURCES: Record<string, string> = {
  ec2Network: 'https://aws.amazon.com/vpc/pricing/ (NAT gateway, public IPv4 address)',
  privateLink: 'https://aws.amazon.com/privatelink/pricing/ (interface endpoints)',
  aurora: 'https://aws.amazon.com/rds/aurora/pricing/ (Serverless v2 ACU-hours, Standard storage and I/O)',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (request units, storage, PITR)',
  lambda: 'https://aws.amazon.com/lambda/pricing/ (Arm, first tier)',
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/ (REST APIs, first 333 million)',
  stepFunctions: 'https://aws.amazon.com/step-functions/pricing/ (Standard workflows)',
  s3: 'https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB)',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/ (logs, standard alarms, dashboards, custom metrics)',
  kms: 'https://aws.amazon.com/kms/pricing/ (key-months, rotated key material)',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  config: 'https://aws.amazon.com/config/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/ (health checks on AWS endpoints)',
  cloudFront: 'https://aws.amazon.com/cloudfront/pricing/ (North America and Europe, first 10 TB)',
  cognito: 'https://aws.amazon.com/cognito/pricing/ (user pools: Lite, Essentials and Plus per MAU)',
  xray: 'https://aws.amazon.com/xray/pricing/ (traces recorded)',
  lambdaProvisioned: 'https://aws.amazon.com/lambda/pricing/ (Provisioned Concurrency, Arm)',
  dynamodbProvisioned: 'https://aws.amazon.com/dynamodb/pricing/provisioned/ (WCU, replicated WCU and RCU hours)',
  cloudTrail: 'https://aws.amazon.com/cloudtrail/pricing/',
};

/**
 * When each price added or touched for the per-environment knobs was last checked, and against what.
 * "confirmed" means the figure was read on the page (as stored on that date); "derived" says how a
 * figure the page did not show was obtained: re-check those first.
 */
export const CHECKED: Partial<Record<keyof RegionPrices, { on: string; source: string; note: string }>> = {
  kmsKeyMonth: { on: '2026-12-01', source: 'https://aws.amazon.com/kms/pricing/', note: 'confirmed: $1/month per key, each primary and replica multi-Region key' },
  kmsRotationMonth: { on: '2026-12-01', source: 'https://aws.amazon.com/kms/pricing/', note: 'confirmed: each newly generated backing key adds $1/month; only the first two rotations are charged (AWS\'s April 2024 change, not on the stored page: re-check)' },
  xrayTracesPerMillion: { on: '2026-12-01', source: 'https://aws.amazon.com/xray/pricing/', note: 'confirmed: $5.00 per million traces recorded (first 100,000 a month free, not applied)' },
  lambdaArmProvisionedGbSecond: { on: '2026-12-01', source: 'https://aws.amazon.com/lambda/pricing/', note: 'Arm provisioned concurrency $0.0000033334/GB-s, US East: the page\'s table was not in the stored copy; the figure as public cost tools quote it (re-check)' },
  lambdaArmProvisionedDurationGbSecond: { on: '2026-12-01', source: 'https://aws.amazon.com/lambda/pricing/', note: 'Arm duration on provisioned concurrency $0.0000077778/GB-s, as above (re-check)' },
  cognitoPlusMau: { on: '2026-12-01', source: 'https://aws.amazon.com/cognito/pricing/', note: 'Plus $0.02/MAU, no free tier (the page\'s table was not in the stored copy: re-check)' },
  cognitoLiteMau: { on: '2026-12-01', source: 'https://aws.amazon.com/cognito/pricing/', note: 'Lite $0.0055/MAU above 10,000 (not in the stored copy: re-check)' },
  cloudWatchMetricMonth: { on: '2026-12-01', source: 'https://aws.amazon.com/cloudwatch/pricing/', note: '$0.30 per metric-month, first 10,000 metrics (not in the stored copy: re-check)' },
  dynamoWcuHour: { on: '2026-12-01', source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/', note: 'US East $0.00065/WCU-h; Ireland and Frankfurt derived with the on-demand write ratio of the same page (re-check); replicated WCUs of global tables at the WCU price since November 2024' },
  dynamoRcuHour: { on: '2026-12-01', source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/', note: 'US East $0.00013/RCU-h; Ireland and Frankfurt derived as for WCUs (re-check)' },
};

export interface RegionPrices {
  natGatewayHour: number;
  natGatewayGb: number;
  publicIpv4Hour: number;
  interfaceEndpointAzHour: number;
  auroraAcuHour: number;
  auroraStorageGbMonth: number;
  auroraIoPerMillion: number;
  dynamoWritePerMillion: number;
  dynamoReadPerMillion: number;
  dynamoReplicatedWritePerMillion: number;
  dynamoStorageGbMonth: number;
  dynamoPitrGbMonth: number;
  /** Provisioned capacity: a write (and a global table's replicated write) capacity unit-hour, a read capacity unit-hour. */
  dynamoWcuHour: number;
  dynamoRcuHour: number;
  lambdaArmGbSecond: number;
  /** Provisioned concurrency kept warm (arm64), per GB-second configured. */
  lambdaArmProvisionedGbSecond: number;
  /** Duration of calls served by provisioned concurrency (arm64). */
  lambdaArmProvisionedDurationGbSecond: number;
  lambdaRequestsPerMillion: number;
  apiGatewayRestPerMillion: number;
  stepFunctionsPerThousandTransitions: number;
  s3StandardGbMonth: number;
  logsIngestGb: number;
  logsStorageGbMonth: number;
  alarmMonth: number;
  dashboardMonth: number;
  /** A custom (or API Gateway detailed) metric, first 10,000. */
  cloudWatchMetricMonth: number;
  xrayTracesPerMillion: number;
  kmsKeyMonth: number;
  /** Each of the first two automatic rotations of a key adds this per month. */
  kmsRotationMonth: number;
  secretMonth: number;
  wafWebAclMonth: number;
  wafRuleMonth: number;
  wafRequestsPerMillion: number;
  configItem: number;
  configRuleEvaluation: number;
  healthCheckMonth: number;
  healthCheckFeatureMonth: number;
  cloudFrontGb: number;
  cloudFrontHttpsPer10k: number;
  /** Essentials per MAU above the free users; Lite likewise; Plus per MAU from the first. */
  cognitoMau: number;
  cognitoLiteMau: number;
  cognitoPlusMau: number;
  cognitoFreeMau: number;
}

const common = {
  publicIpv4Hour: 0.005,
  lambdaArmGbSecond: 0.0000133334,
  lambdaArmProvisionedGbSecond: 0.0000033334,
  lambdaArmProvisionedDurationGbSecond: 0.0000077778,
  lambdaRequestsPerMillion: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  cloudWatchMetricMonth: 0.3,
  xrayTracesPerMillion: 5,
  kmsKeyMonth: 1,
  kmsRotationMonth: 1,
  secretMonth: 0.4,
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  wafRequestsPerMillion: 0.6,
  configItem: 0.003,
  configRuleEvaluation: 0.001,
  healthCheckMonth: 0.5,
  healthCheckFeatureMonth: 1,
  cloudFrontGb: 0.085,
  cloudFrontHttpsPer10k: 0.01,
  cognitoMau: 0.015,
  cognitoLiteMau: 0.0055,
  cognitoPlusMau: 0.02,
  cognitoFreeMau: 10_000,
};

export const PRICES: Record<string, RegionPrices> = {
  'us-east-1': {
    ...common,
    natGatewayHour: 0.045,
    natGatewayGb: 0.045,
    interfaceEndpointAzHour: 0.01,
    auroraAcuHour: 0.12,
    auroraStorageGbMonth: 0.1,
    auroraIoPerMillion: 0.2,
    dynamoWritePerMillion: 0.625,
    dynamoReadPerMillion: 0.125,
    dynamoReplicatedWritePerMillion: 0.625,
    dynamoStorageGbMonth: 0.25,
    dynamoPitrGbMonth: 0.2,
    dynamoWcuHour: 0.00065,
    dynamoRcuHour: 0.00013,
    apiGatewayRestPerMillion: 3.5,
    s3StandardGbMonth: 0.023,
    logsIngestGb: 0.5,
    logsStorageGbMonth: 0.03,
  },
  'eu-west-1': {
    ...common,
    natGatewayHour: 0.048,
    natGatewayGb: 0.048,
    interfaceEndpointAzHour: 0.011,
    auroraAcuHour: 0.13,
    auroraStorageGbMonth: 0.11,
    auroraIoPerMillion: 0.22,
    dynamoWritePerMillion: 0.7063,
    dynamoReadPerMillion: 0.1413,
    dynamoReplicatedWritePerMillion: 0.7063,
    dynamoStorageGbMonth: 0.283,
    dynamoPitrGbMonth: 0.2265,
    dynamoWcuHour: 0.000735,
    dynamoRcuHour: 0.000147,
    apiGatewayRestPerMillion: 3.5,
    s3StandardGbMonth: 0.023,
    logsIngestGb: 0.57,
    logsStorageGbMonth: 0.03,
  },
  'eu-central-1': {
    ...common,
    natGatewayHour: 0.052,
    natGatewayGb: 0.052,
    interfaceEndpointAzHour: 0.012,
    auroraAcuHour: 0.14,
    auroraStorageGbMonth: 0.12,
    auroraIoPerMillion: 0.24,
    dynamoWritePerMillion: 0.7625,
    dynamoReadPerMillion: 0.1525,
    dynamoReplicatedWritePerMillion: 0.7625,
    dynamoStorageGbMonth: 0.306,
    dynamoPitrGbMonth: 0.2448,
    dynamoWcuHour: 0.000793,
    dynamoRcuHour: 0.0001586,
    apiGatewayRestPerMillion: 3.7,
    s3StandardGbMonth: 0.0245,
    logsIngestGb: 0.63,
    logsStorageGbMonth: 0.0324,
  },
};
