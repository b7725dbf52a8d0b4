/**
 * AWS public on-demand list prices (USD) used by `cafe-ops cost estimate`, for the regions of the
 * sample config and the edge. Taken on 2026-11-25 from the public pricing pages listed in SOURCES;
 * first pricing tier only, no free tier (except Cognito's included users), no Savings Plans, no
 * taxes. Prices change: check a figure against its page before relying on it for a decision.
 *
 * CHECKED says, for each price the per-environment knobs added or touched, how it was checked on
 * 2026-12-01 and against which source. The other figures are the regional list prices as published on
 * the SOURCES pages on TAKEN_ON.
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
 * How each price added or touched for the per-environment knobs was last checked (2026-12-01), against
 * what. AWS's pricing pages render their rate tables in the browser, so the stored copies of
 * aws.amazon.com/<service>/pricing/ show the text and the worked examples but no table figures:
 * - "confirmed": the figure is on an AWS page or in an AWS-published file, or in a dated verbatim
 *   transcription of the AWS page's own text (named in the note);
 * - "corroborated": no AWS source shows it; independent sources that quote the AWS page agree (named);
 *   what was searched is in the note;
 * - "not found": no stored source shows it; what was searched is in the note.
 * Only us-east-1 figures are confirmed anywhere below: the Ireland and Frankfurt figures of the same
 * pages (Aurora, NAT, endpoints, logs, DynamoDB, API Gateway in Frankfurt) are "not found" in any stored
 * source and stay as read on TAKEN_ON. No figure differed from a source, so none changed.
 */
export type CheckStatus = 'confirmed' | 'corroborated' | 'not found';

export interface PriceCheck {
  on: string;
  status: CheckStatus;
  /** The AWS pricing page the figure belongs to. */
  source: string;
  note: string;
}

const CHECKED_ON = '2026-12-01';
const EXAMPLES_ONLY = 'the stored copies of the AWS page show no table figures';

