import { branches, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'EC2.15',
    control: 'EC2.15',
    title: 'Subnets do not assign public IP addresses automatically',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::Subnet'],
    remediation: 'Leave MapPublicIpOnLaunch unset or false; resources that must be reachable get an Elastic IP or sit behind a load balancer or NAT gateway.',
  },
  ({ id, resource }) => {
    if (!branches(prop(resource, 'MapPublicIpOnLaunch')).some((v) => v === true || v === 'true')) return [];
    return [{ message: `${id} assigns a public IP address to everything launched in it (MapPublicIpOnLaunch)`, path: ['Properties', 'MapPublicIpOnLaunch'] }];
  },
);
