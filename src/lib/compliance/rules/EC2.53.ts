import { coversPort, isWorldOpen, resourceRule, securityGroupRules } from '../kit';

const ADMIN_PORTS = [22, 3389];

export default resourceRule(
  {
    id: 'EC2.53',
    control: 'EC2.53',
    alsoControls: ['EC2.13', 'EC2.14', 'EC2.54'],
    checkov: ['CKV_AWS_24', 'CKV_AWS_25'],
    title: 'Security groups do not admit the internet (0.0.0.0/0 or ::/0) to remote administration ports (22, 3389)',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
    remediation: 'Remove the rule, or restrict its source to a prefix list or security group of the operators; prefer Session Manager to open SSH/RDP ports.',
  },
  ({ id, resource }) =>
    securityGroupRules(resource, 'ingress').flatMap(({ rule, path }) => {
      if (!isWorldOpen(rule)) return [];
      const open = ADMIN_PORTS.filter((p) => coversPort(rule, p));
      return open.length ? [{ message: `${id} admits the internet to port ${open.join(' and ')}`, path }] : [];
    }),
);
