/**
 * The live audit against moto_server: what moto implements (CloudFormation stacks for deployed vs
 * catalog, CloudTrail trails and their status) is checked for real; what it does not (AWS Config
 * compliance queries, drift detection) must surface as findings that say the check could not run,
 * never as a crash.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../../src/lib/aws/clients';
import { runComplianceAudit } from '../../src/lib/compliance/service';
import { createMemoryOutput } from '../support/memory-output';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

const TOPIC = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

describeWithTool(TOOLS.moto, 'cafe-ops audit compliance --live against moto_server')('cafe-ops audit compliance --live against moto_server', () => {
  let moto: Moto;
  let dir: string;
  let clients: AwsClients;
  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpointUrl: moto.endpoint });
    dir = mkdtempSync(join(tmpdir(), 'cafe-audit-e2e-'));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'stacks:\n  data:\n    template: t.yaml\n    regions: [primary, secondary]\n  identity:\n    template: t.yaml\n    regions: [primary]\n',
    );
    writeFileSync(join(dir, 't.yaml'), 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    writeFileSync(
      join(dir, 'cafe-ops.yml'),
      [
        'project: cafe',
        'costCenter: cafe-platform',
        'environments:',
        '  staging:',
        '    accountId: "123456789012"',
        '    primaryRegion: eu-west-1',
        '    secondaryRegion: eu-central-1',
        '    domain: staging.cafe.example.com',
        '    hostedZoneId: Z0STAGING0000000000',
        '    alertEmail: ops@cafe.example.com',
        '    monthlyBudget: 400',
        '    sizes: { natGateways: 1, auroraMinCapacity: 0.5, auroraMaxCapacity: 4, logRetentionDays: 30, backupRetentionDays: 7 }',
        '',
      ].join('\n'),
    );
    // Deployed: data and identity in the primary, a stack the catalog does not know; nothing in the secondary.
    const cfn = new CloudFormationClient({ region: 'eu-west-1', endpoint: moto.endpoint });
    for (const name of ['cafe-staging-data', 'cafe-staging-identity', 'cafe-staging-leftover']) await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: TOPIC }));
    cfn.destroy();
    // A multi-Region trail, logging.
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'cafe-staging-trail', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    s3.destroy();
    const trails = new CloudTrailClient({ region: 'eu-west-1', endpoint: moto.endpoint });
    await trails.send(new CreateTrailCommand({ Name: 'cafe-staging', S3BucketName: 'cafe-staging-trail', IsMultiRegionTrail: true }));
    await trails.send(new StartLoggingCommand({ Name: 'cafe-staging' }));
    trails.destroy();
  }, 120_000);
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('finds missing and extra stacks, a logging multi-Region trail, and says which checks could not run', async () => {
    const memory = createMemoryOutput();
    const report = await runComplianceAudit(
      {
        catalogFile: join(dir, 'stacks.yaml'),
        configFile: join(dir, 'cafe-ops.yml'),
        envName: 'staging',
        staticAudit: false,
        live: true,
        cfnLint: false,
        failOn: 'high',
        format: 'json',
      },
      memory.output,
      () => clients,
      { pollMs: 10 },
    );
    const open = report.findings.map((f) => `${f.rule} ${f.region ?? ''} ${f.stack ?? ''}`.trim());
    expect(open).toEqual(
      expect.arrayContaining(['Deployment.Missing eu-central-1 cafe-staging-data', 'Deployment.Extra eu-west-1 cafe-staging-leftover']),
    );
    const missing = report.findings.find((f) => f.rule === 'Deployment.Missing')!;
    expect([missing.file?.endsWith('stacks.yaml'), missing.line]).toEqual([true, 2]);
    expect(report.live!.stacks.filter((s) => s.state === 'deployed').map((s) => s.name).sort()).toEqual(['cafe-staging-data', 'cafe-staging-identity']);
    expect(report.live!.trails).toEqual([{ region: 'eu-west-1', name: 'cafe-staging', multiRegion: true, logging: true }]);
    expect(report.findings.filter((f) => f.rule === 'CloudTrail.Logging')).toEqual([]);
    // No configuration recorder in either region (moto implements the recorder API).
    expect(report.findings.filter((f) => f.rule === 'Config.Recording').map((f) => f.region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
    // moto implements no Config compliance queries: reported, not fatal.
    expect(report.findings.filter((f) => f.rule === 'Audit.Incomplete').map((f) => f.region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
    expect(report.findings.filter((f) => f.rule === 'Audit.Incomplete').every((f) => !/drift/i.test(f.message))).toBe(true);
    // Drift detection runs on the emulator (docs/emulator.md), and nothing was changed out of band.
    expect(report.findings.filter((f) => f.rule.startsWith('Drift.'))).toEqual([]);
    expect(report.failed).toBe(true);
  }, 120_000);
});
