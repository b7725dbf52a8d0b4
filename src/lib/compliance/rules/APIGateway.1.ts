import { get, literals, prop, resourceRule } from '../kit';

export default resourceRule(
  {
    id: 'APIGateway.1',
    control: 'APIGateway.1',
    title: 'API Gateway REST stages have execution logging',
    severity: 'medium',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    remediation: "Add MethodSettings with ResourcePath '/*', HttpMethod '*' and LoggingLevel ERROR (or INFO), and set the account's CloudWatch role (AWS::ApiGateway::Account).",
  },
  ({ id, resource }) => {
    const settings = prop(resource, 'MethodSettings');
    const entries = Array.isArray(settings) ? settings : [];
    const off = entries.findIndex((s) => literals(get(s, 'LoggingLevel')).includes('OFF'));
    if (off >= 0) return [{ message: `${id}: execution logging is OFF for ${String(get(entries[off], 'ResourcePath'))}`, path: ['Properties', 'MethodSettings', off, 'LoggingLevel'] }];
    const logged = entries.some((s) => get(s, 'LoggingLevel') !== undefined);
    return logged ? [] : [{ message: `${id} has no execution logging (MethodSettings LoggingLevel ERROR or INFO)`, path: settings ? ['Properties', 'MethodSettings'] : ['Properties'] }];
  },
);
