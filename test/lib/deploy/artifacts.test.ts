import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../src/lib/aws/clients';
import { buildArtifact, bundleFunction } from '../../../src/lib/deploy/artifacts';
import { s3ArtifactPort } from '../../../src/lib/deploy/aws';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { unzipText } from '../../support/unzip';

function project() {
  const root = mkdtempSync(join(tmpdir(), 'cafe-artifacts-'));
  mkdirSync(join(root, 'templates'));
  mkdirSync(join(root, 'functions/hello'), { recursive: true });
  writeFileSync(join(root, 'functions/hello/handler.ts'), "import { greet } from './greet';\nexport const handler = async () => ({ statusCode: 200, body: greet('café') });\n");
  writeFileSync(join(root, 'functions/hello/greet.ts'), 'export const greet = (name: string) => `hello ${name}`;\nexport const unused = () => "never bundled";\n');
  writeFileSync(join(root, 'templates/def.json'), '{"StartAt":"A"}');
  const catalog = parseCatalog(
    'artifacts:\n  hello-fn: { bundle: functions/hello/handler.ts }\n  def: { file: templates/def.json }\nstacks: {}\n',
    join(root, 'templates/stacks.yaml'),
  );
  return { root, catalog };
}

describe('artifacts', () => {
  it('bundles a function into a minified, tree-shaken zip under a content-hash key', async () => {
    const { root, catalog } = project();
    const first = await buildArtifact(catalog, 'hello-fn');
    const again = await buildArtifact(catalog, 'hello-fn');
    expect(first.key).toMatch(/^functions\/hello-fn\/[a-f0-9]{64}\.zip$/);
    expect(again.key).toBe(first.key);
    const code = (await unzipText(first.body))['index.js']!;
    expect(code).toContain('hello ');
    expect(code).not.toContain('never bundled');
    writeFileSync(join(root, 'functions/hello/greet.ts'), 'export const greet = (name: string) => `hi ${name}`;\n');
    expect((await buildArtifact(catalog, 'hello-fn')).key).not.toBe(first.key);
    expect((await buildArtifact(catalog, 'def')).key).toMatch(/^files\/def\/[a-f0-9]{64}-def\.json$/);
  });

  it('leaves the AWS SDK to the Lambda runtime and pg-native out of the bundles', async () => {
    const code = (await bundleFunction(join(__dirname, '../../../functions/health/handler.ts'))).toString();
    expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
    // No client code of the SDK inside: its protocol and endpoint rules stay in the runtime's copy.
    expect(code).not.toContain('awsJson1_0');
    expect(code).not.toContain('dynamodb.{Region}');
  });

  it('uploads only what the bucket does not have yet', async () => {
    const { catalog } = project();
    const s3 = mockClient(S3Client);
    const uploads: string[] = [];
    s3.on(HeadObjectCommand).rejectsOnce(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } })).resolves({});
    s3.on(PutObjectCommand).callsFake((input) => {
      uploads.push(input.Key);
      return {};
    });
    const port = s3ArtifactPort(catalog, new AwsClients({}));
    const key = await port.publish('def', 'eu-west-1', 'bucket-1');
    const again = await port.publish('def', 'eu-west-1', 'bucket-1');
    expect(again).toBe(key);
    expect(uploads).toEqual([key]);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'bucket-1', Key: key });
    // The bucket's default encryption (its own KMS key) applies; a bare aws:kms header would pick aws/s3.
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.SSEKMSKeyId).toBeUndefined();
    s3.restore();
  });
});
