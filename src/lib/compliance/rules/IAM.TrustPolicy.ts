import { get, hasCondition, isObject, isPublicPrincipal, list, literals, policyStatements, resourceRule, statementViolation } from '../kit';

/** A whole account as principal: a bare 12-digit id or arn:…:iam::<id>:root (also through Fn::Sub). */
function accountRoots(principal: unknown): string[] {
  if (!isObject(principal)) return [];
  return list(principal.AWS).flatMap((p) => {
    const sub = isObject(p) ? p['Fn::Sub'] : undefined;
    const text = typeof p === 'string' ? p : typeof sub === 'string' ? sub : undefined;
    return text && (/^\d{12}$/.test(text) || /:root$/.test(text)) ? [text] : [];
  });
}

export default resourceRule(
  {
    id: 'IAM.TrustPolicy',
    checkov: ['CKV_AWS_60', 'CKV_AWS_61'],
    title: 'Role trust policies name the principals that may assume them (no "*", no whole account without a condition)',
    severity: 'high',
    resourceTypes: ['AWS::IAM::Role'],
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy',
    remediation:
      'Trust a service principal (with aws:SourceAccount/aws:SourceArn), a federated provider with aud/sub conditions, or named roles; a whole-account principal needs a Condition such as aws:MultiFactorAuthPresent or aws:PrincipalArn.',
  },
  ({ id, resource }) =>
    policyStatements(get(resource.Properties, 'AssumeRolePolicyDocument'), ['Properties', 'AssumeRolePolicyDocument']).flatMap(({ statement, path }) => {
      if (statement.Effect !== 'Allow') return [];
      if (isPublicPrincipal(statement.Principal) && !hasCondition(statement)) return [statementViolation(`${id} may be assumed by anyone (Principal "*")`, path)];
      const roots = accountRoots(statement.Principal);
      if (roots.length && !hasCondition(statement)) return [statementViolation(`${id} may be assumed by every principal of account ${roots.map((r) => literals(r)[0] ?? r).join(', ')} without a condition`, path)];
      return [];
    }),
);
