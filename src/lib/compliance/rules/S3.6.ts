import { grantedActions, isObject, isPublicPrincipal, list, policyStatements, prop, resourceRule, statementViolation } from '../kit';

/** The actions the control denies to other accounts: each lets them take over the bucket's access control or encryption. */
const DENIED = ['s3:deletebucketpolicy', 's3:putbucketacl', 's3:putbucketpolicy', 's3:putencryptionconfiguration', 's3:putobjectacl'];

/** AWS principals of a statement that are not this account (a literal account id or ARN of another account, or "*"). */
function foreignPrincipals(principal: unknown): string[] {
  if (isPublicPrincipal(principal)) return ['*'];
  if (!isObject(principal)) return [];
  return list(principal.AWS).flatMap((p) => (typeof p === 'string' && /(^\d{12}$)|(:iam::\d{12}:)/.test(p) ? [p] : []));
}

export default resourceRule(
  {
    id: 'S3.6',
    control: 'S3.6',
    title: 'S3 bucket policies do not let other AWS accounts change the bucket policy, ACLs or encryption',
    severity: 'high',
    resourceTypes: ['AWS::S3::BucketPolicy'],
    remediation:
      'Grant other accounts only the object actions they need (s3:GetObject, s3:PutObject) on named prefixes; never s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl or s3:PutEncryptionConfiguration (nor s3:* or *).',
  },
  ({ id, resource }) =>
    policyStatements(prop(resource, 'PolicyDocument'), ['Properties', 'PolicyDocument']).flatMap(({ statement, path }) => {
      if (statement.Effect !== 'Allow') return [];
      const foreign = foreignPrincipals(statement.Principal);
      if (!foreign.length) return [];
      const actions = grantedActions(statement, DENIED);
      return actions.length ? [statementViolation(`${id} lets ${foreign.join(', ')} ${actions.join(', ')}`, path)] : [];
    }),
);
