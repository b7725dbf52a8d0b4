/**
 * A policy that can create or change roles without a permissions-boundary condition.
 *
 * Whoever may create a role, or put, attach or detach its policies, or change its boundary or its
 * trust, can make an administrator and assume it. AWS's pattern for delegating role management
 * is a permissions boundary the delegate must set: allow iam:CreateRole, iam:PutRolePolicy,
 * iam:AttachRolePolicy ... only with the condition key iam:PermissionsBoundary naming the
 * boundary policy (or deny them unless it does), and never allow removing the boundary. A
 * statement of an AWS::IAM::Role, Policy or ManagedPolicy that allows any of those actions
 * (directly or through a wildcard such as iam:*, iam:Create* or *) with no condition on
 * iam:PermissionsBoundary, and no Deny in the same policy that requires it, is a finding.
 *
 * Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (delegating
 * responsibility to others using permissions boundaries), https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 * (the iam:PermissionsBoundary condition key and the actions it applies to).
 */
import { actionMatches, conditionKeys, isObject, list, statements, type DeployRule, type Path, type RuleFinding } from '../context';

/** Actions that create a role or change what it may do or who may assume it. */
export const ROLE_CHANGING_ACTIONS = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
];

const BOUNDARY_KEY = 'iam:permissionsboundary';

/** The role-changing actions a statement allows (Action patterns, or everything a NotAction leaves). */
function allowed(statement: Record<string, unknown>): string[] {
  if ('NotAction' in statement) {
    const excluded = list(statement.NotAction).filter((a): a is string => typeof a === 'string');
    return ROLE_CHANGING_ACTIONS.filter((action) => !excluded.some((p) => actionMatches(p, action)));
  }
  const patterns = list(statement.Action).filter((a): a is string => typeof a === 'string');
  return ROLE_CHANGING_ACTIONS.filter((action) => patterns.some((p) => actionMatches(p, action)));
}

/** The policy documents of an IAM resource, with their key paths. */
function documents(type: string, properties: Record<string, unknown> | undefined, base: Path): { document: unknown; path: Path }[] {
  if (!properties) return [];
  if (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User' || type === 'AWS::IAM::Group') {
    return list(properties.Policies).flatMap((p, i) => (isObject(p) ? [{ document: p.PolicyDocument, path: [...base, 'Policies', i, 'PolicyDocument'] }] : []));
  }
  return [{ document: properties.PolicyDocument, path: [...base, 'PolicyDocument'] }];
}

const rule: DeployRule = {
  id: 'role-boundary',
  title: 'Roles that manage roles require a permissions boundary',
  level: 'error',
  docs: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html',
  ],
  check(ctx) {
    const findings: RuleFinding[] = [];
    const types = new Set(['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group']);
    for (const instance of ctx.instances) {
      for (const { id, resource } of ctx.resources(instance, (t) => types.has(t))) {
        for (const { document, path } of documents(resource.Type, resource.Properties, ['Resources', id, 'Properties'])) {
          const all = statements(document, path);
          // A Deny that requires the boundary (StringNotEquals iam:PermissionsBoundary ...) covers the actions it lists.
          const guarded = all
            .filter(({ statement }) => statement.Effect === 'Deny' && conditionKeys(statement).includes(BOUNDARY_KEY))
            .flatMap(({ statement }) => allowed(statement));
          for (const { statement, path: at } of all) {
            if (statement.Effect !== 'Allow') continue;
            if (conditionKeys(statement).includes(BOUNDARY_KEY)) continue;
            const risky = allowed(statement).filter((a) => !guarded.includes(a));
            if (risky.length === 0) continue;
            const sid = typeof statement.Sid === 'string' ? ` (${statement.Sid})` : '';
            findings.push({
              template: instance.template,
              path: [...at, 'NotAction' in statement ? 'NotAction' : 'Action'],
              message:
                `${id}: a statement${sid} allows ${risky.join(', ')} with no iam:PermissionsBoundary condition: whoever holds it can create or change a role into an administrator. ` +
                'Allow it only with a Condition on iam:PermissionsBoundary naming the boundary policy (and never allow iam:DeleteRolePermissionsBoundary)',
            });
          }
        }
      }
    }
    return findings;
  },
};
export default rule;
