/**
 * A KMS key used by an AWS service whose key policy does not let that service use it.
 *
 * A customer managed key is usable only by whom its key policy allows. The account-root statement
 * delegates to IAM policies, which covers roles and users, never AWS service principals. So every
 * service that encrypts or decrypts with the key on its own account needs a statement naming its
 * principal, with the actions it calls, and conditions it can satisfy: a condition on a key the
 * service does not send never matches, and the grant counts as missing. Found by following each
 * use through the catalog: a log group's KmsKeyId parameter ← security.KmsKeyArn output ← the
 * AWS::KMS::Key / ReplicaKey behind it, and its KeyPolicy. The uses checked:
 *
 * - CloudWatch Logs log groups (KmsKeyId): logs.<region>.amazonaws.com; kms:Encrypt*, Decrypt*,
 *   ReEncrypt*, GenerateDataKey*, Describe*; the documented condition key is
 *   kms:EncryptionContext:aws:logs:arn (the log group's ARN). Without the grant the log group is not
 *   created. https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * - SNS topics (KmsMasterKeyId) and the services that publish to them: the publisher's principal
 *   needs kms:GenerateDataKey* and kms:Decrypt, or its messages are dropped.
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 *   CloudWatch alarms (cloudwatch.amazonaws.com; aws:SourceAccount/SourceArn may be used):
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html;
 *   Budgets (budgets.amazonaws.com; aws:SourceAccount/SourceArn may be used):
 *   https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html;
 *   EventBridge rules (events.amazonaws.com; aws:SourceAccount/SourceArn are not supported in the
 *   key policy): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions;
 *   S3 event notifications (s3.amazonaws.com): https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 * - CloudTrail trails (KMSKeyId): cloudtrail.amazonaws.com; kms:GenerateDataKey* (condition keys
 *   kms:EncryptionContext:aws:cloudtrail:arn, aws:SourceArn, aws:SourceAccount) and kms:DescribeKey.
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * - AWS Config delivery to an S3 bucket encrypted with the key (the bucket's default encryption,
 *   or the channel's S3KmsKeyArn): kms:GenerateDataKey and kms:Decrypt for config.amazonaws.com or
 *   the role Config records with (its service-linked role holds no KMS permission of its own).
 *   https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
 */
import { DeployContext, actionMatches, conditionKeys, isObject, list, regionToken, statements, type DeployRule, type Path, type ResourceTarget, type RuleFinding, type StackInstance } from '../context';

interface Need {
  service: string;
  /** The principals that satisfy it, rendered for the key's region. */
  principals(region: string): string[];
  /** Principals of type AWS that satisfy it (a role ARN pattern), if any. */
  awsPrincipal?: (rendered: string) => boolean;
  actions: string[];
  /** Condition keys (lower case) the service's requests carry; a grant conditioned on others never matches. */
  conditionKeys: string[];
}

const LOGS: Need = {
  service: 'CloudWatch Logs',
  principals: (region) => [`logs.${regionToken(region)}.amazonaws.com`],
  actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
  conditionKeys: ['kms:encryptioncontext:aws:logs:arn', 'kms:encryptioncontextkeys'],
};
const SOURCE = ['aws:sourceaccount', 'aws:sourcearn'];
const publisher = (service: string, principal: string, keys: string[]): Need => ({
  service,
  principals: () => [principal],
  actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  conditionKeys: keys,
});
const CLOUDTRAIL: Need = {
  service: 'CloudTrail',
  principals: () => ['cloudtrail.amazonaws.com'],
  actions: ['kms:GenerateDataKey', 'kms:DescribeKey'],
  conditionKeys: ['kms:encryptioncontext:aws:cloudtrail:arn', 'kms:encryptioncontextkeys', ...SOURCE],
};
const CONFIG: Need = {
  service: 'AWS Config',
  principals: () => ['config.amazonaws.com'],
  awsPrincipal: (rendered) => rendered.includes('AWSServiceRoleForConfig'),
  actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  conditionKeys: SOURCE,
};

interface Use {
  need: Need;
  /** The instance whose template holds the key value (the user's, or the topic's or bucket's). */
  instance: StackInstance;
  /** The user of the key, for the message: stack:LogicalId. */
  user: string;
  key: unknown;
}

