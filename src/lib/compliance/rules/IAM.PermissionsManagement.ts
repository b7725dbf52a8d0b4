import { PERMISSIONS_MANAGEMENT, POLICY_HOLDERS, unconstrained } from '../iam-actions';
import { resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'IAM.PermissionsManagement',
    checkov: ['CKV_AWS_109'],
    title: 'IAM policies do not manage permissions (IAM policies, resource policies, grants) on every resource without a condition',
    severity: 'high',
    resourceTypes: POLICY_HOLDERS,
    docUrl: 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_understand-policy-summary-access-level-summaries.html',
    remediation: 'Limit policy-changing actions (iam:Put*Policy, s3:PutBucketPolicy, kms:PutKeyPolicy, kms:CreateGrant, lambda:AddPermission, …) to named resources, or add a Condition.',
  },
  (ctx) => unconstrained(ctx, PERMISSIONS_MANAGEMENT, 'permissions management'),
);
