import { referrers, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'WAF.11',
    control: 'WAF.11',
    title: 'WAF web ACLs log the requests they inspect',
    severity: 'low',
    resourceTypes: ['AWS::WAFv2::WebACL'],
    remediation: 'Add an AWS::WAFv2::LoggingConfiguration whose ResourceArn is the web ACL and whose LogDestinationConfigs is a log group named aws-waf-logs-… (encrypted, with a retention period); redact the Authorization header.',
  },
  ({ id, template }) => (referrers(template, id, 'AWS::WAFv2::LoggingConfiguration').length ? [] : [{ message: `${id} has no logging configuration`, path: ['Type'] }]),
);
