import { z } from 'zod';
import { isAwsRegion, suggestRegion } from './regions';

const region = z.string().superRefine((value, ctx) => {
  if (isAwsRegion(value)) return;
  const suggestion = suggestRegion(value);
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not an AWS region${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  });
});

/** A value for both regions, or one per region: `2`, or `{ primary: 2, secondary: 1 }`. */
const perRegion = <T extends z.ZodType>(value: T) => z.union([value, z.object({ primary: value, secondary: value }).strict()]);

/**
 * Auto scaling of one direction (reads or writes) of a provisioned table: Application Auto Scaling keeps
 * consumed/provisioned near the target, between min and max capacity units.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html (target 20-90 %)
 */
const scaling = z
  .object({
    min: z.number().int().min(1).max(40_000),
    max: z.number().int().min(1).max(40_000),
    targetUtilization: z.number().int().min(20, 'must be 20-90 (per cent)').max(90, 'must be 20-90 (per cent)'),
  })
  .strict()
  .refine((s) => s.max >= s.min, { message: 'must be at least min', path: ['max'] });

const CAPACITY_MODES = ['on-demand', 'provisioned'] as const;
/** How a DynamoDB table is billed: per request (on-demand), or provisioned capacity with auto scaling. */
const tableCapacity = z
  .object({
    mode: z.string().refine((m) => (CAPACITY_MODES as readonly string[]).includes(m), { message: 'must be on-demand or provisioned' }),
    read: scaling.optional(),
    write: scaling.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const missing = (['read', 'write'] as const).filter((key) => !t[key]);
    const extra = (['read', 'write'] as const).filter((key) => t[key]);
    if (t.mode === 'provisioned' && missing.length) {
      ctx.addIssue({ code: 'custom', message: `is required for provisioned capacity: { min, max, targetUtilization }${missing.length > 1 ? ' (and write likewise)' : ''}`, path: [missing[0]!] });
    } else if (t.mode === 'on-demand' && extra.length) {
      ctx.addIssue({ code: 'custom', message: 'applies to provisioned capacity only (mode is on-demand)', path: [extra[0]!] });
    }
  });
export type TableCapacity = z.infer<typeof tableCapacity>;

/** The tables of the data stack, as named in cafe-ops.yml. */
export const TABLES = ['menu', 'carts', 'idempotency', 'control'] as const;
/** The functions kept warm with provisioned concurrency, and the tables each writes. */
export const WARM_FUNCTIONS = { orders: ['carts', 'idempotency'], payments: ['idempotency'], menu: ['menu'] } as const satisfies Record<string, readonly (typeof TABLES)[number][]>;

/** Route 53 health checker regions (HealthCheckConfig.Regions valid values; at least 3 when set). */
export const CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;

