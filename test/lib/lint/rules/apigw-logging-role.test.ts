import { isMap, isScalar, type Document } from 'yaml';
import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
describe('apigw-logging-role', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  const ACCOUNT = "{ Type: AWS::ApiGateway::Account, Properties: { CloudWatchRoleArn: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/api-logs' } }";

  /** Removes every AWS::ApiGateway::Account of the copy, and gives the app stage execution logging only, without DependsOn. */
  const withoutAccount = async () => {
    const catalog = await copy.catalog();
    for (const file of new Set(Object.values(catalog.stacks).map((s) => s.template))) {
      copy.edit(file, (doc: Document) => {
        const resources = doc.get('Resources');
        if (!isMap(resources)) return;
        for (const pair of [...resources.items]) {
          const id = String(isScalar(pair.key) ? pair.key.value : pair.key);
          if (doc.getIn(['Resources', id, 'Type']) === 'AWS::ApiGateway::Account') doc.deleteIn(['Resources', id]);
        }
      });
    }
    const [stage] = await copy.resources('app.yaml', 'AWS::ApiGateway::Stage');
    copy.edit('app.yaml', (doc) => {
      doc.deleteIn(['Resources', stage!, 'DependsOn']);
      doc.deleteIn(['Resources', stage!, 'Properties', 'AccessLogSetting']);
      doc.setIn(['Resources', stage!, 'Properties', 'MethodSettings'], node("[{ ResourcePath: '/*', HttpMethod: '*', LoggingLevel: ERROR }]"));
    });
    return stage!;
  };

  it('finds stage logging when the account role is set by a stack deployed later in the region, at the logging setting', async () => {
    const stage = await withoutAccount();
    copy.edit('observability.yaml', (doc) => doc.setIn(['Resources', 'PlantedAccount'], node(ACCOUNT)));
    const line = await copy.line('app.yaml', ['Resources', stage, 'Properties', 'MethodSettings', 0, 'LoggingLevel']);
    const found = await copy.run('apigw-logging-role');
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`app.yaml:${line} error`, `app.yaml:${line} error`]);
    expect(found.map((f) => f.message.split(': ').pop())).toEqual([
      'observability@primary sets it, but is not deployed before app@primary',
      'observability@secondary sets it, but is not deployed before app@secondary',
    ]);
  });

  it('finds the account role in the same template when the stage does not depend on it', async () => {
    await withoutAccount();
    copy.edit('app.yaml', (doc) => doc.setIn(['Resources', 'PlantedAccount'], node(ACCOUNT)));
    const found = await copy.run('apigw-logging-role');
    expect(found[0]!.message).toContain('PlantedAccount is in the same template, but');
  });

  it('accepts the role set by an earlier stack of the region, or in the same template with a DependsOn', async () => {
    const stage = await withoutAccount();
    copy.edit('bootstrap.yaml', (doc) => doc.setIn(['Resources', 'PlantedAccount'], node(ACCOUNT)));
    expect(await copy.run('apigw-logging-role')).toEqual([]);

    copy.edit('bootstrap.yaml', (doc) => doc.deleteIn(['Resources', 'PlantedAccount']));
    copy.edit('app.yaml', (doc) => {
      doc.setIn(['Resources', 'PlantedAccount'], node(ACCOUNT));
      doc.setIn(['Resources', stage, 'DependsOn'], node('[PlantedAccount]'));
    });
    expect(await copy.run('apigw-logging-role')).toEqual([]);
  });
});
