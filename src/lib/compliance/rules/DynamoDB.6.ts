import { get, isTrue, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'DynamoDB.6',
    control: 'DynamoDB.6',
    title: 'DynamoDB tables have deletion protection',
    severity: 'medium',
    resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
    remediation: 'Set DeletionProtectionEnabled: true (on every replica of a global table).',
  },
  ({ id, resource }) => {
    const on = (v: unknown) => v !== undefined && isTrue(v);
    if (resource.Type === 'AWS::DynamoDB::Table') {
      return on(prop(resource, 'DeletionProtectionEnabled')) ? [] : [{ message: `${id} has no deletion protection`, path: ['Properties'] }];
    }
    const violations: Violation[] = [];
    const replicas = prop(resource, 'Replicas');
    (Array.isArray(replicas) ? replicas : []).forEach((replica, i) => {
      if (!on(get(replica, 'DeletionProtectionEnabled'))) violations.push({ message: `${id}: replica ${JSON.stringify(get(replica, 'Region'))} has no deletion protection`, path: ['Properties', 'Replicas', i] });
    });
    return violations;
  },
);
