import { literals, prop, resourceRule } from '../kit';

const DEFAULT_NAMES = ['admin', 'administrator', 'postgres', 'root', 'master', 'sa', 'rdsadmin'];

export default resourceRule(
  {
    id: 'RDS.24',
    control: 'RDS.24',
    title: 'RDS clusters use a custom administrator user name',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster'],
    remediation: 'Choose a non-default MasterUsername (read it from the Secrets Manager secret that holds the credentials).',
  },
  ({ id, resource }) => {
    const names = literals(prop(resource, 'MasterUsername')).filter((n) => DEFAULT_NAMES.includes(n.toLowerCase()));
    return names.map((name) => ({ message: `${id} uses the default administrator name ${name}`, path: ['Properties', 'MasterUsername'] }));
  },
);
