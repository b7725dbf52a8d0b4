import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'StepFunctions.1',
    control: 'StepFunctions.1',
    title: 'Step Functions state machines have logging',
    severity: 'medium',
    resourceTypes: ['AWS::StepFunctions::StateMachine'],
    remediation: 'Set LoggingConfiguration with Level ERROR (or ALL) and a CloudWatch Logs destination.',
  },
  ({ id, resource }) => {
    const level = prop(resource, 'LoggingConfiguration', 'Level');
    if (level === undefined) return [{ message: `${id} has no logging`, path: prop(resource, 'LoggingConfiguration') ? ['Properties', 'LoggingConfiguration'] : ['Properties'] }];
    return literals(level).includes('OFF') ? [{ message: `${id} has logging OFF`, path: ['Properties', 'LoggingConfiguration', 'Level'] }] : [];
  },
);
