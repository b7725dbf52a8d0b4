import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.3',
    control: 'APIGateway.3',
    checkov: ['CKV_AWS_73'],
    title: 'API Gateway REST stages have X-Ray tracing',
    severity: 'low',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    remediation: 'Set TracingEnabled: true on the stage (and TracingConfig Mode Active on the functions behind it).',
  },
  ({ id, resource }) =>
    prop(resource, 'TracingEnabled') !== undefined && isTrue(prop(resource, 'TracingEnabled'))
      ? []
      : [{ message: `${id} does not trace requests with X-Ray`, path: prop(resource, 'TracingEnabled') === undefined ? ['Properties'] : ['Properties', 'TracingEnabled'] }],
);
