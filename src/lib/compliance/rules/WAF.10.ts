import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'WAF.10',
    control: 'WAF.10',
    title: 'WAF web ACLs have at least one rule or rule group',
    severity: 'medium',
    resourceTypes: ['AWS::WAFv2::WebACL'],
    remediation: 'Add rules to the web ACL: AWS managed rule groups (AWSManagedRulesCommonRuleSet, KnownBadInputs, SQLi) and a rate-based rule.',
  },
  ({ id, resource }) => {
    const rules = prop(resource, 'Rules');
    return Array.isArray(rules) && rules.length > 0 ? [] : [{ message: `${id} has no rules: it allows every request`, path: ['Properties'] }];
  },
);
