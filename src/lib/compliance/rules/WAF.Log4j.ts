import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'WAF.Log4j',
    checkov: ['CKV_AWS_192'],
    title: 'WAF web ACLs block Log4j message lookups (AWSManagedRulesKnownBadInputsRuleSet with Log4JRCE)',
    severity: 'high',
    resourceTypes: ['AWS::WAFv2::WebACL'],
    docUrl: 'https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html#aws-managed-rule-groups-baseline-known-bad-inputs',
    remediation: 'Add the AWS managed rule group AWSManagedRulesKnownBadInputsRuleSet with OverrideAction None, and do not exclude or count its Log4JRCE rules.',
  },
  ({ id, resource }) => {
    const rules = prop(resource, 'Rules');
    const group = Array.isArray(rules)
      ? rules.findIndex((r) => literals(get(r, 'Statement', 'ManagedRuleGroupStatement', 'Name')).includes('AWSManagedRulesKnownBadInputsRuleSet'))
      : -1;
    if (group < 0) return [{ message: `${id} has no AWSManagedRulesKnownBadInputsRuleSet rule group (Log4j lookups pass)`, path: Array.isArray(rules) ? ['Properties', 'Rules'] : ['Properties'] }];
    const rule = (rules as unknown[])[group];
    const statement = get(rule, 'Statement', 'ManagedRuleGroupStatement');
    const overridden = [get(statement, 'ExcludedRules'), get(statement, 'RuleActionOverrides')].flatMap((l) => (Array.isArray(l) ? l : [])).some((o) => literals(get(o, 'Name')).some((n) => n.startsWith('Log4JRCE')));
    const counted = get(rule, 'OverrideAction', 'Count') !== undefined;
    return overridden || counted ? [{ message: `${id} only counts or excludes the Log4JRCE rules of AWSManagedRulesKnownBadInputsRuleSet`, path: ['Properties', 'Rules', group] }] : [];
  },
);
