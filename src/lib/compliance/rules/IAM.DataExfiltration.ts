import { DATA_EXFILTRATION, POLICY_HOLDERS, unconstrained } from '../iam-actions';
import { resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'IAM.DataExfiltration',
    checkov: ['CKV_AWS_108'],
    title: 'IAM policies do not read every object, parameter or secret (data exfiltration)',
    severity: 'high',
    resourceTypes: POLICY_HOLDERS,
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    remediation: 'Name the buckets/prefixes, parameters and secrets the principal reads (s3:GetObject, ssm:GetParameter*, secretsmanager:GetSecretValue) in Resource.',
  },
  (ctx) => unconstrained(ctx, DATA_EXFILTRATION, 'reading data'),
);
