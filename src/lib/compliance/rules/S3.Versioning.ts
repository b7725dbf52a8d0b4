import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.Versioning',
    checkov: ['CKV_AWS_21'],
    title: 'S3 buckets keep object versions',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
    remediation: 'Set VersioningConfiguration Status Enabled (with a lifecycle rule that expires noncurrent versions, S3.10), so an overwrite or delete can be undone.',
  },
  ({ id, resource }) =>
    literals(prop(resource, 'VersioningConfiguration', 'Status')).includes('Enabled') ? [] : [{ message: `${id} does not keep object versions`, path: prop(resource, 'VersioningConfiguration') === undefined ? ['Properties'] : ['Properties', 'VersioningConfiguration', 'Status'] }],
);
