import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.3',
    control: 'Lambda.3',
    checkov: ['CKV_AWS_117'],
    title: 'Lambda functions run in a VPC',
    severity: 'low',
    resourceTypes: ['AWS::Lambda::Function'],
    remediation: 'Set VpcConfig with the private subnets of the network stack and a least-privilege security group.',
  },
  ({ id, resource }) => {
    const subnets = prop(resource, 'VpcConfig', 'SubnetIds');
    return subnets === undefined ? [{ message: `${id} does not run in a VPC`, path: ['Properties'] }] : [];
  },
);
