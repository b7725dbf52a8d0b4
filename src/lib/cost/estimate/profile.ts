/**
 * The usage profile an estimate is priced at: how busy the café is. Defaults describe a small
 * café chain; `--usage FILE` (YAML or JSON) overrides any of them.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../errors';

const count = z.number().min(0);

export const usageProfileSchema = z
  .object({
    /** Orders placed per day. */
    ordersPerDay: count.default(400),
    /** Orders per hour at the lunch peak ÷ the day's average orders per hour. */
    lunchPeakFactor: z.number().min(1).max(24).default(4),
    /** Hours a day the lunch peak lasts. */
    peakHoursPerDay: z.number().min(0).max(24).default(2),
    /** Storefront page views per day (CloudFront). */
    pageViewsPerDay: count.default(6000),
    /** Data in Aurora (GB). */
    dataStoredGb: count.default(10),
    /** Data in DynamoDB across all tables (GB). */
    dynamoStoredGb: count.default(1),
    /** Customers signing in per month (Cognito). */
    monthlyActiveUsers: count.default(3000),
    /** API calls per order: menu, cart, place, status polls, barista updates. */
    apiCallsPerOrder: count.default(12),
    /** API calls per page view (the menu). */
    apiCallsPerPageView: count.default(1),
    /** Average Lambda duration per call (ms). */
    lambdaMsPerCall: count.default(120),
    /** Step Functions state transitions per order. */
    stateTransitionsPerOrder: count.default(12),
    /** DynamoDB writes per order (cart, idempotency, control). */
    dynamoWritesPerOrder: count.default(6),
    /** DynamoDB reads per API call. */
    dynamoReadsPerCall: count.default(1),
    /** Aurora I/O operations per order. */
    auroraIoPerOrder: count.default(200),
    /** Orders per hour one ACU handles above the minimum capacity. */
    ordersPerAcuHour: z.number().positive().default(1500),
    /** Bytes CloudFront sends per page view (KB). */
    pageWeightKb: count.default(600),
    /** HTTPS requests CloudFront serves per page view. */
    requestsPerPageView: count.default(12),
    /** Log bytes written per API call or Lambda invocation (KB). */
    logKbPerCall: count.default(2),
    /** Traffic through the NAT gateways per region per month (GB): the payment provider, package fetches. */
    natGbPerMonth: count.default(5),
    /** VPC flow log volume per region per month (GB). */
    flowLogGbPerMonth: count.default(2),
    /** Route 53 health checkers probing each endpoint from all 8 checker regions (a health check listing fewer regions gets its share). */
    healthCheckers: count.default(16),
    /** Configuration items AWS Config records per region per month. */
    configItemsPerMonth: count.default(1500),
    /** Evaluations per Config rule per month. */
    configEvaluationsPerRule: count.default(300),
    /** Storage per S3 bucket (GB). */
    s3GbPerBucket: count.default(1),
    /** Management events the multi-region trail delivers to its CloudWatch Logs group per month (GB): deploys, drills, AWS services. */
    trailGbPerMonth: count.default(0.5),
    /**
     * Age of the KMS keys (days): each of the first two automatic rotations adds $1 a month, so a key with yearly
     * rotation costs $1 a month in its first year, $2 in its second and $3 from its third. 0: the first year.
     */
    keyAgeDays: count.default(0),
  })
  .strict();

export type UsageProfile = z.infer<typeof usageProfileSchema>;

export const DEFAULT_PROFILE: UsageProfile = usageProfileSchema.parse({});

export async function loadUsageProfile(file?: string): Promise<UsageProfile> {
  if (!file) return DEFAULT_PROFILE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`usage profile not found: ${file}`);
    throw error;
  }
  return parseUsageProfile(text, file);
}

export function parseUsageProfile(text: string, label = 'usage profile'): UsageProfile {
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (error) {
    throw new UserError(`${label}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = usageProfileSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.join('.') || '(top level)';
  const message = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  throw new UserError(`${label}: ${key}: ${message}`, `known keys: ${Object.keys(usageProfileSchema.shape).join(', ')}`);
}
