import { relative } from 'node:path';
import { TemplatesCopy, node } from './copy';

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
describe('kms-service-access', () => {
  let copy: TemplatesCopy;
  beforeEach(() => (copy = new TemplatesCopy()));
  afterEach(() => copy.remove());

  const ROOT_STATEMENT = "{ Sid: Root, Effect: Allow, Principal: { AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }, Action: 'kms:*', Resource: '*' }";
  const LOGS = (condition: string) =>
    `{ Sid: PlantedLogs, Effect: Allow, Principal: { Service: !Sub 'logs.\${AWS::Region}.amazonaws.com' }, Action: [kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*], Resource: '*', Condition: ${condition} }`;

  /** The key (template and logical id) behind the first encrypted log group of app@primary, followed through the catalog. */
  const keyOfAppLogs = async () => {
    const ctx = await copy.context();
    const app = ctx.instance('app@primary')!;
    const group = ctx.resources(app, 'AWS::Logs::LogGroup').find((g) => g.resource.Properties?.KmsKeyId !== undefined)!;
    const [key] = ctx.follow(app, group.resource.Properties!.KmsKeyId).filter((k) => k.resource.Type === 'AWS::KMS::Key');
    return { file: relative(copy.path(''), key!.instance.template.file), id: key!.id, group: group.id };
  };

  it('finds a Logs grant conditioned only on aws:SourceAccount, which Logs does not send, at the key policy', async () => {
    const key = await keyOfAppLogs();
    copy.edit(key.file, (doc) => doc.setIn(['Resources', key.id, 'Properties', 'KeyPolicy', 'Statement'], node(`[${ROOT_STATEMENT}, ${LOGS("{ StringEquals: { 'aws:SourceAccount': !Ref AWS::AccountId } }")}]`)));
    const line = await copy.line(key.file, ['Resources', key.id, 'Properties', 'KeyPolicy']);
    const found = (await copy.run('kms-service-access')).filter((f) => f.message.includes('CloudWatch Logs'));
    expect(found.map((f) => `${f.file}:${f.line} ${f.level}`)).toEqual([`${key.file}:${line} error`]);
    expect(found[0]!.message).toContain(`${key.id}: the key policy does not let CloudWatch Logs (logs.<primary region>.amazonaws.com) use the key for kms:Encrypt`);
    expect(found[0]!.message).toContain('PlantedLogs is conditioned on aws:sourceaccount, which CloudWatch Logs does not send');
    expect(found[0]!.message).toContain(`app:${key.group}`);
  });

  it('finds a key policy with no grant for the budget that publishes to the encrypted topic', async () => {
    const key = await keyOfAppLogs();
    copy.edit(key.file, (doc) => doc.setIn(['Resources', key.id, 'Properties', 'KeyPolicy', 'Statement'], node(`[${ROOT_STATEMENT}]`)));
    const found = await copy.run('kms-service-access');
    expect(found.filter((f) => f.message.includes('Budgets (budgets.amazonaws.com)')).map((f) => f.message)).toEqual([expect.stringMatching(/for kms:GenerateDataKey, kms:Decrypt; it is used by observability:\w+ \(publishing to \w+:\w+\)/)]);
  });

  it('accepts the documented Logs grant, conditioned on kms:EncryptionContext:aws:logs:arn', async () => {
    const key = await keyOfAppLogs();
    copy.edit(key.file, (doc) =>
      doc.setIn(
        ['Resources', key.id, 'Properties', 'KeyPolicy', 'Statement'],
        node(`[${ROOT_STATEMENT}, ${LOGS("{ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': !Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' } }")}]`),
      ),
    );
    const found = (await copy.run('kms-service-access')).filter((f) => f.message.includes('CloudWatch Logs') && f.message.startsWith(`${key.id}:`));
    expect(found).toEqual([]);
  });
});
