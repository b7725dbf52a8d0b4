import { catalogRule, type CatalogViolation } from '../kit';
import { readSuppressions } from '../suppressions';

/** cfn-lint rule ids (E3002, W1011...), whose findings the audit merges and may suppress. */
export const CFN_LINT_ID = /^[EWI]\d{4}$/;

/**
 * The form of every suppression (rule, target, reason). That each one still matches a finding, and
 * the statement it was reviewed for (fingerprint), is checked with the findings, in static.ts, under
 * this rule's id.
 */
export default catalogRule(
  {
    id: 'Suppression.Reason',
    docUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html',
    title: 'Every suppression names a known rule, what it covers and why, and still matches a finding',
    severity: 'medium',
    resourceTypes: ['*'],
    remediation:
      'Write each suppression as { rule: <rule id>, sid: <statement Sid> or path: <key path of the finding>, fingerprint: <optional>, reason: <why the finding does not apply here> } under Metadata: cafe-ops: suppress. Remove a suppression that matches no finding.',
  },
  ({ templates, ruleIds }) => {
    const violations: CatalogViolation[] = [];
    const seen = new Set<string>();
    for (const template of templates.values()) {
      if (seen.has(template.file)) continue;
      seen.add(template.file);
      const holders: { base: (string | number)[]; metadata: unknown; logicalId?: string }[] = [{ base: [], metadata: template.template.Metadata }];
      for (const [id, resource] of Object.entries(template.template.Resources)) holders.push({ base: ['Resources', id], metadata: resource?.Metadata, logicalId: id });
      for (const { base, metadata, logicalId } of holders) {
        const { suppressions, problems } = readSuppressions(metadata);
        for (const p of problems) violations.push({ template, path: [...base, ...p.path], ...(logicalId ? { logicalId } : {}), message: p.message });
        for (const s of suppressions) {
          if (!ruleIds.has(s.rule) && !CFN_LINT_ID.test(s.rule)) {
            violations.push({ template, path: [...base, ...s.path], ...(logicalId ? { logicalId } : {}), message: `suppression names unknown rule ${s.rule}` });
          }
        }
      }
    }
    return violations;
  },
);
