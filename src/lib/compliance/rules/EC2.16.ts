import { referrers, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'EC2.16',
    control: 'EC2.16',
    title: 'Network ACLs are associated with subnets (no unused NACLs)',
    severity: 'low',
    resourceTypes: ['AWS::EC2::NetworkAcl'],
    remediation: 'Associate the network ACL with its subnets (AWS::EC2::SubnetNetworkAclAssociation) or remove it.',
  },
  ({ id, template }) =>
    referrers(template, id, 'AWS::EC2::SubnetNetworkAclAssociation').length > 0 ? [] : [{ message: `${id} is associated with no subnet`, path: ['Type'] }],
);
