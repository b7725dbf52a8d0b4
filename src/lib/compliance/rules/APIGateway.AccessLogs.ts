import { prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.AccessLogs',
    checkov: ['CKV_AWS_76'],
    title: 'API Gateway REST stages write access logs',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    docUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
    remediation: 'Set AccessLogSetting with DestinationArn (an encrypted log group, or a Firehose stream named amazon-apigateway-*) and a Format with at least $context.requestId and $context.status.',
  },
  ({ id, resource }) => {
    if (prop(resource, 'AccessLogSetting', 'DestinationArn') === undefined) return [{ message: `${id} writes no access logs`, path: prop(resource, 'AccessLogSetting') === undefined ? ['Properties'] : ['Properties', 'AccessLogSetting'] }];
    if (prop(resource, 'AccessLogSetting', 'Format') === undefined) return [{ message: `${id} has an access log destination but no Format`, path: ['Properties', 'AccessLogSetting'] }];
    return [];
  },
);
