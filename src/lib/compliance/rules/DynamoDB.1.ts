import { branches, get, literals, prop, referrers, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'DynamoDB.1',
    control: 'DynamoDB.1',
    title: 'DynamoDB tables scale capacity with demand',
    severity: 'medium',
    resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
    remediation: 'Use BillingMode PAY_PER_REQUEST, or provisioned capacity with auto scaling (an Application Auto Scaling target, or WriteCapacityAutoScalingSettings on a global table).',
  },
  ({ id, resource, template }) => {
    const mode = prop(resource, 'BillingMode');
    if (literals(mode).includes('PAY_PER_REQUEST') && !literals(mode).includes('PROVISIONED')) return [];
    if (resource.Type === 'AWS::DynamoDB::GlobalTable') {
      // Settings chosen per environment (Fn::If on the billing mode): every branch that sets them must scale.
      // A literal PROVISIONED needs the settings in every branch; a billing mode chosen by Fn::If may leave them out for on-demand.
      const conditional = typeof mode === 'object' && mode !== null;
      const settings = branches(prop(resource, 'WriteProvisionedThroughputSettings')).filter((b) => !conditional || b !== undefined);
      return settings.length > 0 && settings.every((b) => get(b, 'WriteCapacityAutoScalingSettings'))
        ? []
        : [{ message: `${id} has provisioned write capacity without auto scaling`, path: ['Properties', 'BillingMode'] }];
    }
    const scaled = referrers(template, id, 'AWS::ApplicationAutoScaling::ScalableTarget').length > 0;
    return scaled ? [] : [{ message: `${id} has provisioned capacity without auto scaling`, path: mode === undefined ? ['Properties'] : ['Properties', 'BillingMode'] }];
  },
);
