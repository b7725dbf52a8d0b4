import { prop, resourceRule, isTrue } from '../kit';

const SETTINGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'] as const;

export default resourceRule(
  {
    id: 'S3.8',
    control: 'S3.8',
    checkov: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'],
    title: 'S3 buckets block public access at the bucket level',
    severity: 'high',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true.',
  },
  ({ id, resource }) => {
    const block = prop(resource, 'PublicAccessBlockConfiguration');
    if (block === undefined) return [{ message: `${id} has no PublicAccessBlockConfiguration`, path: ['Type'] }];
    const off = SETTINGS.filter((s) => !isTrue(prop(resource, 'PublicAccessBlockConfiguration', s)) || prop(resource, 'PublicAccessBlockConfiguration', s) === undefined);
    return off.length ? [{ message: `${id} does not block public access: ${off.join(', ')} not true`, path: ['Properties', 'PublicAccessBlockConfiguration'] }] : [];
  },
);
