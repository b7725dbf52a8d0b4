/**
 * The API's authorizer in templates/app.yaml, which the catalog deploys in both regions: every signed-in method
 * uses the Lambda authorizer (not a COGNITO_USER_POOLS authorizer tied to the primary's user pool), the
 * authorizer's invoke permission names this API's authorizer only, and its role reaches one control-table item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../src/lib/dev/app-model';
import { parseCatalog, sourceFor } from '../../src/lib/stacks/catalog';
import { parseTemplate } from '../../src/lib/templates/load';

const root = join(__dirname, '../..');
const catalog = parseCatalog(readFileSync(join(root, 'templates/stacks.yaml'), 'utf8'), 'templates/stacks.yaml');
const app = parseTemplate(readFileSync(join(root, 'templates/app.yaml'), 'utf8'), 'templates/app.yaml').template;
const resources = app.Resources;
const props = (id: string) => (resources[id]?.Properties ?? {}) as Record<string, unknown>;
const methods = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Method');

describe('the API authorizer of templates/app.yaml', () => {
  it('is deployed with the app stack in both regions, from the primary identity stack outputs', () => {
    const spec = catalog.stacks.app!;
    expect(spec.template).toBe('app.yaml');
    expect(spec.regions).toEqual(['primary', 'secondary']);
    for (const role of ['primary', 'secondary'] as const) {
      expect(sourceFor(spec.parameters.UserPoolArn!, role)).toEqual({ output: 'identity.UserPoolArn', from: 'primary' });
      expect(sourceFor(spec.parameters.UserPoolClientId!, role)).toEqual({ output: 'identity.UserPoolClientId', from: 'primary' });
      expect(sourceFor(spec.parameters.AuthorizerCodeKey!, role)).toEqual({ artifact: 'authorizer-fn' });
    }
    expect(catalog.artifacts['authorizer-fn']).toEqual({ bundle: 'functions/authorizer/handler.ts' });
  });

  it('guards every signed-in method: each method is public (NONE), IAM-signed, or CUSTOM with the Lambda authorizer', () => {
    const byType = new Map<string, string[]>();
    for (const [id, r] of methods) {
      const type = String(r.Properties?.AuthorizationType);
      byType.set(type, [...(byType.get(type) ?? []), id]);
      if (type === 'CUSTOM') expect([id, r.Properties?.AuthorizerId]).toEqual([id, { Ref: 'ApiAuthorizer' }]);
    }
    expect([...byType.keys()].sort()).toEqual(['AWS_IAM', 'CUSTOM', 'NONE']);
    expect(byType.get('CUSTOM')).toHaveLength(10);
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Authorizer')).toHaveLength(1);
    expect(JSON.stringify(resources)).not.toContain('COGNITO_USER_POOLS');
  });

  it('is a TOKEN authorizer on the Authorization header, invoking the authorizer function, with results cached per token', () => {
    expect(props('ApiAuthorizer')).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      RestApiId: { Ref: 'RestApi' },
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthorizerFunction.Arn}/invocations' },
    });
    expect(props('ApiAuthorizer').ProviderARNs).toBeUndefined();
  });

  it('lets API Gateway invoke the function for this API authorizer only', () => {
    const permissions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties?.FunctionName).includes('AuthorizerFunction'));
    expect(permissions.map(([id]) => id)).toEqual(['AuthorizerInvokePermission']);
    expect(props('AuthorizerInvokePermission')).toEqual({
      FunctionName: { 'Fn::GetAtt': ['AuthorizerFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/authorizers/${ApiAuthorizer}' },
    });
  });

  it('gives the function the user pool id, its app client and the control table, and its role one item of that table', () => {
    const env = (props('AuthorizerFunction').Environment as { Variables: Record<string, unknown> }).Variables;
    const values = { UserPoolArn: 'arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_AbC123', UserPoolClientId: 'abc', ControlTableName: 'cafe-prod-control' };
    expect(Object.fromEntries(['USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'CONTROL_TABLE'].map((k) => [k, evaluate(env[k], values)]))).toEqual({
      USER_POOL_ID: 'eu-west-1_AbC123',
      USER_POOL_CLIENT_ID: 'abc',
      CONTROL_TABLE: 'cafe-prod-control',
    });
    const statements = (props('AuthorizerRole').Policies as { PolicyDocument: { Statement: { Sid: string; Action: string[]; Condition?: Record<string, Record<string, unknown[]>> }[] } }[])[0]!.PolicyDocument.Statement;
    const dynamo = statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]!.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    const leading = dynamo[0]!.Condition!['ForAllValues:StringEquals']!['dynamodb:LeadingKeys']!;
    expect(leading.map((k) => evaluate(k, values))).toEqual(['jwks#eu-west-1_AbC123']);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith('ec2:') || a.startsWith('secretsmanager:') || a.startsWith('states:'))).toEqual([]);
  });
});
