import { isObject, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'Lambda.EnvironmentKMS',
    checkov: ['CKV_AWS_173'],
    title: 'Lambda environment variables are encrypted with a customer managed KMS key',
    severity: 'low',
    resourceTypes: ['AWS::Lambda::Function'],
    docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html',
    remediation: 'Set KmsKeyArn to the platform key on every function with Environment.Variables (the role needs kms:Decrypt on it).',
  },
  ({ id, resource }) => {
    const vars = prop(resource, 'Environment', 'Variables');
    if (!isObject(vars) || Object.keys(vars).length === 0) return [];
    return prop(resource, 'KmsKeyArn') === undefined ? [{ message: `${id} has environment variables but no KmsKeyArn`, path: ['Properties', 'Environment'] }] : [];
  },
);
