import { isClusterMember, isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.17',
    control: 'RDS.17',
    title: 'RDS DB instances copy tags to snapshots (Aurora instances through their cluster)',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Set CopyTagsToSnapshot: true on a standalone instance; Aurora snapshots are cluster snapshots (RDS.16).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const value = prop(resource, 'CopyTagsToSnapshot');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} does not copy tags to snapshots`, path: value === undefined ? ['Properties'] : ['Properties', 'CopyTagsToSnapshot'] }];
  },
);
