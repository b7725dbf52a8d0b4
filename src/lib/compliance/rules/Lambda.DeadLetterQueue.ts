import { get, literals, prop, refersTo, resourceRule, resourcesOfType } from '../kit';

/** Service principals that invoke functions asynchronously. */
const ASYNC = ['events.amazonaws.com', 'sns.amazonaws.com', 's3.amazonaws.com', 'logs.amazonaws.com', 'iot.amazonaws.com', 'ses.amazonaws.com', 'scheduler.amazonaws.com', 'config.amazonaws.com', 'cloudwatch.amazonaws.com'];

export default resourceRule(
  {
    id: 'Lambda.DeadLetterQueue',
    checkov: ['CKV_AWS_116'],
    title: 'Lambda functions invoked asynchronously keep failed events (dead-letter queue or on-failure destination)',
    severity: 'medium',
    resourceTypes: ['AWS::Lambda::Function'],
    docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html',
    remediation:
      'Set DeadLetterConfig.TargetArn to an encrypted SQS queue or SNS topic, or add an AWS::Lambda::EventInvokeConfig with DestinationConfig.OnFailure. Functions only invoked synchronously (API Gateway, Step Functions Task states) return their errors to the caller and pass.',
  },
  ({ id, resource, template }) => {
    if (prop(resource, 'DeadLetterConfig', 'TargetArn') !== undefined) return [];
    // A permission, destination or subscription names the function or one of its aliases (AWS::Lambda::Alias).
    const aliases = resourcesOfType(template, 'AWS::Lambda::Alias').filter((a) => refersTo(prop(a.resource, 'FunctionName'), id)).map((a) => a.id);
    const names = (value: unknown) => [id, ...aliases].some((target) => refersTo(value, target));
    if (resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').some((c) => names(prop(c.resource, 'FunctionName')) && get(c.resource.Properties, 'DestinationConfig', 'OnFailure') !== undefined)) return [];
    const async = resourcesOfType(template, 'AWS::Lambda::Permission').filter((p) => names(prop(p.resource, 'FunctionName')) && literals(prop(p.resource, 'Principal')).some((pr) => ASYNC.includes(pr)));
    const subscribed = resourcesOfType(template, 'AWS::SNS::Subscription').some((s) => literals(prop(s.resource, 'Protocol')).includes('lambda') && names(prop(s.resource, 'Endpoint')));
    return async.length || subscribed ? [{ message: `${id} is invoked asynchronously (${async.map((a) => a.id).join(', ') || 'SNS'}) and keeps no failed events`, path: ['Properties'] }] : [];
  },
);
