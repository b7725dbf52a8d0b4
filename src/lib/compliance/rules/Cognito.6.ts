import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Cognito.6',
    control: 'Cognito.6',
    title: 'Cognito user pools have deletion protection',
    severity: 'medium',
    resourceTypes: ['AWS::Cognito::UserPool'],
    remediation: 'Set DeletionProtection: ACTIVE (users and their passwords cannot be recovered from a deleted pool).',
  },
  ({ id, resource }) => (literals(prop(resource, 'DeletionProtection')).includes('ACTIVE') ? [] : [{ message: `${id} has no deletion protection`, path: prop(resource, 'DeletionProtection') === undefined ? ['Properties'] : ['Properties', 'DeletionProtection'] }]),
);
