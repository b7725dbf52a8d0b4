import { hasCondition, isPublicPrincipal, policyStatements, prop, resourceRule, statementViolation } from '../kit';

export default resourceRule(
  {
    id: 'SNS.4',
    control: 'SNS.4',
    title: 'SNS topic policies do not allow public access',
    severity: 'critical',
    resourceTypes: ['AWS::SNS::TopicPolicy'],
    remediation: 'Grant sns:Publish to service principals (cloudwatch.amazonaws.com, budgets.amazonaws.com) with aws:SourceAccount and aws:SourceArn conditions; never to Principal "*" without a condition.',
  },
  ({ id, resource }) =>
    policyStatements(prop(resource, 'PolicyDocument'), ['Properties', 'PolicyDocument']).flatMap(({ statement, path }) =>
      statement.Effect === 'Allow' && isPublicPrincipal(statement.Principal) && !hasCondition(statement) ? [statementViolation(`${id} lets anyone use the topic (Principal "*" without a condition)`, path)] : [],
    ),
);
