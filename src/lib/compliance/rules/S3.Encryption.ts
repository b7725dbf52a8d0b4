import { get, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.Encryption',
    checkov: ['CKV_AWS_19'],
    title: 'S3 buckets declare their default encryption',
    severity: 'low',
    resourceTypes: ['AWS::S3::Bucket'],
    docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html',
    remediation: 'Set BucketEncryption.ServerSideEncryptionConfiguration with SSEAlgorithm aws:kms and the platform key (AES256 for buckets that receive S3 server access logs, which cannot use SSE-KMS).',
  },
  ({ id, resource }) => {
    const rules = prop(resource, 'BucketEncryption', 'ServerSideEncryptionConfiguration');
    const ok = Array.isArray(rules) && rules.some((r) => get(r, 'ServerSideEncryptionByDefault', 'SSEAlgorithm') !== undefined);
    return ok ? [] : [{ message: `${id} declares no default encryption`, path: ['Properties'] }];
  },
);
