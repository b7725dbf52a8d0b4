import { isSeq } from 'yaml';
import { TemplatesCopy } from './copy';

// CloudFormation: "YAML aliases are not allowed in CloudFormation templates".
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
describe('yaml-aliases', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  it('warns at each alias of the source', async () => {
    const tagged = await copy.resources('app.yaml', 'AWS::Logs::LogGroup', (r) => Array.isArray(r.Properties?.Tags));
    copy.edit('app.yaml', (doc) => {
      const tags = doc.getIn(['Resources', tagged[0]!, 'Properties', 'Tags'], true);
      if (!isSeq(tags)) throw new Error('no Tags');
      tags.anchor = 'plantedTags';
      doc.setIn(['Resources', tagged[1]!, 'Properties', 'Tags'], doc.createAlias(tags));
    });
    const line = copy.text('app.yaml').split('\n').findIndex((l) => l.includes('*plantedTags')) + 1;
    const found = (await copy.run('yaml-aliases')).filter((f) => f.message.includes('plantedTags'));
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`app.yaml:${line} warning`]);
  });

  it('says nothing of a template without aliases', async () => {
    copy.edit('app.yaml', (doc) => {
      // Written out, every alias of the source becomes its value.
      doc.contents = doc.createNode(doc.toJS({ maxAliasCount: -1 }));
    });
    expect((await copy.run('yaml-aliases')).filter((f) => f.file === 'app.yaml')).toEqual([]);
  });
});