/** Every use of a key by a service in an instance. */
function uses(ctx: DeployContext, instance: StackInstance): Use[] {
  const found: Use[] = [];
  const viaTopic = (id: string, topicValue: unknown, need: Need) => {
    for (const topic of ctx.follow(instance, topicValue)) {
      if (topic.resource.Type !== 'AWS::SNS::Topic' || topic.attribute) continue;
      const key = topic.resource.Properties?.KmsMasterKeyId;
      if (key !== undefined) found.push({ need, instance: topic.instance, user: `${instance.stack}:${id} (publishing to ${topic.instance.stack}:${topic.id})`, key });
    }
  };
  for (const { id, resource } of ctx.resources(instance)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Logs::LogGroup':
        if (p.KmsKeyId !== undefined) found.push({ need: LOGS, instance, user: `${instance.stack}:${id}`, key: p.KmsKeyId });
        break;
      case 'AWS::CloudTrail::Trail':
        if (p.KMSKeyId !== undefined) found.push({ need: CLOUDTRAIL, instance, user: `${instance.stack}:${id}`, key: p.KMSKeyId });
        break;
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm':
        for (const action of [...list(p.AlarmActions), ...list(p.OKActions), ...list(p.InsufficientDataActions)]) viaTopic(id, action, publisher('CloudWatch alarms', 'cloudwatch.amazonaws.com', SOURCE));
        break;
      case 'AWS::Budgets::Budget':
        for (const n of list(p.NotificationsWithSubscribers)) {
          for (const s of list(isObject(n) ? n.Subscribers : undefined)) {
            if (isObject(s) && s.SubscriptionType === 'SNS') viaTopic(id, s.Address, publisher('Budgets', 'budgets.amazonaws.com', SOURCE));
          }
        }
        break;
      case 'AWS::Events::Rule':
        for (const t of list(p.Targets)) if (isObject(t)) viaTopic(id, t.Arn, publisher('EventBridge', 'events.amazonaws.com', []));
        break;
      case 'AWS::S3::Bucket': {
        const topics = list(isObject(p.NotificationConfiguration) ? p.NotificationConfiguration.TopicConfigurations : undefined);
        for (const t of topics) if (isObject(t)) viaTopic(id, t.Topic, publisher('S3 event notifications', 's3.amazonaws.com', SOURCE));
        break;
      }
      case 'AWS::Config::DeliveryChannel': {
        if (p.S3KmsKeyArn !== undefined) found.push({ need: CONFIG, instance, user: `${instance.stack}:${id}`, key: p.S3KmsKeyArn });
        else {
          for (const bucket of ctx.follow(instance, p.S3BucketName)) {
            if (bucket.resource.Type !== 'AWS::S3::Bucket') continue;
            const rules = list(isObject(bucket.resource.Properties?.BucketEncryption) ? (bucket.resource.Properties.BucketEncryption as Record<string, unknown>).ServerSideEncryptionConfiguration : undefined);
            for (const r of rules) {
              const sse = isObject(r) && isObject(r.ServerSideEncryptionByDefault) ? r.ServerSideEncryptionByDefault : undefined;
              if (sse && sse.KMSMasterKeyID !== undefined) found.push({ need: CONFIG, instance: bucket.instance, user: `${instance.stack}:${id} (delivering to ${bucket.instance.stack}:${bucket.id})`, key: sse.KMSMasterKeyID });
            }
          }
        }
        break;
      }
    }
  }
  return found;
}

/** What of a need the key policy leaves out: the actions no usable grant covers, and why grants that name the principal do not count. */
function missing(ctx: DeployContext, key: ResourceTarget, need: Need): { actions: string[]; unusable: string[] } {
  const policy = key.resource.Properties?.KeyPolicy;
  const grants = statements(policy, []).filter(({ statement }) => statement.Effect === 'Allow');
  const principalsWanted = need.principals(key.instance.region);
  const unusable: string[] = [];
  const usable = grants.filter(({ statement }) => {
    if (!namesPrincipal(ctx, key.instance, statement.Principal, principalsWanted, need)) return false;
    const bad = conditionKeys(statement).filter((k) => !need.conditionKeys.includes(k));
    if (bad.length) {
      unusable.push(`${typeof statement.Sid === 'string' ? statement.Sid : 'a statement'} is conditioned on ${bad.join(', ')}, which ${need.service} does not send`);
      return false;
    }
    return true;
  });
  const actions = need.actions.filter((action) => !usable.some(({ statement }) => allows(statement, action)));
  return { actions, unusable };
}

function allows(statement: Record<string, unknown>, action: string): boolean {
  if ('NotAction' in statement) return !list(statement.NotAction).some((p) => typeof p === 'string' && actionMatches(p, action));
  return list(statement.Action).some((p) => typeof p === 'string' && actionMatches(p, action));
}

function namesPrincipal(ctx: DeployContext, instance: StackInstance, principal: unknown, wanted: string[], need: Need): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  for (const p of ctx.branches(instance, principal.Service).flatMap((v) => list(v))) {
    const rendered = ctx.render(instance, p);
    // A principal lint cannot render is given the benefit of the doubt.
    if (rendered === undefined || DeployContext.isOpaque(rendered) || wanted.includes(rendered)) return true;
  }
  if (need.awsPrincipal) {
    for (const p of ctx.branches(instance, principal.AWS).flatMap((v) => list(v))) {
      const rendered = ctx.render(instance, p);
      if (rendered === '*' || (rendered !== undefined && need.awsPrincipal(rendered))) return true;
    }
  }
  return false;
}

const rule: DeployRule = {
  id: 'kms-service-access',
  title: 'Key policies let the services that use a key use it',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
    'https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions',
    'https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html',
  ],
  check(ctx) {
    // One finding per key and service, listing its users.
    const problems = new Map<string, { key: ResourceTarget; need: Need; users: Set<string>; detail: { actions: string[]; unusable: string[] } }>();
    for (const instance of ctx.instances) {
      for (const use of uses(ctx, instance)) {
        for (const key of ctx.follow(use.instance, use.key)) {
          if (key.resource.Type !== 'AWS::KMS::Key' && key.resource.Type !== 'AWS::KMS::ReplicaKey') continue;
          if (!ctx.exists(key.instance, key.id)) continue;
          const detail = missing(ctx, key, use.need);
          if (detail.actions.length === 0) continue;
          const id = `${key.instance.template.file}:${key.id}:${use.need.service}`;
          const entry = problems.get(id) ?? { key, need: use.need, users: new Set<string>(), detail };
          entry.users.add(use.user);
          problems.set(id, entry);
        }
      }
    }
    const findings: RuleFinding[] = [];
    for (const { key, need, users, detail } of problems.values()) {
      const path: Path = ['Resources', key.id, 'Properties', 'KeyPolicy'];
      const principal = need.principals(key.instance.region).map((p) => DeployContext.show(p)).join(' or ');
      findings.push({
        template: key.instance.template,
        path,
        message:
          `${key.id}: the key policy does not let ${need.service} (${principal}) use the key for ${detail.actions.join(', ')}` +
          `${detail.unusable.length ? ` (${detail.unusable.join('; ')})` : ''}; it is used by ${[...users].sort().join(', ')}`,
      });
    }
    return findings;
  },
};
export default rule;
