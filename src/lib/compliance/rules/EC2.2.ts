import { isObject, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'EC2.2',
    control: 'EC2.2',
    title: 'The default security group of a VPC is not used and allows no traffic',
    severity: 'high',
    resourceTypes: ['*'],
    remediation: 'Never add rules to, or attach resources to, the VPC default security group (Fn::GetAtt Vpc.DefaultSecurityGroup); create a least-privilege security group per purpose.',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    const visit = (value: unknown, path: (string | number)[]) => {
      if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
      else if (isObject(value)) {
        const getAtt = value['Fn::GetAtt'];
        const attr = Array.isArray(getAtt) ? getAtt[1] : typeof getAtt === 'string' ? getAtt.split('.')[1] : undefined;
        if (attr === 'DefaultSecurityGroup') violations.push({ message: `${id} uses the VPC default security group`, path });
        else for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      }
    };
    visit(resource.Properties, ['Properties']);
    return violations;
  },
);
