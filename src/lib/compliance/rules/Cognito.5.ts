import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Cognito.5',
    control: 'Cognito.5',
    title: 'Cognito user pools offer multi-factor authentication',
    severity: 'medium',
    resourceTypes: ['AWS::Cognito::UserPool'],
    remediation: 'Set MfaConfiguration ON (or OPTIONAL, with threat protection requiring MFA on risky sign-ins) and EnabledMfas [SOFTWARE_TOKEN_MFA].',
  },
  ({ id, resource }) => {
    const mfa = literals(prop(resource, 'MfaConfiguration'));
    if (!mfa.length || mfa.includes('OFF')) return [{ message: `${id} has MFA off`, path: prop(resource, 'MfaConfiguration') === undefined ? ['Properties'] : ['Properties', 'MfaConfiguration'] }];
    const enabled = prop(resource, 'EnabledMfas');
    return Array.isArray(enabled) && enabled.length ? [] : [{ message: `${id} turns MFA on but enables no MFA method (EnabledMfas)`, path: ['Properties', 'MfaConfiguration'] }];
  },
);
