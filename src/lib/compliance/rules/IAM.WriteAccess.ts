import { ONLY_ON_EVERY_RESOURCE, POLICY_HOLDERS, identityStatements, isWriteAction } from '../iam-actions';
import { actionsOf, hasCondition, onEveryResource, resourceRule, statementViolation } from '../kit';

export default resourceRule(
  {
    id: 'IAM.WriteAccess',
    checkov: ['CKV_AWS_111'],
    title: 'IAM policies allow no write actions on every resource without a condition',
    severity: 'medium',
    resourceTypes: POLICY_HOLDERS,
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    remediation:
      'Name the resources each write action applies to; actions that exist only on "*" (Lambda VPC network interfaces, X-Ray segments, log delivery) are accepted; anything else needs a Condition or a suppression with its reason.',
  },
  (ctx) =>
    identityStatements(ctx).flatMap(({ statement, path }) => {
      if (!onEveryResource(statement) || hasCondition(statement)) return [];
      const writes = statement.NotAction !== undefined ? ['NotAction'] : actionsOf(statement).filter((a) => (a === '*' || isWriteAction(a)) && !ONLY_ON_EVERY_RESOURCE.has(a));
      return writes.length ? [statementViolation(`${ctx.id} allows writes on every resource: ${writes.slice(0, 5).join(', ')}${writes.length > 5 ? ', …' : ''}`, path)] : [];
    }),
);
