import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html
describe('lambda-version-redeploy', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  it('finds a version without the redeploy-on-change marker, at its logical id, whatever its condition', async () => {
    const ids = await copy.resources('app.yaml', 'AWS::Lambda::Version');
    expect(ids.length).toBeGreaterThan(0);
    copy.edit('app.yaml', (doc) => doc.deleteIn(['Resources', ids[0]!, 'Metadata']));
    const line = await copy.line('app.yaml', ['Resources', ids[0]!]);
    const found = await copy.run('lambda-version-redeploy');
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`app.yaml:${line} error`]);
    expect(found[0]!.message).toContain('redeploy-on-change: true');
  });

  it('accepts the templates as they are (every version marked), and refuses a quoted \'true\', which renames nothing', async () => {
    expect(await copy.run('lambda-version-redeploy')).toEqual([]);
    const [id] = await copy.resources('app.yaml', 'AWS::Lambda::Version');
    copy.edit('app.yaml', (doc) => doc.setIn(['Resources', id!, 'Metadata'], node("{ cafe-ops: { redeploy-on-change: 'true' } }")));
    expect(await copy.run('lambda-version-redeploy')).toHaveLength(1);
  });
});
