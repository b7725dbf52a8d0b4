import { TemplatesCopy } from './copy';

// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html (RetainExceptOnCreate)
describe('retain-fixed-name', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  it('finds a log group with a fixed name and DeletionPolicy Retain, at its DeletionPolicy', async () => {
    const [id] = await copy.resources('app.yaml', 'AWS::Logs::LogGroup', (r) => r.Properties?.LogGroupName !== undefined);
    copy.edit('app.yaml', (doc) => doc.setIn(['Resources', id!, 'DeletionPolicy'], 'Retain'));
    const line = await copy.line('app.yaml', ['Resources', id!, 'DeletionPolicy']);
    const found = (await copy.run('retain-fixed-name')).filter((f) => f.message.startsWith(`${id} `));
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`app.yaml:${line} error`]);
    expect(found[0]!.message).toMatch(/fixed name .*-\$\{context=environment\}-.* and DeletionPolicy Retain.*RetainExceptOnCreate/);
  });

  it('accepts RetainExceptOnCreate, and Retain without a fixed name', async () => {
    const [id] = await copy.resources('app.yaml', 'AWS::Logs::LogGroup', (r) => r.Properties?.LogGroupName !== undefined);
    const [role] = await copy.resources('app.yaml', 'AWS::IAM::Role', (r) => r.Properties?.RoleName === undefined);
    copy.edit('app.yaml', (doc) => {
      doc.setIn(['Resources', id!, 'DeletionPolicy'], 'RetainExceptOnCreate');
      doc.setIn(['Resources', role!, 'DeletionPolicy'], 'Retain');
    });
    const found = (await copy.run('retain-fixed-name')).filter((f) => f.message.startsWith(`${id} `) || f.message.startsWith(`${role} `));
    expect(found).toEqual([]);
  });
});
