import { literals, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'Cognito.1',
    control: 'Cognito.1',
    alsoControls: ['Cognito.4'],
    title: 'Cognito user pools enforce threat protection (standard and custom authentication)',
    severity: 'medium',
    resourceTypes: ['AWS::Cognito::UserPool'],
    remediation: 'Set UserPoolTier PLUS and UserPoolAddOns.AdvancedSecurityMode ENFORCED (and AdvancedSecurityAdditionalFlows.CustomAuthMode ENFORCED when custom authentication is used).',
  },
  ({ id, resource }) => {
    const violations: Violation[] = [];
    const mode = literals(prop(resource, 'UserPoolAddOns', 'AdvancedSecurityMode'));
    if (!mode.length || mode.some((m) => m !== 'ENFORCED'))
      violations.push({ message: `${id} does not enforce threat protection (AdvancedSecurityMode ${mode.join(', ') || 'unset'})`, path: prop(resource, 'UserPoolAddOns') === undefined ? ['Properties'] : ['Properties', 'UserPoolAddOns'] });
    const custom = literals(prop(resource, 'UserPoolAddOns', 'AdvancedSecurityAdditionalFlows', 'CustomAuthMode'));
    if (custom.some((m) => m !== 'ENFORCED')) violations.push({ message: `${id} only audits custom authentication (CustomAuthMode ${custom.join(', ')})`, path: ['Properties', 'UserPoolAddOns', 'AdvancedSecurityAdditionalFlows'] });
    return violations;
  },
);