/**
 * When the database secrets rotate: a Secrets Manager schedule expression. At most every 90 days (Security Hub
 * SecretsManager.4); an hourly rate from 4 hours (Secrets Manager's minimum); cron with its six fields.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export const ROTATION_SCHEDULE_MESSAGE = 'must be rate(N days) with N from 1 to 90, rate(N hours) with N from 4 to 24, or cron(minutes hours day-of-month month day-of-week year)';
export function isRotationSchedule(value: string): boolean {
  const rate = /^rate\((\d{1,3}) (hours?|days?)\)$/.exec(value);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.startsWith('hour') ? 'hours' : 'days';
    // AWS writes "rate(1 day)" and "rate(2 days)": the singular for one only.
    if ((n === 1) !== !rate[2]!.endsWith('s')) return false;
    return unit === 'days' ? n >= 1 && n <= 90 : n >= 4 && n <= 24;
  }
  return /^cron\((\S+ ){5}\S+\)$/.test(value);
}
const rotationSchedule = z.string().refine(isRotationSchedule, { message: ROTATION_SCHEDULE_MESSAGE });

const sizes = z
  .object({
    /** NAT gateways per region (0-2): 0 = no internet egress, 1 = cheap (one AZ's egress), 2 = one per AZ. */
    natGateways: perRegion(z.number().int().min(0).max(2)),
    /** Interface endpoints (Secrets Manager, Step Functions) per region: in every AZ, in one AZ, or off (through NAT). */
    interfaceEndpoints: perRegion(z.enum(['every-az', 'one-az', 'off'], { message: 'must be every-az, one-az or off' })).optional(),
    /** Aurora Serverless v2 capacity in ACUs (0.5 steps). */
    auroraMinCapacity: z.number().min(0).max(256).multipleOf(0.5),
    auroraMaxCapacity: z.number().min(1).max(256).multipleOf(0.5),
    /** Aurora minimum capacity in the warm secondary region (defaults to auroraMinCapacity). */
    secondaryAuroraMinCapacity: z.number().min(0).max(256).multipleOf(0.5).optional(),
    /** Aurora instances per region (1-2; default 2): a second instance in another AZ survives the loss of an AZ. */
    auroraInstances: perRegion(z.number().int().min(1).max(2)).optional(),
    /** The secondary cluster: warm (its instances run, as auroraInstances says) or headless (storage only, no instance). */
    secondaryAurora: z.enum(['warm', 'headless'], { message: 'must be warm or headless' }).optional(),
    /** Provisioned concurrency per critical function (0 = none; the alias serves on-demand). */
    provisionedConcurrency: z
      .object({ orders: z.number().int().min(0).max(1000), payments: z.number().int().min(0).max(1000), menu: z.number().int().min(0).max(1000) })
      .partial()
      .strict()
      .optional(),
    /** Capacity mode per DynamoDB table (default on-demand). */
    dynamoDb: z.object({ menu: tableCapacity, carts: tableCapacity, idempotency: tableCapacity, control: tableCapacity }).partial().strict().optional(),
    /** How Route 53 checks each region's /health: every 10 or 30 s, from every checker region or from the ones listed (at least 3). */
    healthCheck: z
      .object({
        intervalSeconds: z.union([z.literal(10), z.literal(30)], { message: 'must be 10 or 30 (the Route 53 request intervals)' }),
        checkerRegions: z
          .array(z.enum(CHECKER_REGIONS, { message: `must be a Route 53 checker region: ${CHECKER_REGIONS.join(', ')}` }))
          .min(3, 'needs at least 3 regions (Route 53 checks from all when none are listed)')
          .refine((r) => new Set(r).size === r.length, 'lists a region twice')
          .optional(),
      })
      .strict()
      .optional(),
    /** Cognito feature plan: PLUS adds threat protection (AdvancedSecurityMode ENFORCED needs it). */
    cognitoTier: z.enum(['LITE', 'ESSENTIALS', 'PLUS'], { message: 'must be LITE, ESSENTIALS or PLUS' }).optional(),
    /** Share of API requests X-Ray traces (0-1; 0 turns tracing off). Health checks are never traced. */
    xraySampling: z.number().min(0).max(1).optional(),
    /** API Gateway per-method CloudWatch metrics (custom metrics, billed per metric). */
    apiDetailedMetrics: z.boolean().optional(),
    logRetentionDays: z.union(
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((n) =>
        z.literal(n),
      ) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
      { message: 'must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653' },
    ),
    backupRetentionDays: z.number().int().min(1).max(35),
    /**
     * CloudWatch dashboards: one in each region (per-region, default), or one, in the primary region, with the widgets
     * of both (dashboards are global to the account; a widget names its region). docs/cost.md says what each costs.
     */
    dashboards: z.enum(['per-region', 'one'], { message: 'must be per-region or one' }).optional(),
    /** When the Aurora secrets (app user and administrator) rotate (default rate(30 days)); docs/failover.md. */
    secretRotation: rotationSchedule.optional(),
  })
  .strict()
  .refine((s) => s.auroraMaxCapacity >= s.auroraMinCapacity, {
    message: 'must be at least auroraMinCapacity',
    path: ['auroraMaxCapacity'],
  })
  .superRefine((s, ctx) => {
    const isolated = (['primary', 'secondary'] as const).filter((role) => {
      const nat = typeof s.natGateways === 'number' ? s.natGateways : s.natGateways[role];
      const endpoints = typeof s.interfaceEndpoints === 'object' ? s.interfaceEndpoints[role] : (s.interfaceEndpoints ?? 'every-az');
      return nat === 0 && endpoints === 'off';
    });
    const role = isolated[0];
    if (role) {
      ctx.addIssue({
        code: 'custom',
        path: ['natGateways', ...(typeof s.natGateways === 'number' ? [] : [role])],
        message: `is 0 in the ${isolated.join(' and ')} region${isolated.length > 1 ? 's' : ''} while interfaceEndpoints is off there: the functions would reach neither Secrets Manager nor Step Functions`,
      });
    }
    for (const [fn, tables] of Object.entries(WARM_FUNCTIONS)) {
      const warm = s.provisionedConcurrency?.[fn as keyof typeof WARM_FUNCTIONS] ?? 0;
      for (const table of tables) {
        const capacity = s.dynamoDb?.[table];
        if (warm > 0 && capacity?.mode === 'provisioned' && capacity.write && capacity.write.max < warm) {
          ctx.addIssue({
            code: 'custom',
            path: ['dynamoDb', table, 'write', 'max'],
            message: `is ${capacity.write.max}, below provisionedConcurrency.${fn} (${warm}): the warm ${fn} function could write faster than the ${table} table may ever scale to`,
          });
        }
      }
    }
  });

