import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html: IAM names are unique in the account, across regions.
describe('global-name-per-region', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  it('finds a role name without the region in a stack of both regions, at the name', async () => {
    const [role] = await copy.resources('app.yaml', 'AWS::IAM::Role');
    copy.edit('app.yaml', (doc) => doc.setIn(['Resources', role!, 'Properties', 'RoleName'], node("!Sub '${Project}-${Environment}-planted'")));
    const line = await copy.line('app.yaml', ['Resources', role!, 'Properties', 'RoleName']);
    const found = (await copy.run('global-name-per-region')).filter((f) => f.message.startsWith(`${role}:`));
    expect(found.map((f) => `${f.file}:${f.line}`)).toEqual([`app.yaml:${line}`]);
    expect(found[0]!.message).toContain('the IAM role name ${context=project}-${context=environment}-planted is the same in the primary and secondary regions');
  });

  it('finds a fixed bucket name, and accepts names with the region or the region role in them', async () => {
    const [role, other] = await copy.resources('app.yaml', 'AWS::IAM::Role');
    copy.edit('app.yaml', (doc) => {
      doc.setIn(['Resources', 'PlantedBucket'], node('{ Type: AWS::S3::Bucket, Properties: { BucketName: cafe-fixed-bucket } }'));
      doc.setIn(['Resources', role!, 'Properties', 'RoleName'], node("!Sub '${Project}-${Environment}-${AWS::Region}-planted'"));
      doc.setIn(['Resources', other!, 'Properties', 'RoleName'], node("!Sub '${Project}-${Environment}-${RegionRole}-planted'"));
    });
    const found = await copy.run('global-name-per-region');
    expect(found.filter((f) => f.message.startsWith(`${role}:`) || f.message.startsWith(`${other}:`))).toEqual([]);
    expect(found.filter((f) => f.message.startsWith('PlantedBucket:')).map((f) => f.message)).toEqual([expect.stringContaining('the S3 bucket name cafe-fixed-bucket is the same in the primary and secondary regions')]);
  });

  it('accepts a fixed name in a resource created in one region only', async () => {
    copy.edit('app.yaml', (doc) => {
      if (!doc.hasIn(['Conditions', 'PlantedPrimary'])) doc.setIn(['Conditions', 'PlantedPrimary'], node('!Equals [!Ref RegionRole, primary]'));
      doc.setIn(['Resources', 'PlantedBucket'], node('{ Type: AWS::S3::Bucket, Condition: PlantedPrimary, Properties: { BucketName: cafe-fixed-bucket } }'));
    });
    expect((await copy.run('global-name-per-region')).filter((f) => f.message.startsWith('PlantedBucket:'))).toEqual([]);
  });
});
