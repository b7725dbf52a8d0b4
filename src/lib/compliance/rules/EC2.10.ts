import { literals, prop, refersTo, resourceRule, resourcesOfType } from '../kit';

/** The services the controls ask for an interface endpoint of, with the control for each. */
const SERVICES: { service: string; control: string }[] = [
  { service: 'ec2', control: 'EC2.10' },
  { service: 'ecr.api', control: 'EC2.55' },
  { service: 'ecr.dkr', control: 'EC2.56' },
  { service: 'ssm', control: 'EC2.57' },
  { service: 'ssm-contacts', control: 'EC2.58' },
  { service: 'ssm-incidents', control: 'EC2.60' },
];

export default resourceRule(
  {
    id: 'EC2.10',
    control: 'EC2.10',
    alsoControls: ['EC2.55', 'EC2.56', 'EC2.57', 'EC2.58', 'EC2.60'],
    title: 'VPCs have interface endpoints for the EC2, ECR, Systems Manager and Incident Manager APIs',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::VPC'],
    remediation:
      'Add an AWS::EC2::VPCEndpoint (VpcEndpointType Interface, PrivateDnsEnabled) per service the workloads of the VPC call, so their traffic stays off the internet; a VPC whose workloads call none of them needs a suppression saying so.',
  },
  ({ id, template }) => {
    const names = resourcesOfType(template, 'AWS::EC2::VPCEndpoint')
      .filter((e) => refersTo(prop(e.resource, 'VpcId'), id))
      .flatMap((e) => {
        const name = prop(e.resource, 'ServiceName');
        const sub = name && typeof name === 'object' ? (name as Record<string, unknown>)['Fn::Sub'] : undefined;
        return [...literals(name), ...(typeof sub === 'string' ? [sub] : [])];
      });
    const missing = SERVICES.filter(({ service }) => !names.some((n) => n.endsWith(`.${service}`)));
    return missing.length ? [{ message: `${id} has no interface endpoint for ${missing.map((m) => `${m.service} (${m.control})`).join(', ')}`, path: ['Type'] }] : [];
  },
);
