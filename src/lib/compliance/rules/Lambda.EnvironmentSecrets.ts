import { isObject, prop, resourceRule, type Violation } from '../kit';

const SECRET_NAME = /(pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential)/i;
const AWS_KEY = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;

export default resourceRule(
  {
    id: 'Lambda.EnvironmentSecrets',
    checkov: ['CKV_AWS_45'],
    title: 'Lambda environment variables hold no secrets',
    severity: 'high',
    resourceTypes: ['AWS::Lambda::Function'],
    docUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption',
    remediation: 'Keep the secret in Secrets Manager and put its ARN in the environment (e.g. DB_SECRET_ARN); the function reads the value at run time with its role.',
  },
  ({ id, resource }) => {
    const vars = prop(resource, 'Environment', 'Variables');
    const violations: Violation[] = [];
    if (!isObject(vars)) return violations;
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== 'string') continue;
      const named = SECRET_NAME.test(name) && !/(arn|name|id|url|header|param)$/i.test(name) && value.length >= 8 && !value.startsWith('arn:');
      if (named || AWS_KEY.test(value)) violations.push({ message: `${id} holds a literal secret in environment variable ${name}`, path: ['Properties', 'Environment', 'Variables', name] });
    }
    return violations;
  },
);
