import { branches, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'EC2.21',
    control: 'EC2.21',
    title: 'Network ACLs do not admit the internet to ports 22 or 3389',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::NetworkAclEntry'],
    remediation: 'Deny or restrict inbound entries for 0.0.0.0/0 and ::/0 that cover TCP 22 or 3389 (protocol -1 covers them).',
  },
  ({ id, resource }) => {
    if (branches(prop(resource, 'Egress')).some((v) => v === true || v === 'true')) return [];
    if (!literals(prop(resource, 'RuleAction')).includes('allow')) return [];
    const world = literals(prop(resource, 'CidrBlock')).includes('0.0.0.0/0') || literals(prop(resource, 'Ipv6CidrBlock')).includes('::/0');
    if (!world) return [];
    const protocol = branches(prop(resource, 'Protocol')).map(String);
    const all = protocol.includes('-1');
    const from = Number(prop(resource, 'PortRange', 'From'));
    const to = Number(prop(resource, 'PortRange', 'To'));
    const hits = [22, 3389].filter((p) => all || (protocol.includes('6') && from <= p && p <= to));
    return hits.length ? [{ message: `${id} allows inbound traffic from the internet to port ${hits.join(' and ')}`, path: ['Properties', all ? 'Protocol' : 'PortRange'] }] : [];
  },
);
