import { bucketPolicies, get, isObject, list, policyStatements, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.5',
    control: 'S3.5',
    title: 'S3 bucket policies require requests to use TLS',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation:
      'Add an AWS::S3::BucketPolicy for the bucket with a Deny statement for Principal "*", Action s3:*, on the bucket and its objects, under Condition Bool aws:SecureTransport "false".',
  },
  ({ id, template }) => {
    const policies = bucketPolicies(template, id);
    const tlsOnly = policies.some((p) =>
      policyStatements(prop(p.resource, 'PolicyDocument')).some(({ statement }) => {
        if (statement.Effect !== 'Deny') return false;
        const actions = list(statement.Action);
        if (!actions.includes('s3:*') && !actions.includes('*')) return false;
        const secure = get(statement.Condition, 'Bool', 'aws:SecureTransport');
        return isObject(statement.Condition) && (secure === 'false' || secure === false);
      }),
    );
    return tlsOnly ? [] : [{ message: `${id} has no bucket policy that denies requests without TLS (aws:SecureTransport)`, path: ['Type'] }];
  },
);
