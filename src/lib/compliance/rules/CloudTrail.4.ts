import { isTrue, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'CloudTrail.4',
    control: 'CloudTrail.4',
    checkov: ['CKV_AWS_36'],
    title: 'CloudTrail log file validation is enabled',
    severity: 'low',
    resourceTypes: ['AWS::CloudTrail::Trail'],
    remediation: 'Set EnableLogFileValidation: true so tampering with delivered log files can be detected.',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'EnableLogFileValidation');
    return value !== undefined && isTrue(value) ? [] : [{ message: `${id} does not validate its log files`, path: value === undefined ? ['Properties'] : ['Properties', 'EnableLogFileValidation'] }];
  },
);
