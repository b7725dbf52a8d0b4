import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.7',
    control: 'Lambda.7',
    title: 'Lambda functions have X-Ray active tracing',
    severity: 'low',
    resourceTypes: ['AWS::Lambda::Function'],
    remediation: 'Set TracingConfig Mode Active (the role needs xray:PutTraceSegments and xray:PutTelemetryRecords).',
  },
  ({ id, resource }) =>
    literals(prop(resource, 'TracingConfig', 'Mode')).includes('Active') ? [] : [{ message: `${id} does not trace with X-Ray`, path: prop(resource, 'TracingConfig') === undefined ? ['Properties'] : ['Properties', 'TracingConfig', 'Mode'] }],
);
