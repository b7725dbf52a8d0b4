import { get, isFalse, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'WAF.12',
    control: 'WAF.12',
    title: 'WAF rules publish CloudWatch metrics',
    severity: 'medium',
    resourceTypes: ['AWS::WAFv2::WebACL', 'AWS::WAFv2::RuleGroup'],
    remediation: 'Set VisibilityConfig.CloudWatchMetricsEnabled true on the web ACL and on every rule.',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    if (isFalse(prop(resource, 'VisibilityConfig', 'CloudWatchMetricsEnabled'))) {
      violations.push({ message: `${id} publishes no CloudWatch metrics`, path: ['Properties', 'VisibilityConfig', 'CloudWatchMetricsEnabled'] });
    }
    const rules = prop(resource, 'Rules');
    if (Array.isArray(rules)) {
      rules.forEach((rule, i) => {
        const enabled = get(rule, 'VisibilityConfig', 'CloudWatchMetricsEnabled');
        if (enabled === undefined || isFalse(enabled)) {
          violations.push({ message: `${id}: rule ${String(get(rule, 'Name'))} publishes no CloudWatch metrics`, path: ['Properties', 'Rules', i, 'VisibilityConfig'] });
        }
      });
    }
    return violations;
  },
);
