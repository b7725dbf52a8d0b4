import { get, isObject, isPublicPrincipal, policyStatements, resourceRule, statementViolation } from '../kit';

/** Condition keys that narrow a "*" principal to one account or organisation. */
const NARROWING = ['aws:principalaccount', 'kms:calleraccount', 'aws:sourceaccount', 'aws:principalorgid', 'aws:sourcearn', 'aws:principalarn', 'aws:sourceowner'];

function narrowed(condition: unknown): boolean {
  return isObject(condition) && Object.values(condition).some((block) => isObject(block) && Object.keys(block).some((k) => NARROWING.includes(k.toLowerCase())));
}

export default resourceRule(
  {
    id: 'KMS.5',
    control: 'KMS.5',
    checkov: ['CKV_AWS_33'],
    title: 'KMS key policies do not open the key to everyone (Principal "*")',
    severity: 'critical',
    resourceTypes: ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'],
    remediation:
      'Name the principals (the account root for IAM delegation, service principals with aws:SourceAccount/aws:SourceArn); a "*" principal needs a Condition on kms:CallerAccount, aws:PrincipalAccount or aws:PrincipalOrgID.',
  },
  ({ id, resource }) => {
    return policyStatements(get(resource.Properties, 'KeyPolicy'), ['Properties', 'KeyPolicy']).flatMap(({ statement, path }) =>
      statement.Effect === 'Allow' && isPublicPrincipal(statement.Principal) && !narrowed(statement.Condition) ? [statementViolation(`${id} key policy allows Principal "*" without an account condition`, path)] : [],
    );
  },
);
