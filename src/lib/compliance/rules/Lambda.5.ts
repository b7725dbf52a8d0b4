import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.5',
    control: 'Lambda.5',
    title: 'VPC Lambda functions run in more than one Availability Zone',
    severity: 'medium',
    resourceTypes: ['AWS::Lambda::Function'],
    remediation: 'Give VpcConfig.SubnetIds at least two subnets in different Availability Zones (the network stack outputs one private subnet per AZ).',
  },
  ({ id, resource }) => {
    const subnets = prop(resource, 'VpcConfig', 'SubnetIds');
    // A Ref to a List<AWS::EC2::Subnet::Id> parameter is resolved at deploy time (the live audit sees it).
    if (!Array.isArray(subnets)) return [];
    const distinct = new Set(subnets.map((s) => JSON.stringify(s)));
    return distinct.size < 2 ? [{ message: `${id} runs in ${distinct.size} subnet: one Availability Zone`, path: ['Properties', 'VpcConfig', 'SubnetIds'] }] : [];
  },
);
