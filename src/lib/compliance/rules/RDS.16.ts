import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.16',
    control: 'RDS.16',
    title: 'RDS clusters copy tags to snapshots',
    severity: 'low',
    resourceTypes: ['AWS::RDS::DBCluster'],
    remediation: 'Set CopyTagsToSnapshot: true so snapshots keep the Project/Environment/CostCenter tags.',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'CopyTagsToSnapshot');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} does not copy tags to snapshots`, path: value === undefined ? ['Properties'] : ['Properties', 'CopyTagsToSnapshot'] }];
  },
);
