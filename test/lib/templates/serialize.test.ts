import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../src/lib/templates/load';
import { serializeTemplate, templateHash, yamlAliases } from '../../../src/lib/templates/serialize';

// CloudFormation refuses YAML aliases: "Template error: YAML aliases are not allowed in CloudFormation templates"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
const withAliases = `Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags: &tags
        - Key: Name
          Value: !Sub '\${AWS::StackName}-topic'
        - Key: Owner
          Value: !Ref Owner
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags: *tags
      RedrivePolicy: &redrive { deadLetterTargetArn: !GetAtt [Dlq, Arn], maxReceiveCount: 3, Tags: *tags }
  Other:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: *redrive
`;

const api = (method: string) => `Resources:
  RestApi:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: cafe }
  MenuResource:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref RestApi, ParentId: !GetAtt RestApi.RootResourceId, PathPart: menu }
  MenuGet:
    Type: AWS::ApiGateway::Method
    Properties: { RestApiId: !Ref RestApi, ResourceId: !Ref MenuResource, HttpMethod: ${method}, AuthorizationType: NONE }
  ApiDeployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [MenuGet]
    Metadata:
      cafe-ops: { redeploy-on-change: true }
    Properties:
      RestApiId: !Ref RestApi
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref RestApi
      DeploymentId: !Ref ApiDeployment
      Description: !Sub 'deployment \${ApiDeployment} of \${RestApi}'
  Watcher:
    Type: AWS::SNS::Topic
    DependsOn: ApiDeployment
Outputs:
  DeploymentId:
    Value: { Ref: ApiDeployment }
  Same:
    Value: { 'Fn::GetAtt': [ApiDeployment, DeploymentId] }
`;

describe('serializeTemplate', () => {
  it('expands every alias (nested ones too) and keeps the short-form intrinsic tags', () => {
    expect(yamlAliases(withAliases)).toEqual(['tags', 'tags', 'redrive']);
    const { body } = serializeTemplate(withAliases);
    expect(yamlAliases(body)).toEqual([]);
    expect(body).not.toMatch(/[&*](tags|redrive)\b/);
    expect(body).toContain("!Sub '${AWS::StackName}-topic'");
    expect(body).toContain('!Ref Owner');
    expect(body).toContain('!GetAtt [ Dlq, Arn ]');
    // The same template as CloudFormation would read the source with aliases resolved.
    expect(parseTemplate(body, 'out.yaml').template).toEqual(parseTemplate(withAliases, 'in.yaml').template);
  });

  it('is deterministic: equal input, equal body and hash (the sha256 of the body)', () => {
    const a = serializeTemplate(withAliases);
    const b = serializeTemplate(`${withAliases}`);
    expect(a.body).toBe(b.body);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).toBe(templateHash(a.body));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a redeploy-on-change API deployment a logical id that changes with the API, and every reference follows', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html
    const get = serializeTemplate(api('GET'));
    const post = serializeTemplate(api('POST'));
    const getId = get.renamed.ApiDeployment!;
    const postId = post.renamed.ApiDeployment!;
    expect(getId).toMatch(/^ApiDeployment[0-9a-f]{10}$/);
    expect(postId).toMatch(/^ApiDeployment[0-9a-f]{10}$/);
    expect(postId).not.toBe(getId);
    expect(serializeTemplate(api('GET')).renamed.ApiDeployment).toBe(getId);

    const t = parseTemplate(post.body, 'app.yaml').template;
    expect(t.Resources.ApiDeployment).toBeUndefined();
    expect(t.Resources[postId]!.Type).toBe('AWS::ApiGateway::Deployment');
    expect(t.Resources.Stage!.Properties!.DeploymentId).toEqual({ Ref: postId });
    expect(t.Resources.Stage!.Properties!.Description).toEqual({ 'Fn::Sub': `deployment \${${postId}} of \${RestApi}` });
    expect(t.Resources.Watcher!.DependsOn).toBe(postId);
    expect(t.Outputs!.DeploymentId!.Value).toEqual({ Ref: postId });
    expect(t.Outputs!.Same!.Value).toEqual({ 'Fn::GetAtt': [postId, 'DeploymentId'] });
    expect(post.body).toContain(`DeploymentId: !Ref ${postId}`);
  });

  it('reads the create-time parameter values of Metadata cafe-ops.on-create-parameters, and refuses unknown names', () => {
    const template = (name: string) =>
      `Metadata:\n  cafe-ops:\n    on-create-parameters:\n      ${name}: 'false'\nParameters:\n  DeletionProtection: { Type: String, Default: 'true' }\nResources:\n  T: { Type: AWS::SNS::Topic }\n`;
    expect(serializeTemplate(template('DeletionProtection'), 'data.yaml').createParameters).toEqual({ DeletionProtection: 'false' });
    expect(serializeTemplate(withAliases).createParameters).toEqual({});
    expect(() => serializeTemplate(template('DeletionProtectio'), 'data.yaml')).toThrow(
      'data.yaml: Metadata.cafe-ops.on-create-parameters names DeletionProtectio, which is not a parameter of the template',
    );
    // The real data template creates its databases unprotected, so a failed first create can be deleted.
    const data = readFileSync(join(__dirname, '../../../templates/data.yaml'), 'utf8');
    expect(serializeTemplate(data, 'data.yaml').createParameters).toEqual({ DeletionProtection: 'false' });
  });

  it('leaves a deployment without the metadata alone', () => {
    const plain = api('GET').replace('      cafe-ops: { redeploy-on-change: true }\n', '      Note: fixed\n');
    const { body, renamed } = serializeTemplate(plain);
    expect(renamed).toEqual({});
    expect(body).toContain('DeploymentId: !Ref ApiDeployment');
  });

  it('sends each real template as the same template, without aliases', () => {
    const dir = join(__dirname, '../../../templates');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'stacks.yaml')) {
      const source = readFileSync(join(dir, file), 'utf8');
      const { body, renamed } = serializeTemplate(source, file);
      expect(yamlAliases(body)).toEqual([]);
      if (Object.keys(renamed).length === 0) expect(parseTemplate(body, file).template).toEqual(parseTemplate(source, file).template);
    }
  });
});
