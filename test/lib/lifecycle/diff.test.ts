import { diffInstances } from '../../../src/lib/lifecycle/diff';
import type { PlannedStack } from '../../../src/lib/deploy/plan';
import { serializeTemplate } from '../../../src/lib/templates/serialize';
import { createMemoryOutput } from '../../support/memory-output';
import { FakeClock } from '../../support/fake-clock';
import { env } from '../deploy/fixtures';
import { FakeLifecycle } from './fake-lifecycle';

const role = (trusted: string, bucketAction = 's3:GetObject') => `
Parameters:
  NetworkId: { Type: String }
  Size: { Type: Number, Default: 2 }
  Secret: { Type: String, NoEcho: true }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: ${trusted} }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: ${bucketAction}, Resource: !Sub 'arn:aws:s3:::bucket-\${NetworkId}/*' }]
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: api
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16 }]
`;

const node: PlannedStack = {
  id: 'api@primary', stack: 'api', role: 'primary', region: 'eu-west-1', stackName: 'cafe-staging-api', template: 'api.yaml', dependsOn: ['network@primary'], after: [],
  parameters: [
    { name: 'NetworkId', from: 'network@primary.VpcId', source: { output: 'network.VpcId' } },
    { name: 'Secret', value: 'hunter2', from: 'literal', source: 'hunter2' },
  ],
};
const tags = { Project: 'cafe', Environment: 'staging', CostCenter: 'cafe-platform' };

function setup(planned: string, deployed?: { template: string; parameters?: Record<string, string>; tags?: Record<string, string> }) {
  const clock = new FakeClock();
  const cfn = new FakeLifecycle(clock);
  cfn.add('eu-west-1', 'cafe-staging-network', { outputs: { VpcId: 'vpc-1' } });
  if (deployed) {
    cfn.add('eu-west-1', 'cafe-staging-api', { template: serializeTemplate(deployed.template).body, parameters: deployed.parameters ?? { NetworkId: 'vpc-1', Size: '2', Secret: '****' }, tags: deployed.tags ?? tags });
  }
  const out = createMemoryOutput();
  const run = () => diffInstances([node], { env, tags, artifactKey: async (name) => `functions/${name}/abc.zip`, readTemplate: async () => planned }, { cloudFormation: cfn.deps(), clock, out: out.output });
  return { cfn, run };
}

describe('diff engine', () => {
  it('what is deployed and what deploy would send are equal: unchanged (NoEcho values are never compared)', async () => {
    const report = await setup(role('lambda.amazonaws.com'), { template: role('lambda.amazonaws.com') }).run();
    expect(report.changed).toBe(false);
    expect(report.stacks[0]).toMatchObject({ state: 'unchanged', resources: [], parameters: [], tags: [], text: '' });
  });

  it('a property change is named, and IAM statement changes are called out as cdk diff does', async () => {
    const report = await setup(role('ec2.amazonaws.com', 's3:*'), { template: role('lambda.amazonaws.com') }).run();
    const stack = report.stacks[0]!;
    expect(stack.state).toBe('changed');
    expect(stack.resources).toEqual([{ logicalId: 'Role', type: 'AWS::IAM::Role', impact: 'WILL_UPDATE', properties: ['AssumeRolePolicyDocument', 'Policies'], other: [] }]);
    expect(stack.security).toEqual({ iamChanges: true, securityGroupChanges: false, permissionsBroadened: true });
    expect(stack.text).toContain('IAM Statement Changes');
    expect(stack.text).toMatch(/\+.*Service:ec2\.amazonaws\.com/);
  });

  it('security-group rule changes are called out', async () => {
    const report = await setup(role('lambda.amazonaws.com').replace('10.0.0.0/16', '0.0.0.0/0'), { template: role('lambda.amazonaws.com') }).run();
    expect(report.stacks[0]!.security.securityGroupChanges).toBe(true);
    expect(report.stacks[0]!.text).toContain('Security Group Changes');
  });

  it('parameters resolved from the producer stack\'s outputs, template defaults and stack tags are compared', async () => {
    const report = await setup(role('lambda.amazonaws.com'), {
      template: role('lambda.amazonaws.com'),
      parameters: { NetworkId: 'vpc-0', Size: '3', Secret: '****' },
      tags: { ...tags, CostCenter: 'old' },
    }).run();
    expect(report.stacks[0]).toMatchObject({
      state: 'changed',
      resources: [],
      parameters: [{ name: 'NetworkId', deployed: 'vpc-0', planned: 'vpc-1' }, { name: 'Size', deployed: '3', planned: '2' }],
      tags: [{ name: 'CostCenter', deployed: 'old', planned: 'cafe-platform' }],
    });
  });

  it('a stack that is not deployed would be created, with all its resources', async () => {
    const { cfn, run } = setup(role('lambda.amazonaws.com'));
    const report = await run();
    expect(report.stacks[0]).toMatchObject({ state: 'not deployed', resources: [expect.objectContaining({ logicalId: 'Role', impact: 'WILL_CREATE' }), expect.objectContaining({ logicalId: 'Group' })] });
    expect(report.changed).toBe(true);
    expect(cfn.calls.some((c) => c.startsWith('getTemplate'))).toBe(false);
  });

  it('reads what is deployed only: no change set is created', async () => {
    const { cfn, run } = setup(role('ec2.amazonaws.com'), { template: role('lambda.amazonaws.com') });
    await run();
    expect(cfn.calls.map((c) => c.split(' ')[0])).toEqual(expect.arrayContaining(['describeStack', 'getTemplate']));
    expect(cfn.calls.every((c) => /^(describeStack|getTemplate) /.test(c))).toBe(true);
  });
});
