import { get, isTrue, prop, resourceRule, type Violation } from '../kit';

export default resourceRule(
  {
    id: 'DynamoDB.2',
    control: 'DynamoDB.2',
    checkov: ['CKV_AWS_165'],
    title: 'DynamoDB tables have point-in-time recovery',
    severity: 'medium',
    resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
    remediation: 'Set PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true (on every replica of a global table).',
  },
  ({ id, resource }) => {
    const enabled = (spec: unknown) => get(spec, 'PointInTimeRecoveryEnabled') !== undefined && isTrue(get(spec, 'PointInTimeRecoveryEnabled'));
    if (resource.Type === 'AWS::DynamoDB::Table') {
      return enabled(prop(resource, 'PointInTimeRecoverySpecification')) ? [] : [{ message: `${id} has no point-in-time recovery`, path: ['Properties'] }];
    }
    const violations: Violation[] = [];
    const replicas = prop(resource, 'Replicas');
    (Array.isArray(replicas) ? replicas : []).forEach((replica, i) => {
      if (!enabled(get(replica, 'PointInTimeRecoverySpecification'))) violations.push({ message: `${id}: replica ${JSON.stringify(get(replica, 'Region'))} has no point-in-time recovery`, path: ['Properties', 'Replicas', i] });
    });
    return violations;
  },
);
