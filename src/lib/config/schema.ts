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

const sizes = z
  .object({
    /** NAT gateways per region: 1 is cheap (one AZ's egress), one per AZ is resilient. */
    natGateways: z.number().int().min(1).max(2),
    /** Aurora Serverless v2 capacity in ACUs (0.5 steps). */
    auroraMinCapacity: z.number().min(0).max(256).multipleOf(0.5),
    auroraMaxCapacity: z.number().min(1).max(256).multipleOf(0.5),
    /** Aurora minimum capacity in the warm secondary region (defaults to auroraMinCapacity). */
    secondaryAuroraMinCapacity: z.number().min(0).max(256).multipleOf(0.5).optional(),
    logRetentionDays: z.union(
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((n) =>
        z.literal(n),
      ) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
      { message: 'must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653' },
    ),
    backupRetentionDays: z.number().int().min(1).max(35),
  })
  .strict()
  .refine((s) => s.auroraMaxCapacity >= s.auroraMinCapacity, {
    message: 'must be at least auroraMinCapacity',
    path: ['auroraMaxCapacity'],
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
