/**
 * The drill's HTTP adapter against a local server on 127.0.0.1 that records what it receives: the
 * signed POST carries a SigV4 signature for execute-api in the region asked for, which the test
 * checks by signing the received request again with the same date.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsClients } from '../../../src/lib/aws/clients';
import { fetchHttpPort } from '../../../src/lib/failover/http';
import { awsFailoverPorts } from '../../../src/lib/failover/service';

const CREDENTIALS = { accessKeyId: 'AKIDDRILLTEST', secretAccessKey: 'drill-test-secret', sessionToken: 'drill-temporary-token' };

describe('the drill HTTP adapter', () => {
  const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(req.url === '/denied/health/canary' ? 403 : 201, { 'content-type': 'application/json' });
        res.end(req.url === '/denied/health/canary' ? '{"message":"Forbidden"}' : '{"id":"canary#d#api-public","region":"eu-central-1","writtenAt":"2026-11-25T09:01:00.000Z"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('signs the POST for execute-api in the region asked for, with the date, the body hash and the security token of temporary credentials', async () => {
    const asked: string[] = [];
    const http = fetchHttpPort(async (region) => (asked.push(region), CREDENTIALS));
    const answer = await http.postSigned(`${base}/health/canary`, { id: 'canary#d#api-public' }, 'eu-central-1', 2_000);
    expect(answer).toEqual({ status: 201, body: '{"id":"canary#d#api-public","region":"eu-central-1","writtenAt":"2026-11-25T09:01:00.000Z"}' });
    expect(asked).toEqual(['eu-central-1']);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/health/canary', body: '{"id":"canary#d#api-public"}' });
    const { headers } = request!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(request!.body).digest('hex'));
    expect(headers['x-amz-security-token']).toBe('drill-temporary-token');
    const day = String(headers['x-amz-date']).slice(0, 8);
    expect(headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDDRILLTEST/${day}/eu-central-1/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`));
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'content-type', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']));
    // The signature is the one API Gateway computes from what it received.
    const when = String(headers['x-amz-date']).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
    const again = await new SignatureV4({ service: 'execute-api', region: 'eu-central-1', credentials: CREDENTIALS, sha256: Sha256 }).sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/health/canary', query: {}, headers: Object.fromEntries(signedHeaders.map((h) => [h, String(headers[h])])), body: request!.body },
      { signingDate: new Date(when) },
    );
    expect(headers.authorization).toBe(again.headers.authorization);
    expect(headers['user-agent']).toBe('cafe-ops-failover');
  });

  it('hands back a refusal as a status, and refuses to send an unsigned write', async () => {
    const http = fetchHttpPort(async () => CREDENTIALS);
    expect(await http.postSigned(`${base}/denied/health/canary`, { id: 'x' }, 'eu-west-1', 2_000)).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect(received[0]!.headers.authorization).toContain('/eu-west-1/execute-api/aws4_request');
    await expect(fetchHttpPort().postSigned(`${base}/health/canary`, { id: 'x' }, 'eu-west-1', 2_000)).rejects.toThrow(`no AWS credentials to sign POST ${base}/health/canary with`);
    expect(received).toHaveLength(1);
  });

  it('in the command, signs with the credentials of the SDK clients (the default chain)', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, profile: process.env.AWS_PROFILE };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMCHAIN', AWS_SECRET_ACCESS_KEY: 'chain-secret' });
    delete process.env.AWS_PROFILE;
    const clients = new AwsClients({});
    try {
      expect((await awsFailoverPorts(clients).http.postSigned(`${base}/health/canary`, { id: 'x' }, 'eu-central-1', 2_000)).status).toBe(201);
      expect(received[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFROMCHAIN\/\d{8}\/eu-central-1\/execute-api\/aws4_request, /);
    } finally {
      clients.destroy();
      for (const [key, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_PROFILE', saved.profile]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
