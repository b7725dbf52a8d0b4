import { isObject, prop, refersTo, resourceRule, resourcesOfType } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.4',
    control: 'APIGateway.4',
    title: 'API Gateway REST stages are protected by a WAF web ACL',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    remediation: 'Create a REGIONAL AWS::WAFv2::WebACL and an AWS::WAFv2::WebACLAssociation whose ResourceArn is the stage ARN (arn:...:apigateway:region::/restapis/<api>/stages/<stage>).',
  },
  ({ id, resource, template }) => {
    const stageName = prop(resource, 'StageName');
    const associated = resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation').some(({ resource: a }) => {
      const arn = prop(a, 'ResourceArn');
      if (refersTo(arn, id)) return true;
      const text = JSON.stringify(arn ?? '');
      return typeof stageName === 'string' && isObject(arn) && text.includes(`/stages/${stageName}`);
    });
    return associated ? [] : [{ message: `${id} is not associated with a WAF web ACL`, path: ['Type'] }];
  },
);
