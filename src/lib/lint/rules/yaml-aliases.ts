/**
 * YAML anchors and aliases in a template's source. Our loader (and cfn-lint) expand them, but
 * CloudFormation refuses the template body: "Template error: YAML aliases are not allowed in
 * CloudFormation templates". The deploy sends a canonical serialization of the parsed template;
 * the source should still not depend on that, so lint warns.
 *
 * Docs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
 * (CloudFormation supports YAML 1.1 "with the exception of" anchors, aliases and some tags).
 */
import type { DeployRule, RuleFinding } from '../context';

const rule: DeployRule = {
  id: 'yaml-aliases',
  title: 'No YAML aliases in templates',
  level: 'warning',
  docs: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html'],
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const template of new Set(ctx.templates.values())) {
      for (const alias of template.aliases ?? []) {
        findings.push({
          template,
          line: alias.line,
          message: `YAML alias *${alias.name}: CloudFormation rejects templates with aliases ("YAML aliases are not allowed in CloudFormation templates"); write the value out`,
        });
      }
    }
    return findings;
  },
};
export default rule;