export const CHECKED: Partial<Record<keyof RegionPrices, PriceCheck>> = {
  kmsKeyMonth: { on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/kms/pricing/', note: '$1/month per key, each primary and replica multi-Region key, on the stored page' },
  kmsRotationMonth: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/kms/pricing/',
    note: 'each newly generated backing key adds $1/month, on the stored page; that only the first two rotations are charged (April 2024) is not on the stored copy: searched docs for "KMS key rotation pricing first and second rotation charged", not found',
  },
  xrayTracesPerMillion: { on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/xray/pricing/', note: '$5.00 per million traces recorded (first 100,000 a month free, not applied), on the stored page' },
  lambdaArmProvisionedGbSecond: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/lambda/pricing/',
    note: `Arm provisioned concurrency $0.0000033334/GB-s (US East; Ireland and Frankfurt charge the same Lambda rates). ${EXAMPLES_ONLY} (https://aws.amazon.com/lambda/pricing/?nc1=h_ls); searched docs and pages for "Lambda provisioned concurrency price per GB-second Arm" and the figure itself. Agrees: https://awsnegotiations.com/lambda-provisioned-concurrency-cost.html (arm64 ~$0.0000033334, x86 $0.0000041667: Arm is the x86 price less 20 %)`,
  },
  lambdaArmProvisionedDurationGbSecond: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/lambda/pricing/',
    note: `Arm duration on provisioned concurrency $0.0000077778/GB-s: as above; x86 $0.0000097222 less 20 % (https://awsnegotiations.com/lambda-provisioned-concurrency-cost.html). ${EXAMPLES_ONLY}`,
  },
  cognitoMau: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/cognito/pricing/',
    note: 'Essentials $0.015/MAU above 10,000 free MAU: in the AWS page\'s worked examples as transcribed verbatim on 2026-09-20, https://raw.githubusercontent.com/api-evangelist/amazon-cognito/refs/heads/main/plans/amazon-cognito-plans-pricing.yml',
  },
  cognitoPlusMau: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/cognito/pricing/',
    note: 'Plus $0.020/MAU, "There is no free tier for the Plus tier": the AWS page\'s worked example as transcribed verbatim on 2026-09-20 (https://raw.githubusercontent.com/api-evangelist/amazon-cognito/refs/heads/main/plans/amazon-cognito-plans-pricing.yml)',
  },
  cognitoLiteMau: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/cognito/pricing/',
    note: 'Lite $0.0055/MAU after the first 10,000 (the first paid tier; a later tier is $0.0046): the AWS page\'s worked example as transcribed verbatim on 2026-09-20 (same file as cognitoMau)',
  },
  cloudWatchMetricMonth: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/cloudwatch/pricing/',
    note: `$0.30 per metric-month for the first 10,000 metrics. ${EXAMPLES_ONLY}; searched docs and pages for "CloudWatch custom metrics price". Agrees: the tier table copied from https://aws.amazon.com/jp/cloudwatch/pricing/ in https://github.com/nishinoshake/aws-rough/issues/37 ($0.30 up to 10,000), https://cal53.calculator.city/cloudwatch-custom-metrics-calculator/`,
  },
  dynamoWcuHour: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
    note: `US East $0.00065/WCU-h: ${EXAMPLES_ONLY} (its text, key terms and rWCU definition are stored); searched docs and pages for "DynamoDB provisioned capacity price per WCU hour" and "WriteCapacityUnit-Hrs". Agrees: a published bill, 26,040 WriteCapacityUnit-Hrs $16.93 = $0.00065 (a case-study post found by its text, no address). Ireland and Frankfurt are derived with the on-demand write ratio of the same pages: not found. Replicated WCUs of global tables at the WCU price since November 2024`,
  },
  dynamoRcuHour: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
    note: 'US East $0.00013/RCU-h: as for WCUs (the same bill: 521,570 ReadCapacityUnit-Hrs $67.80 = $0.00013); Ireland and Frankfurt derived, not found',
  },
  natGatewayHour: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/vpc/pricing/',
    note: 'US East $0.045 per NAT gateway-hour: the AWS page\'s example as transcribed verbatim on 2026-09-20 (https://raw.githubusercontent.com/api-evangelist/amazon-vpc/refs/heads/main/plans/amazon-vpc-plans-pricing.yml). Ireland $0.048 and Frankfurt $0.052: searched docs and pages for "NAT gateway hourly price" Ireland/Frankfurt; only a range, Europe ~$0.048-$0.052 (https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/)',
  },
  natGatewayGb: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/vpc/pricing/',
    note: 'US East $0.045 per GB processed: the same transcribed example; Ireland and Frankfurt as for the hourly price (a range only)',
  },
  interfaceEndpointAzHour: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/privatelink/pricing/',
    note: `US East $0.01 per endpoint per AZ-hour: the stored AWS page (https://aws.amazon.com/jp/privatelink/pricing/) shows the data-processing tiers ($0.01/GB for the first PB, not priced here: idle traffic is near 0) but not the hourly figure; searched docs and pages for "interface endpoint hourly price". Agrees: https://www.egresscost.com/nat-gateway ($7.20/AZ a month). Ireland $0.011 and Frankfurt $0.012: not found`,
  },
  healthCheckMonth: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/route53/pricing/',
    note: '$0.50 per health check per month (AWS endpoints; $0.75 others): the AWS page as transcribed verbatim on 2026-09-20 (https://raw.githubusercontent.com/api-evangelist/amazon-route53-resolver/refs/heads/main/plans/amazon-route53-resolver-plans-pricing.yml). The page also makes up to 50 health checks for AWS endpoints free; not applied, as for the first 3 dashboards: the account may hold others',
  },
  healthCheckFeatureMonth: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/route53/pricing/',
    note: '$1.00 per optional feature (HTTPS, string matching, fast interval, latency) per month for AWS endpoints: the same transcription',
  },
  wafWebAclMonth: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/waf/pricing/',
    note: `$5 per web ACL a month. ${EXAMPLES_ONLY}; AWS's own cost guide (https://aws.github.io/aws-security-services-best-practices/guides/waf/waf-cost/docs/) names the dimensions and defers to the page; searched docs and pages for "WAF web ACL price". Agrees: https://c3x.dev/blog/aws-waf-cost-explained/, https://awsnegotiations.com/waf-pricing-strategy.html`,
  },
  wafRuleMonth: { on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/waf/pricing/', note: '$1 per rule (a managed rule group counts as one rule, per AWS\'s cost guide above) a month: as for the web ACL' },
  wafRequestsPerMillion: { on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/waf/pricing/', note: '$0.60 per million requests inspected: as for the web ACL' },
  auroraAcuHour: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/rds/aurora/pricing/',
    note: 'US East $0.12 per ACU-hour (Aurora Standard): AWS\'s own static price of its ACU calculator, updated 2026-03-28 (https://raw.githubusercontent.com/aws/agent-toolkit-for-aws/main/skills/specialized-skills/database-skills/amazon-aurora-mysql/scripts/acu_calculator.py). Ireland $0.13 and Frankfurt $0.14: searched docs and pages for "Aurora Serverless v2 ACU hour price" Ireland/Frankfurt, not found',
  },
  auroraStorageGbMonth: { on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/rds/aurora/pricing/', note: 'US East $0.10 per GB-month (Standard): the same AWS file; Ireland and Frankfurt not found' },
  logsIngestGb: {
    on: CHECKED_ON, status: 'corroborated', source: 'https://aws.amazon.com/cloudwatch/pricing/',
    note: `US East $0.50 per GB ingested (Standard log class, first 10 TB). ${EXAMPLES_ONLY}; searched docs and pages for "CloudWatch Logs ingestion price". Agrees: https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026). Ireland $0.57 and Frankfurt $0.63: not found`,
  },
  apiGatewayRestPerMillion: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/api-gateway/pricing/',
    note: '$3.50 per million REST API calls (first 333 million; US): the AWS page\'s worked example as transcribed verbatim on 2026-09-20 (https://raw.githubusercontent.com/api-evangelist/amazon-web-services/refs/heads/main/plans/amazon-web-services-plans-pricing.yml). Ireland $3.50 and Frankfurt $3.70: searched docs and pages for "API Gateway REST price", not found',
  },
  secretMonth: {
    on: CHECKED_ON, status: 'confirmed', source: 'https://aws.amazon.com/secrets-manager/pricing/',
    note: '$0.40 per secret a month, "a replica secret is considered a distinct secret": the AWS page\'s examples as transcribed verbatim on 2026-09-20 (https://raw.githubusercontent.com/api-evangelist/amazon-secrets-manager/refs/heads/main/plans/amazon-secrets-manager-plans-pricing.yml)',
  },
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
