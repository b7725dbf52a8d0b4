import { coversPort, isWorldOpen, resourceRule, securityGroupRules } from '../kit';

/** The only port this platform serves to the internet from a security group: HTTPS. */
const AUTHORIZED = [443];

export default resourceRule(
  {
    id: 'EC2.18',
    control: 'EC2.18',
    checkov: ['CKV_AWS_260'],
    title: 'Security groups admit the internet only to authorised ports (443)',
    severity: 'high',
    resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
    remediation: 'Open only TCP 443 to 0.0.0.0/0 or ::/0 (no plain HTTP: CloudFront and API Gateway terminate TLS); restrict every other port to known sources.',
  },
  ({ id, resource }) =>
    securityGroupRules(resource, 'ingress').flatMap(({ rule, path }) => {
      if (!isWorldOpen(rule)) return [];
      const protocol = String(rule.IpProtocol ?? '').toLowerCase();
      const exact = (protocol === 'tcp' || protocol === '6') && AUTHORIZED.includes(Number(rule.FromPort)) && Number(rule.FromPort) === Number(rule.ToPort);
      if (exact) return [];
      const what = coversPort(rule, 80) ? 'port 80 (plain HTTP)' : `protocol ${protocol || '?'} ports ${String(rule.FromPort ?? '')}-${String(rule.ToPort ?? '')}`;
      return [{ message: `${id} admits the internet to ${what}, not only to 443`, path }];
    }),
);
