import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (delegating with a boundary)
describe('role-boundary', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  const plant = async (statement: string) => {
    const [role] = await copy.resources('ci.yaml', 'AWS::IAM::Role', (r) => Array.isArray(r.Properties?.Policies));
    copy.edit('ci.yaml', (doc) => {
      const statements = doc.getIn(['Resources', role!, 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement']) as { items: unknown[] };
      statements.items.push(node(statement));
    });
    return { role: role! };
  };

  it('finds a statement that may create roles with no iam:PermissionsBoundary condition, at its Action', async () => {
    const { role } = await plant("{ Sid: Planted, Effect: Allow, Action: ['iam:Create*', 's3:GetObject'], Resource: '*' }");
    const found = (await copy.run('role-boundary')).filter((f) => f.message.includes('(Planted)'));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe(
      `${role}: a statement (Planted) allows iam:CreateRole with no iam:PermissionsBoundary condition: whoever holds it can create or change a role into an administrator. ` +
        'Allow it only with a Condition on iam:PermissionsBoundary naming the boundary policy (and never allow iam:DeleteRolePermissionsBoundary)',
    );
    const lines = copy.text('ci.yaml').split('\n');
    expect(lines[found[0]!.line - 1]).toMatch(/Action: \[ 'iam:Create\*'/);
  });

  it('finds iam:* and NotAction grants', async () => {
    await plant("{ Sid: PlantedAll, Effect: Allow, NotAction: ['s3:*'], Resource: '*' }");
    const found = (await copy.run('role-boundary')).filter((f) => f.message.includes('(PlantedAll)'));
    expect(found[0]!.message).toContain('iam:CreateRole, iam:PutRolePolicy, iam:AttachRolePolicy');
  });

  it('accepts the grant with an iam:PermissionsBoundary condition, or guarded by a Deny that requires it', async () => {
    await plant(
      "{ Sid: PlantedBounded, Effect: Allow, Action: [iam:CreateRole, iam:PutRolePolicy], Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary' } } }",
    );
    await plant("{ Sid: PlantedGuarded, Effect: Allow, Action: iam:AttachRolePolicy, Resource: '*' }");
    await plant(
      "{ Sid: PlantedDeny, Effect: Deny, Action: iam:AttachRolePolicy, Resource: '*', Condition: { StringNotEquals: { 'iam:PermissionsBoundary': !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary' } } }",
    );
    const found = (await copy.run('role-boundary')).filter((f) => /\(Planted/.test(f.message));
    expect(found).toEqual([]);
  });
});
