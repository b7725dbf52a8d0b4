import { isFalse, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.35',
    control: 'RDS.35',
    alsoControls: ['RDS.13'],
    title: 'RDS clusters and instances take automatic minor version upgrades',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
    remediation: 'Set AutoMinorVersionUpgrade: true (minor versions carry security fixes).',
  },
  ({ id, resource }) =>
    isFalse(prop(resource, 'AutoMinorVersionUpgrade'))
      ? [{ message: `${id} turns off automatic minor version upgrades`, path: ['Properties', 'AutoMinorVersionUpgrade'] }]
      : [],
);
