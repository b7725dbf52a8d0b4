import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../../../src/lib/aws/clients';

/**
 * The user agent of every SDK client carries `cafe-ops/<version>`: requests go to a recording server on
 * 127.0.0.1 that answers the query protocol of CloudFormation and STS.
 */
const version = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const seen: { action: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let endpoint: string;

function answer(action: string): string {
  if (action === 'AssumeRole') {
    return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMEDROLE00001</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`;
  }
  if (action === 'GetCallerIdentity') {
    return `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/a</Arn><UserId>AIDA</UserId><Account>111111111111</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;
  }
  return '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks/></DescribeStacksResult></DescribeStacksResponse>';
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? '';
      seen.push({ action, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(answer(action));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (seen.length = 0));

const agentOf = (headers: IncomingHttpHeaders) => `${String(headers['user-agent'] ?? '')} ${String(headers['x-amz-user-agent'] ?? '')}`;

describe('AWS clients', () => {
  it(`send cafe-ops/${version} in the user agent of every client`, async () => {
    const clients = new AwsClients({ endpointUrl: endpoint, credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's' }) });
    await (await clients.cloudFormation('eu-west-1')).send(new DescribeStacksCommand({}));
    await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({}));
    clients.destroy();
    expect(seen.map((s) => s.action)).toEqual(['DescribeStacks', 'GetCallerIdentity']);
    for (const { headers } of seen) expect(agentOf(headers)).toContain(`cafe-ops/${version}`);
  });

  it('send it from the STS client that assumes the role too', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' });
    delete process.env.AWS_PROFILE;
    try {
      const clients = new AwsClients({ endpointUrl: endpoint, roleArn: 'arn:aws:iam::111111111111:role/deploy', stsRegion: 'eu-west-1' });
      await (await clients.cloudFormation('eu-west-1')).send(new DescribeStacksCommand({}));
      clients.destroy();
    } finally {
      process.env = saved;
    }
    expect(seen.map((s) => s.action)).toEqual(['AssumeRole', 'DescribeStacks']);
    for (const { headers } of seen) expect(agentOf(headers)).toContain(`cafe-ops/${version}`);
  });
});
