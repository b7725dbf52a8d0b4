import { join } from 'node:path';
import { CloudFrontClient, CreateDistributionCommand, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../../src/lib/aws/clients';
import { awsHookPort, buildStorefront, SITE_MANIFEST_KEY } from '../../src/lib/deploy/hooks-aws';
import { startMoto, type Moto } from '../support/moto';
import { describeWithTool, TOOLS } from '../support/tools';

const OUTPUTS = {
  environment: 'staging', identityRegion: 'eu-west-1', apiUrl: 'https://api.staging.cafe.example.com', siteUrl: 'https://staging.cafe.example.com/',
  userPoolDomain: 'cafe-staging', userPoolClientId: 'client-1',
};

describeWithTool(TOOLS.moto, 'the storefront published by the deploy hook against moto_server')('storefront publishing against moto_server', () => {
  let moto: Moto;
  let clients: AwsClients;
  let distributionId: string;
  beforeAll(async () => {
    moto = await startMoto();
    clients = new AwsClients({ endpointUrl: moto.endpoint });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'cafe-staging-edge-sitebucket-1' }));
    s3.destroy();
    const cloudFront = new CloudFrontClient({ region: 'us-east-1', endpoint: moto.endpoint });
    const created = await cloudFront.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: 'site', Comment: 'site', Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: 'site', DomainName: 'cafe-staging-edge-sitebucket-1.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
          DefaultCacheBehavior: { TargetOriginId: 'site', ViewerProtocolPolicy: 'redirect-to-https', MinTTL: 0, ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } }, TrustedSigners: { Enabled: false, Quantity: 0 } },
        },
      }),
    );
    distributionId = created.Distribution!.Id!;
    cloudFront.destroy();
  });
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('builds site/, uploads it with config.json and invalidates; a second publish changes nothing', async () => {
    const port = awsHookPort(clients, () => buildStorefront(join(__dirname, '../../site')));
    const input = { region: 'us-east-1', bucket: 'cafe-staging-edge-sitebucket-1', distributionId, config: OUTPUTS };
    const first = await port.publishSite(input);
    expect(first.uploaded).toEqual(expect.arrayContaining(['index.html', 'config.json']));
    expect(first.uploaded.some((key) => key.endsWith('.js'))).toBe(true);
    expect(first.invalidationId).toBeTruthy();

    const s3 = await clients.s3('us-east-1');
    const page = await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: 'index.html' }));
    expect([page.ContentType, page.CacheControl]).toEqual(['text/html; charset=utf-8', 'no-cache']);
    // Browsers ask for /favicon.ico whatever the page links: it is in the bucket, as an icon.
    const icon = await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: 'favicon.ico' }));
    expect([icon.ContentType, icon.CacheControl]).toEqual(['image/x-icon', 'public, max-age=3600']);
    const config = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: 'config.json' }))).Body!.transformToString());
    expect(config).toMatchObject({ apiUrl: 'https://api.staging.cafe.example.com', auth: { kind: 'cognito', clientId: 'client-1' } });
    const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: SITE_MANIFEST_KEY }))).Body!.transformToString());
    expect(Object.keys(manifest).sort()).toEqual([...first.uploaded].sort());

    const second = await port.publishSite(input);
    expect(second).toEqual({ uploaded: [], unchanged: first.uploaded.length, deleted: [] });
    const cloudFront = await clients.cloudFront();
    const invalidations = await cloudFront.send(new ListInvalidationsCommand({ DistributionId: distributionId }));
    expect(invalidations.InvalidationList?.Quantity).toBe(1);
  }, 120_000);
});
