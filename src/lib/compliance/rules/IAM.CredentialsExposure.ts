import { CREDENTIALS_EXPOSURE, POLICY_HOLDERS, unconstrained } from '../iam-actions';
import { resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'IAM.CredentialsExposure',
    checkov: ['CKV_AWS_107'],
    title: 'IAM policies do not hand out credentials (access keys, session tokens, database tokens) for every resource',
    severity: 'high',
    resourceTypes: POLICY_HOLDERS,
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    remediation: 'Name the users, roles, clusters or database users the credentials are for in Resource, or add a Condition that narrows them.',
  },
  (ctx) => unconstrained(ctx, CREDENTIALS_EXPOSURE, 'issuing credentials'),
);
