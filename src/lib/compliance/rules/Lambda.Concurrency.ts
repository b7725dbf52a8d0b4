import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.Concurrency',
    checkov: ['CKV_AWS_115'],
    title: 'Lambda functions have a function-level concurrency limit',
    severity: 'low',
    resourceTypes: ['AWS::Lambda::Function'],
    docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
    remediation:
      'Set ReservedConcurrentExecutions, so one function cannot take the account\'s whole concurrency (or exhaust the database\'s connections); reserved concurrency comes out of the account\'s unreserved pool, which must keep at least 100.',
  },
  ({ id, resource }) => (prop(resource, 'ReservedConcurrentExecutions') === undefined ? [{ message: `${id} has no reserved concurrency limit`, path: ['Properties'] }] : []),
);
