import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.10',
    control: 'S3.10',
    title: 'Versioned S3 buckets have a lifecycle rule that expires noncurrent versions',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Add a LifecycleConfiguration rule with Status Enabled and NoncurrentVersionExpiration (NoncurrentDays) so old versions do not accumulate forever.',
  },
  ({ id, resource }) => {
    if (!literals(prop(resource, 'VersioningConfiguration', 'Status')).includes('Enabled')) return [];
    const rules = prop(resource, 'LifecycleConfiguration', 'Rules');
    const ok = Array.isArray(rules) && rules.some((r) => literals(get(r, 'Status')).includes('Enabled') && (get(r, 'NoncurrentVersionExpiration') !== undefined || get(r, 'NoncurrentVersionExpirationInDays') !== undefined));
    return ok ? [] : [{ message: `${id} is versioned but no enabled lifecycle rule expires noncurrent versions`, path: prop(resource, 'LifecycleConfiguration') === undefined ? ['Properties', 'VersioningConfiguration'] : ['Properties', 'LifecycleConfiguration'] }];
  },
);
