import { ESCALATION, POLICY_HOLDERS, identityStatements } from '../iam-actions';
import { get, grantedActions, isObject, onEveryResource, resourceRule, statementViolation } from '../kit';

/** Whether a statement's Condition pins the permissions boundary (iam:PermissionsBoundary) of what it creates or changes. */
function requiresBoundary(condition: unknown): boolean {
  return isObject(condition) && Object.values(condition).some((block) => isObject(block) && Object.keys(block).some((k) => k.toLowerCase() === 'iam:permissionsboundary'));
}

export default resourceRule(
  {
    id: 'IAM.PrivilegeEscalation',
    checkov: ['CKV_AWS_110'],
    title: 'IAM policies allow no privilege escalation (role and policy changes without a permissions boundary, PassRole on any role)',
    severity: 'high',
    resourceTypes: POLICY_HOLDERS,
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    remediation:
      'Allow iam:CreateRole, iam:PutRolePolicy, iam:AttachRolePolicy and the other policy-changing actions only with Condition StringEquals iam:PermissionsBoundary <the boundary ARN>, on named roles; allow iam:PassRole only on named roles, with iam:PassedToService.',
  },
  (ctx) =>
    identityStatements(ctx).flatMap(({ statement, path }) => {
      const found: string[] = [];
      const escalation = grantedActions(statement, ESCALATION);
      if (escalation.length && !requiresBoundary(statement.Condition)) found.push(...escalation);
      if (grantedActions(statement, ['iam:passrole']).length && onEveryResource(statement) && !get(statement.Condition, 'StringEquals', 'iam:PassedToService')) found.push('iam:passrole on every role');
      return found.length ? [statementViolation(`${ctx.id} allows privilege escalation without a permissions boundary: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}`, path)] : [];
    }),
);
