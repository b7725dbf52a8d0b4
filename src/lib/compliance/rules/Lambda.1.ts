import { isPublicPrincipal, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.1',
    control: 'Lambda.1',
    checkov: ['CKV_AWS_258'],
    title: 'Lambda function policies prohibit public access',
    severity: 'critical',
    resourceTypes: ['AWS::Lambda::Permission', 'AWS::Lambda::Url'],
    remediation:
      'Grant invoke to a service principal with SourceArn and SourceAccount (or to a specific account), never to "*"; give function URLs AuthType AWS_IAM.',
  },
  ({ id, resource }) => {
    if (resource.Type === 'AWS::Lambda::Url') {
      return literals(prop(resource, 'AuthType')).includes('NONE') ? [{ message: `${id}: function URL with AuthType NONE is public`, path: ['Properties', 'AuthType'] }] : [];
    }
    const principal = prop(resource, 'Principal');
    const scoped = prop(resource, 'SourceAccount') !== undefined || prop(resource, 'PrincipalOrgID') !== undefined;
    if (isPublicPrincipal(principal) && !scoped) return [{ message: `${id} lets anyone invoke the function (Principal "*")`, path: ['Properties', 'Principal'] }];
    if (literals(prop(resource, 'FunctionUrlAuthType')).includes('NONE')) return [{ message: `${id} allows public function URL calls`, path: ['Properties', 'FunctionUrlAuthType'] }];
    return [];
  },
);
