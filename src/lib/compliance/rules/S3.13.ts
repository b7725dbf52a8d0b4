import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.13',
    control: 'S3.13',
    title: 'S3 buckets have a lifecycle configuration',
    severity: 'low',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Add LifecycleConfiguration with at least one enabled rule (expire logs, abort incomplete multipart uploads, expire noncurrent versions).',
  },
  ({ id, resource }) => {
    const rules = prop(resource, 'LifecycleConfiguration', 'Rules');
    return Array.isArray(rules) && rules.some((r) => literals(get(r, 'Status')).includes('Enabled')) ? [] : [{ message: `${id} has no enabled lifecycle rule`, path: ['Properties'] }];
  },
);
