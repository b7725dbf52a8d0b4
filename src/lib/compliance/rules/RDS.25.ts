import { isClusterMember, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.25',
    control: 'RDS.25',
    title: 'RDS DB instances use a custom administrator user name (Aurora instances through their cluster)',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBInstance'],
    remediation: 'Choose a non-default MasterUsername for a standalone instance (not postgres, admin, root or master); Aurora instances take the cluster\'s (RDS.24).',
  },
  ({ id, resource }) => {
    if (isClusterMember(resource)) return [];
    const names = literals(prop(resource, 'MasterUsername'));
    const defaults = names.filter((n) => ['postgres', 'admin', 'root', 'master', 'sa', 'administrator'].includes(n.toLowerCase()));
    return defaults.length ? [{ message: `${id} uses the default administrator name ${defaults.join(', ')}`, path: ['Properties', 'MasterUsername'] }] : [];
  },
);
