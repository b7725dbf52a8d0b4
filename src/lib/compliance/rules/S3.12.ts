import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'S3.12',
    control: 'S3.12',
    title: 'S3 buckets do not use ACLs to manage access (object ownership BucketOwnerEnforced)',
    severity: 'medium',
    resourceTypes: ['AWS::S3::Bucket'],
    remediation: 'Set OwnershipControls Rules [{ ObjectOwnership: BucketOwnerEnforced }] and remove AccessControl; grant access with the bucket policy instead.',
  },
  ({ id, resource }) => {
    const acl = literals(prop(resource, 'AccessControl')).filter((a) => a !== 'Private');
    if (acl.length) return [{ message: `${id} grants access with the canned ACL ${acl.join(', ')}`, path: ['Properties', 'AccessControl'] }];
    const rules = prop(resource, 'OwnershipControls', 'Rules');
    const enforced = Array.isArray(rules) && rules.some((r) => literals(get(r, 'ObjectOwnership')).includes('BucketOwnerEnforced'));
    return enforced ? [] : [{ message: `${id} keeps ACLs enabled (ObjectOwnership is not BucketOwnerEnforced)`, path: prop(resource, 'OwnershipControls') === undefined ? ['Properties'] : ['Properties', 'OwnershipControls'] }];
  },
);
