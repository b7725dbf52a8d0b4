import { get, literals, prop, refersTo, resourceRule, resourcesOfType } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.2',
    control: 'APIGateway.2',
    title: 'API Gateway REST stages with HTTP backends authenticate to them with a client certificate',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    docUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html',
    remediation:
      'Create an AWS::ApiGateway::ClientCertificate and set ClientCertificateId on the stage, so HTTP backends can verify that requests come from API Gateway. Lambda (AWS_PROXY/AWS) and MOCK integrations use no client certificate and pass.',
  },
  ({ id, resource, template }) => {
    if (prop(resource, 'ClientCertificateId') !== undefined) return [];
    const api = prop(resource, 'RestApiId');
    const httpBackends = resourcesOfType(template, 'AWS::ApiGateway::Method').filter(
      (m) => (api === undefined || JSON.stringify(prop(m.resource, 'RestApiId')) === JSON.stringify(api) || (typeof api === 'object' && api !== null && 'Ref' in api && refersTo(prop(m.resource, 'RestApiId'), String((api as { Ref: unknown }).Ref)))) &&
        literals(get(m.resource.Properties, 'Integration', 'Type')).some((t) => t === 'HTTP' || t === 'HTTP_PROXY'),
    );
    return httpBackends.length
      ? [{ message: `${id} calls HTTP backends (${httpBackends.map((m) => m.id).slice(0, 3).join(', ')}) without a client certificate`, path: ['Properties'] }]
      : [];
  },
);
