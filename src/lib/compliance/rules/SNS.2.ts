import { get, isObject, literals, prop, resourceRule } from '../kit';

/** Protocols SNS records delivery status for. */
const LOGGED = ['http', 'https', 'lambda', 'sqs', 'firehose', 'application'];

export default resourceRule(
  {
    id: 'SNS.2',
    control: 'SNS.2',
    title: 'SNS topics log the delivery status of their notifications',
    severity: 'medium',
    resourceTypes: ['AWS::SNS::Topic'],
    docUrl: 'https://docs.aws.amazon.com/sns/latest/dg/sns-topic-attributes.html',
    remediation:
      'Set DeliveryStatusLogging for each protocol the topic delivers to (SuccessFeedbackRoleArn, FailureFeedbackRoleArn, SuccessFeedbackSampleRate). SNS records no delivery status for email and SMS subscriptions.',
  },
  ({ id, resource, template }) => {
    const inline = prop(resource, 'Subscription');
    const protocols = new Set<string>([
      ...(Array.isArray(inline) ? inline.flatMap((s) => literals(get(s, 'Protocol'))) : []),
      ...Object.values(template.template.Resources)
        .filter((r) => r?.Type === 'AWS::SNS::Subscription' && JSON.stringify(get(r.Properties, 'TopicArn')) === JSON.stringify({ Ref: id }))
        .flatMap((r) => literals(get(r!.Properties, 'Protocol'))),
    ]);
    const logged = prop(resource, 'DeliveryStatusLogging');
    const covered = new Set(Array.isArray(logged) ? logged.flatMap((l) => (isObject(l) && get(l, 'FailureFeedbackRoleArn') !== undefined ? literals(get(l, 'Protocol')) : [])) : []);
    const missing = [...protocols].filter((p) => LOGGED.includes(p) && !covered.has(p));
    if (protocols.size === 0 && !Array.isArray(logged)) return [{ message: `${id} has no subscriptions in the template and logs no delivery status`, path: ['Properties'] }];
    return missing.length ? [{ message: `${id} delivers over ${missing.join(', ')} without delivery status logging`, path: ['Properties'] }] : [];
  },
);
