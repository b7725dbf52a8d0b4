import { literals, prop, refersTo, resourceRule, resourcesOfType } from '../kit';

export default resourceRule(
  {
    id: 'EC2.6',
    control: 'EC2.6',
    title: 'VPC flow logging is enabled',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::VPC'],
    remediation: 'Add an AWS::EC2::FlowLog with ResourceType VPC, ResourceId !Ref Vpc and TrafficType ALL (or REJECT), delivered to an encrypted log group.',
  },
  ({ id, template }) => {
    const logged = resourcesOfType(template, 'AWS::EC2::FlowLog').some(
      ({ resource }) => refersTo(prop(resource, 'ResourceId'), id) && literals(prop(resource, 'ResourceType')).includes('VPC'),
    );
    return logged ? [] : [{ message: `${id} has no flow log`, path: ['Type'] }];
  },
);
