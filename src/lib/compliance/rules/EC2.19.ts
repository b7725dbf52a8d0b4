import { coversPort, isWorldOpen, resourceRule, securityGroupRules } from '../kit';

/** The high-risk ports the control lists (remote access, file sharing, databases, search, admin consoles). */
export const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];

export default resourceRule(
  {
    id: 'EC2.19',
    control: 'EC2.19',
    title: 'Security groups do not admit the internet to high-risk ports (databases, remote access, file sharing)',
    severity: 'critical',
    resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
    remediation: 'Restrict the source of the rule to the security group (SourceSecurityGroupId) or the VPC CIDR of the clients; a database port is never open to 0.0.0.0/0 or ::/0.',
  },
  ({ id, resource }) =>
    securityGroupRules(resource, 'ingress').flatMap(({ rule, path }) => {
      if (!isWorldOpen(rule)) return [];
      const open = HIGH_RISK_PORTS.filter((p) => coversPort(rule, p));
      return open.length ? [{ message: `${id} admits the internet to high-risk port${open.length > 1 ? 's' : ''} ${open.slice(0, 6).join(', ')}${open.length > 6 ? ', …' : ''}`, path }] : [];
    }),
);
