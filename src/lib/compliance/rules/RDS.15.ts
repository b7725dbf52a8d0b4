import { literals, prop, referrers, refersTo, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'RDS.15',
    control: 'RDS.15',
    title: 'Aurora clusters have instances in more than one Availability Zone',
    severity: 'medium',
    resourceTypes: ['AWS::RDS::DBCluster'],
    remediation: 'Add a second AWS::RDS::DBInstance to the cluster (a reader, which RDS places in another AZ and promotes on failure).',
  },
  ({ id, resource, template }) => {
    if (!literals(prop(resource, 'Engine')).some((e) => e.startsWith('aurora'))) return [];
    const instances = referrers(template, id, 'AWS::RDS::DBInstance').filter((i) => refersTo(i.resource.Properties?.DBClusterIdentifier, id));
    return instances.length >= 2 ? [] : [{ message: `${id} has ${instances.length} instance${instances.length === 1 ? '' : 's'}: it does not survive the loss of an Availability Zone`, path: ['Type'] }];
  },
);
