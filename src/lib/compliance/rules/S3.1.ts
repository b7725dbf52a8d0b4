import { bucketPolicies, isPublicPrincipal, list, policyStatements, prop, resourceRule, statementViolation } from '../kit';

const PUBLIC_ACLS = ['PublicRead', 'PublicReadWrite', 'AuthenticatedRead'];

export default resourceRule(
  {
    id: 'S3.1',
    control: 'S3.1',
    alsoControls: ['S3.2', 'S3.3'],
    checkov: ['CKV_AWS_20', 'CKV_AWS_57'],
    title: 'S3 buckets are not opened to the public by ACL or bucket policy',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation:
      'Remove the public canned ACL and any Allow statement for Principal "*" without a condition; serve public content through CloudFront with origin access control. The account-level Block Public Access setting is checked live by the AWS Config rule s3-account-level-public-access-blocks-periodic.',
  },
  ({ id, resource, template }) => {
    const violations = [];
    const acl = prop(resource, 'AccessControl');
    if (typeof acl === 'string' && PUBLIC_ACLS.includes(acl)) {
      violations.push({ message: `${id} grants the ${acl} canned ACL`, path: ['Properties', 'AccessControl'] });
    }
    for (const policy of bucketPolicies(template, id)) {
      for (const { statement, path } of policyStatements(prop(policy.resource, 'PolicyDocument'), ['PolicyDocument'])) {
        if (statement.Effect === 'Allow' && isPublicPrincipal(statement.Principal) && !statement.Condition) {
          violations.push({ ...statementViolation(`${policy.id} allows ${list(statement.Action).join(', ')} to everyone on ${id}`, path), path: ['Type'] });
        }
      }
    }
    return violations;
  },
);
