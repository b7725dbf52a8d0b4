import { list, policyStatements, resourceRule, statementViolation } from '../kit';

export default resourceRule(
  {
    id: 'IAM.21',
    control: 'IAM.21',
    checkov: ['CKV_AWS_63'],
    title: 'Policies grant no wildcard actions or resources (least privilege)',
    severity: 'low',
    resourceTypes: ['*'],
    remediation:
      'List the actions (no service:*) and the resource ARNs a principal needs. Where AWS supports no resource-level permission (e.g. ec2:CreateNetworkInterface, xray:PutTraceSegments) or a key policy names its own key with "*", suppress with that reason.',
  },
  ({ id, resource }) =>
    policyStatements(resource.Properties, ['Properties']).flatMap(({ statement, path }) => {
      if (statement.Effect !== 'Allow') return [];
      if (statement.NotAction !== undefined) return [statementViolation(`${id} allows everything but a list of actions (NotAction)`, path)];
      const actions = list(statement.Action).filter((a): a is string => typeof a === 'string' && (a === '*' || a.endsWith(':*')));
      const wildResource = list(statement.Resource).includes('*');
      if (!actions.length && !wildResource) return [];
      const what = [actions.length ? `actions ${actions.join(', ')}` : '', wildResource ? 'Resource "*"' : ''].filter(Boolean).join(' on ');
      return [statementViolation(`${id} grants wildcard ${what}`, path)];
    }),
);