export const environmentSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quote it in YAML)'),
    primaryRegion: region,
    secondaryRegion: region,
    domain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case DNS name such as cafe.example.com'),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'),
    alertEmail: z.email('must be an e-mail address'),
    monthlyBudget: z.number().positive('must be a positive amount in USD'),
    /**
     * Who runs cafe-ops against this environment from a laptop: a named profile of ~/.aws/config, and/or a role
     * assumed with it (AssumeRole), with the MFA device whose code is asked for in a terminal. --profile and
     * --role-arn override them; credentials already in the environment (AWS_ACCESS_KEY_ID, as GitHub Actions'
     * configure-aws-credentials exports them) take the place of all three.
     */
    profile: z.string().regex(/^[\w+=,.@/-]{1,128}$/, 'must be a profile name of ~/.aws/config').optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN such as arn:aws:iam::111111111111:role/cafe-staging-admin').optional(),
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: SerialNumber is a device ARN or a hardware serial.
    mfaSerial: z.string().regex(/^(arn:aws[a-z-]*:iam::\d{12}:mfa\/[\w+=,.@/-]+|[\w+=/:,.@-]{9,256})$/, 'must be an MFA device ARN such as arn:aws:iam::111111111111:mfa/alice').optional(),
    /**
     * Role CloudFormation assumes to change the stacks (the ci stack's CloudFormationRoleArn output). Unset,
     * CloudFormation acts with the caller's own credentials, as on the first deploy by an administrator.
     */
    cloudFormationRole: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN (the ci stack output CloudFormationRoleArn)')
      .optional(),
    /**
     * Account-wide things the account already has, which the stacks then reuse instead of creating:
     * an account holds one GitHub OIDC provider per URL and one AWS Config service-linked role, and
     * creating a second fails (EntityAlreadyExists / InvalidInput).
     */
    existing: z
      .object({
        /** ARN of the account's oidc-provider/token.actions.githubusercontent.com. */
        githubOidcProvider: z
          .string()
          .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, 'must be the ARN of an IAM OIDC provider for token.actions.githubusercontent.com')
          .optional(),
        /** true when AWSServiceRoleForConfig already exists in the account. */
        configServiceLinkedRole: z.boolean().optional(),
      })
      .strict()
      .optional(),
    sizes,
  })
  .strict()
  .refine((e) => e.primaryRegion !== e.secondaryRegion, {
    message: 'must differ from primaryRegion: the secondary region is the disaster-recovery copy',
    path: ['secondaryRegion'],
  })
  .refine((e) => !e.mfaSerial || e.roleArn, {
    message: 'needs roleArn: the MFA code is sent when cafe-ops assumes that role (for a profile, put mfa_serial in ~/.aws/config)',
    path: ['mfaSerial'],
  });

export const configSchema = z
  .object({
    project: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'must be 2-21 lower-case letters, digits or hyphens, starting with a letter'),
    costCenter: z.string().min(1).max(64),
    /** GitHub repository (owner/name) allowed to deploy through the CI role. */
    githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name').optional(),
    environments: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'environment names are lower-case letters, digits and hyphens'), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, 'must define at least one environment'),
  })
  .strict();

export type CafeConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type EnvironmentSizes = EnvironmentConfig['sizes'];
