import { list, policyStatements, resourceRule, statementViolation } from '../kit';

export default resourceRule(
  {
    id: 'IAM.1',
    control: 'IAM.1',
    checkov: ['CKV_AWS_62'],
    title: 'IAM policies do not grant full administrative privileges',
    severity: 'high',
    resourceTypes: ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group'],
    remediation: 'Replace Action "*" on Resource "*" with the actions and resources the principal needs.',
  },
  ({ id, resource }) =>
    policyStatements(resource.Properties, ['Properties'])
      .filter(({ statement }) => statement.Effect === 'Allow' && list(statement.Action).includes('*') && list(statement.Resource).includes('*'))
      .map(({ path }) => statementViolation(`${id} allows every action on every resource`, path)),
);
