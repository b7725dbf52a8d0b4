import { literals, prop, resourceRule, securityGroupRules, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'EC2.SecurityGroupDescriptions',
    checkov: ['CKV_AWS_23'],
    title: 'Every security group rule says what it is for',
    severity: 'low',
    resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'],
    docUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-securitygroup-ingress.html',
    remediation: 'Give each ingress and egress rule a Description (who or what it admits, and why), and the group a GroupDescription.',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    if (resource.Type === 'AWS::EC2::SecurityGroup' && !literals(prop(resource, 'GroupDescription')).some((d) => d.trim()))
      violations.push({ message: `${id} has no GroupDescription`, path: ['Properties'] });
    for (const direction of ['ingress', 'egress'] as const) {
      for (const { rule, path } of securityGroupRules(resource, direction)) {
        if (rule.Description === undefined || (typeof rule.Description === 'string' && !rule.Description.trim()))
          violations.push({ message: `${id} has a ${direction} rule without a Description`, path });
      }
    }
    return violations;
  },
);
