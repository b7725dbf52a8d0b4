import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html
describe('api-deployment-redeploy', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  it('finds a deployment without the redeploy-on-change marker, at its logical id', async () => {
    const [id] = await copy.resources('app.yaml', 'AWS::ApiGateway::Deployment');
    copy.edit('app.yaml', (doc) => doc.deleteIn(['Resources', id!, 'Metadata']));
    const line = await copy.line('app.yaml', ['Resources', id!]);
    const found = await copy.run('api-deployment-redeploy');
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`app.yaml:${line} error`]);
    expect(found[0]!.message).toContain('redeploy-on-change: true');
  });

  it('accepts a deployment marked redeploy-on-change', async () => {
    const [id] = await copy.resources('app.yaml', 'AWS::ApiGateway::Deployment');
    copy.edit('app.yaml', (doc) => doc.setIn(['Resources', id!, 'Metadata'], node("{ cafe-ops: { redeploy-on-change: true } }")));
    expect(await copy.run('api-deployment-redeploy')).toEqual([]);
  });
});
