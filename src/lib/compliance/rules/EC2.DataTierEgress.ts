import { coversPort, isWorldOpen, literals, resourceRule, securityGroupRules, get, referrers } from '../kit';

/** Ports that mark a security group as the data tier's (it admits database or cache clients). */
const DATA_PORTS = [5432, 3306, 1433, 1521, 6379, 11211, 27017, 9200, 2049];
const DATA_TYPES = ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::EFS::MountTarget'];

export default resourceRule(
  {
    id: 'EC2.DataTierEgress',
    title: 'Security groups of the data tier allow no outbound traffic to the internet',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    docUrl: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    remediation:
      'Declare SecurityGroupEgress explicitly (a group without it allows all outbound traffic): a database needs no outbound rule at all (responses to admitted connections are allowed by state), so use a single rule to 127.0.0.1/32 to remove the default.',
  },
  ({ id, resource, template }) => {
    const ingress = securityGroupRules(resource, 'ingress').map((r) => r.rule);
    const dataPort = ingress.some((r) => DATA_PORTS.some((p) => coversPort(r, p) && String(r.IpProtocol) !== '-1'));
    const attached = referrers(template, id).some(({ resource: r }) => DATA_TYPES.includes(r.Type));
    if (!dataPort && !attached) return [];
    const egress = get(resource.Properties, 'SecurityGroupEgress');
    if (egress === undefined) return [{ message: `${id} is a data-tier security group with no SecurityGroupEgress, so it allows all outbound traffic`, path: ['Properties'] }];
    return securityGroupRules(resource, 'egress')
      .filter(({ rule }) => isWorldOpen(rule) || literals(rule.CidrIp).some((c) => c.endsWith('/0')))
      .map(({ path }) => ({ message: `${id} is a data-tier security group with outbound traffic to the internet`, path }));
  },
);
