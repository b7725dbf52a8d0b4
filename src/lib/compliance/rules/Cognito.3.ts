import { get, isTrue, prop, resourceRule } from '../kit';

const REQUIRED = ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols'] as const;

export default resourceRule(
  {
    id: 'Cognito.3',
    control: 'Cognito.3',
    title: 'Cognito user pools have a strong password policy',
    severity: 'medium',
    resourceTypes: ['AWS::Cognito::UserPool'],
    remediation:
      'Set Policies.PasswordPolicy with MinimumLength of at least 8 (12 is better), RequireLowercase, RequireUppercase, RequireNumbers and RequireSymbols true, and TemporaryPasswordValidityDays of at most 7.',
  },
  ({ id, resource }) => {
    const policy = prop(resource, 'Policies', 'PasswordPolicy');
    // Without a PasswordPolicy, Cognito applies its default: 8 characters and every class required.
    if (policy === undefined) return [];
    const problems: string[] = [];
    const min = get(policy, 'MinimumLength');
    if (typeof min === 'number' && min < 8) problems.push(`MinimumLength ${min} < 8`);
    for (const key of REQUIRED) if (get(policy, key) === undefined || !isTrue(get(policy, key))) problems.push(`${key} not true`);
    const temp = get(policy, 'TemporaryPasswordValidityDays');
    if (typeof temp === 'number' && temp > 7) problems.push(`TemporaryPasswordValidityDays ${temp} > 7`);
    return problems.length ? [{ message: `${id}: weak password policy: ${problems.join(', ')}`, path: ['Properties', 'Policies', 'PasswordPolicy'] }] : [];
  },
);
