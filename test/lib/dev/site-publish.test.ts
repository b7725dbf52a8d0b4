import { resolve } from 'node:path';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../src/lib/aws/clients';
import { awsSitePublishPort, cacheControlFor, publishSite } from '../../../src/lib/dev/site-publish';
import { deployedSiteConfig } from '../../../src/lib/dev/site-config';
import { createMemoryOutput } from '../../../src/lib/ui/output';

const config = deployedSiteConfig({
  environment: 'staging', identityRegion: 'eu-west-1', apiUrl: 'https://api.staging.cafe.example.com', siteUrl: 'https://staging.cafe.example.com/',
  userPoolDomain: 'cafe-staging-111111111111', userPoolClientId: 'client-1',
});

describe('publishing the storefront', () => {
  const s3 = mockClient(S3Client);
  const cloudfront = mockClient(CloudFrontClient);
  afterEach(() => {
    s3.reset();
    cloudfront.reset();
  });
  afterAll(() => {
    s3.restore();
    cloudfront.restore();
  });

  it('uploads the built pages and config.json with content types and caching, then invalidates CloudFront', async () => {
    s3.on(PutObjectCommand).resolves({});
    cloudfront.on(CreateInvalidationCommand).resolves({ Invalidation: { Id: 'I123', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: undefined } });
    const port = await awsSitePublishPort(new AwsClients(), 'us-east-1', 'cafe-staging-site', 'E2DIST');
    const memory = createMemoryOutput();
    const result = await publishSite({ siteRoot: resolve(__dirname, '../../../site'), config }, port, memory.output);

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Key, p.ContentType, p.CacheControl])).toEqual([
      ['barista.html', 'text/html; charset=utf-8', 'no-cache'],
      ['barista.js', 'text/javascript; charset=utf-8', 'public, max-age=300'],
      ['index.html', 'text/html; charset=utf-8', 'no-cache'],
      ['index.js', 'text/javascript; charset=utf-8', 'public, max-age=300'],
      ['styles.css', 'text/css; charset=utf-8', 'public, max-age=300'],
      ['config.json', 'application/json', 'no-cache'],
    ]);
    expect(puts.every((p) => p.Bucket === 'cafe-staging-site')).toBe(true);
    expect(JSON.parse(String(puts.at(-1)!.Body))).toEqual(config);
    const invalidation = cloudfront.commandCalls(CreateInvalidationCommand)[0]!.args[0].input;
    expect(invalidation).toMatchObject({ DistributionId: 'E2DIST', InvalidationBatch: { Paths: { Quantity: 1, Items: ['/*'] } } });
    expect(invalidation.InvalidationBatch!.CallerReference).toMatch(/^cafe-ops-\d+$/);
    expect(result.invalidationId).toBe('I123');
    expect(result.javascriptBytes).toBeLessThan(100 * 1024);
    expect(memory.text()).toContain('site: CloudFront invalidation I123 started');
  });

  it('does not invalidate when an upload fails', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const port = await awsSitePublishPort(new AwsClients(), 'us-east-1', 'b', 'E');
    await expect(publishSite({ siteRoot: resolve(__dirname, '../../../site'), config }, port, createMemoryOutput().output)).rejects.toThrow('Access Denied');
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });

  it.each([['index.html', 'no-cache'], ['config.json', 'no-cache'], ['index.js', 'public, max-age=300']])('caches %s as %s', (key, expected) => {
    expect(cacheControlFor(key)).toBe(expected);
  });
});
