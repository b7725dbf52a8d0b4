import { branches, isIntrinsic, prop, resourceRule } from '../kit';

/** The control's default minimum: one year. */
const MIN_DAYS = 365;

export default resourceRule(
  {
    id: 'CloudWatch.16',
    control: 'CloudWatch.16',
    checkov: ['CKV_AWS_66'],
    title: 'CloudWatch log groups keep their logs for a set period (at least a year)',
    severity: 'medium',
    resourceTypes: ['AWS::Logs::LogGroup'],
    remediation: 'Set RetentionInDays (365 or more for audit trails; a parameter validated with AllowedValues is checked live).',
  },
  ({ id, resource }) => {
    const value = prop(resource, 'RetentionInDays');
    if (value === undefined) return [{ message: `${id} sets no retention: logs are kept forever, and the period is nobody's decision`, path: ['Properties'] }];
    const short = branches(value).filter((v) => !isIntrinsic(v) && v !== undefined && Number(v) < MIN_DAYS);
    return short.length ? [{ message: `${id} keeps logs ${short.map(String).join(' or ')} days, less than ${MIN_DAYS}`, path: ['Properties', 'RetentionInDays'] }] : [];
  },
);
