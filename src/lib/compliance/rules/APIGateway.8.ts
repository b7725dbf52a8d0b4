import { literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.8',
    control: 'APIGateway.8',
    checkov: ['CKV_AWS_59'],
    title: 'API routes and methods require authorisation',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Method', 'AWS::ApiGatewayV2::Route'],
    remediation:
      'Set AuthorizationType: AWS_IAM, or COGNITO_USER_POOLS, CUSTOM or JWT with an AuthorizerId. A route that is public by design (a health check, a public catalogue) needs a suppression with its reason.',
  },
  ({ id, resource }) => {
    if (resource.Type === 'AWS::ApiGateway::Method' && literals(prop(resource, 'HttpMethod')).includes('OPTIONS')) return [];
    const type = prop(resource, 'AuthorizationType');
    if (type === undefined) return [{ message: `${id} sets no AuthorizationType: anyone can call it`, path: ['Properties'] }];
    return literals(type).includes('NONE') ? [{ message: `${id} has AuthorizationType NONE: anyone can call it`, path: ['Properties', 'AuthorizationType'] }] : [];
  },
);
