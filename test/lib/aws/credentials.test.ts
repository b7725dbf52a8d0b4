import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AwsClients } from '../../../src/lib/aws/clients';
import { assertProfileExists, memoizeCredentials, roleSessionName } from '../../../src/lib/aws/credentials';
import { translateAwsError } from '../../../src/lib/aws/errors';
import { UserError } from '../../../src/lib/errors';

/**
 * Every request goes to a recording server on 127.0.0.1 that answers the STS and CloudFormation query
 * protocol (form-encoded Action=...), so nothing leaves the machine.
 * AssumeRole: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * GetCallerIdentity: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
interface Recorded {
  action: string;
  params: URLSearchParams;
  authorization: string;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function answer(action: string): string {
  switch (action) {
    case 'AssumeRole':
      return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMEDROLE00001</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/cafe-staging-admin/cafe-ops-test</Arn><AssumedRoleId>AROAEXAMPLE:cafe-ops-test</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req-assume</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    case 'GetCallerIdentity':
      return `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-who</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
    case 'DescribeStacks':
      return `<DescribeStacksResponse xmlns="${CFN_NS}"><DescribeStacksResult><Stacks/></DescribeStacksResult><ResponseMetadata><RequestId>req-stacks</RequestId></ResponseMetadata></DescribeStacksResponse>`;
    default:
      return '';
  }
}

let server: Server;
let endpoint: string;
const recorded: Recorded[] = [];
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      recorded.push({ action, params, authorization: String(req.headers.authorization ?? '') });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(answer(action));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  recorded.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'cafe-aws-'));
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ENDPOINT_URL']) delete process.env[key];
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  // Never reach for the instance metadata service (169.254.169.254) when a test's chain comes up empty.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '[alice]\naws_access_key_id = AKIAALICE00000000001\naws_secret_access_key = alice-secret\n');
});

afterEach(() => {
  process.env = { ...saved };
});

/** A credential_process that counts its runs in a file. https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html */
function countingProcessProfile(): string {
  const counter = join(dir, 'runs');
  const script = join(dir, 'credentials.js');
  writeFileSync(
    script,
    `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'run\\n');\n` +
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROCESS000000001', SecretAccessKey: 'process-secret', SessionToken: 'process-token', Expiration: new Date(Date.now() + 3600e3).toISOString() }));\n`,
  );
  chmodSync(script, 0o755);
  writeFileSync(process.env.AWS_CONFIG_FILE!, `[profile counted]\ncredential_process = ${process.execPath} ${script}\n`);
  return counter;
}

const runs = (counter: string) => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0);

describe('one credential provider per run', () => {
  it('runs credential_process once for every client and region of a run', async () => {
    const counter = countingProcessProfile();
    const clients = new AwsClients({ profile: 'counted', endpointUrl: endpoint, maxAttempts: 1 });
    try {
      await Promise.all([
        (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({})),
        (await clients.sts('eu-central-1')).send(new GetCallerIdentityCommand({})),
        (await clients.cloudFormation('eu-west-1')).send(new DescribeStacksCommand({})),
        (await clients.cloudFormation('eu-central-1')).send(new DescribeStacksCommand({})),
      ]);
      await (await clients.cloudFormation('eu-west-1')).send(new DescribeStacksCommand({}));
    } finally {
      clients.destroy();
    }
    expect(recorded.map((r) => r.action).sort()).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks', 'GetCallerIdentity', 'GetCallerIdentity']);
    expect(recorded.every((r) => r.authorization.includes('Credential=AKIAPROCESS000000001/'))).toBe(true);
    expect(runs(counter)).toBe(1);
  });

  it('runs it again in a new run', async () => {
    const counter = countingProcessProfile();
    for (let i = 0; i < 2; i++) {
      const clients = new AwsClients({ profile: 'counted', endpointUrl: endpoint, maxAttempts: 1 });
      await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({}));
      clients.destroy();
    }
    expect(runs(counter)).toBe(2);
  });
});

describe('role and endpoint', () => {
  it('assumes the role through --endpoint-url, once, and signs every call with the role', async () => {
    const clients = new AwsClients({ profile: 'alice', roleArn: 'arn:aws:iam::111111111111:role/cafe-staging-admin', endpointUrl: endpoint, stsRegion: 'eu-west-1', maxAttempts: 1 });
    try {
      await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({}));
      await (await clients.cloudFormation('eu-central-1')).send(new DescribeStacksCommand({}));
    } finally {
      clients.destroy();
    }
    expect(recorded.map((r) => r.action)).toEqual(['AssumeRole', 'GetCallerIdentity', 'DescribeStacks']);
    const [assume, ...calls] = recorded;
    expect(assume!.params.get('RoleArn')).toBe('arn:aws:iam::111111111111:role/cafe-staging-admin');
    expect(assume!.params.get('RoleSessionName')).toMatch(/^cafe-ops-[\w+=,.@-]+$/);
    // The role assumption is signed with the profile's keys for the environment's region...
    expect(assume!.authorization).toContain('Credential=AKIAALICE00000000001/');
    expect(assume!.authorization).toContain('/eu-west-1/sts/aws4_request');
    // ...and every other call with the role's.
    for (const call of calls) expect(call.authorization).toContain('Credential=ASIAASSUMEDROLE00001/');
  });

  it('sends the MFA device and the code it asked for once', async () => {
    const mfaCode = jest.fn(async () => '123456');
    const clients = new AwsClients({
      profile: 'alice',
      roleArn: 'arn:aws:iam::111111111111:role/cafe-production-admin',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
      mfaCode,
      endpointUrl: endpoint,
      maxAttempts: 1,
    });
    try {
      await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({}));
      await (await clients.sts('eu-central-1')).send(new GetCallerIdentityCommand({}));
    } finally {
      clients.destroy();
    }
    expect(mfaCode).toHaveBeenCalledTimes(1);
    expect(mfaCode).toHaveBeenCalledWith('arn:aws:iam::111111111111:mfa/alice');
    const assume = recorded.find((r) => r.action === 'AssumeRole')!;
    expect(assume.params.get('SerialNumber')).toBe('arn:aws:iam::111111111111:mfa/alice');
    expect(assume.params.get('TokenCode')).toBe('123456');
  });
});

describe('missing profile', () => {
  it('names the profile and the files it was looked for in', async () => {
    const clients = new AwsClients({ profile: 'nope', endpointUrl: endpoint, maxAttempts: 1 });
    try {
      const error = await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      const translated = translateAwsError(error, 'check the AWS account') as UserError;
      expect(translated.message).toBe(`AWS profile "nope" is not defined in ${process.env.AWS_CONFIG_FILE} or ${process.env.AWS_SHARED_CREDENTIALS_FILE}`);
      expect(translated.message).not.toMatch(/no AWS credentials/);
      expect(translated.hint).toContain('aws configure --profile nope');
    } finally {
      clients.destroy();
    }
    expect(recorded).toEqual([]);
  });

  it('says so when the profile exists but holds no credentials', async () => {
    writeFileSync(process.env.AWS_CONFIG_FILE!, '[profile regiononly]\nregion = eu-west-1\n');
    const clients = new AwsClients({ profile: 'regiononly', endpointUrl: endpoint, maxAttempts: 1 });
    try {
      const error = await (await clients.sts('eu-west-1')).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
      const translated = translateAwsError(error) as UserError;
      expect(translated).toBeInstanceOf(UserError);
      expect(translated.message).toMatch(/^AWS profile "regiononly" holds no credentials/);
    } finally {
      clients.destroy();
    }
  });

  it('finds profiles by their section names in both files', async () => {
    writeFileSync(process.env.AWS_CONFIG_FILE!, '[default]\nregion = eu-west-1\n[profile  spaced ]\nregion = eu-west-1\n');
    await expect(assertProfileExists('alice')).resolves.toBeUndefined();
    await expect(assertProfileExists('default')).resolves.toBeUndefined();
    await expect(assertProfileExists('spaced')).resolves.toBeUndefined();
    // "[alice]" in the config file is not a profile there: the config file needs "[profile alice]".
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, '');
    writeFileSync(process.env.AWS_CONFIG_FILE!, '[alice]\nregion = eu-west-1\n');
    await expect(assertProfileExists('alice')).rejects.toThrow('AWS profile "alice" is not defined');
  });
});

describe('memoizeCredentials', () => {
  it('resolves once, shares a pending resolution, and refreshes near expiry', async () => {
    let now = 0;
    let calls = 0;
    const provider = memoizeCredentials(async () => {
      calls += 1;
      return { accessKeyId: `K${calls}`, secretAccessKey: 's', expiration: new Date(now + 3_600_000) };
    }, () => now);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('K1');
    expect(b.accessKeyId).toBe('K1');
    now = 3_600_000 - 6 * 60_000;
    expect((await provider()).accessKeyId).toBe('K1');
    now = 3_600_000 - 4 * 60_000;
    expect((await provider()).accessKeyId).toBe('K2');
    expect(calls).toBe(2);
  });

  it('does not keep a failure', async () => {
    let calls = 0;
    const provider = memoizeCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('token expired');
      return { accessKeyId: 'K', secretAccessKey: 's' };
    });
    await expect(provider()).rejects.toThrow('token expired');
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'K' });
  });
});

describe('roleSessionName', () => {
  it('keeps to the characters and length AssumeRole accepts', () => {
    expect(roleSessionName('DOMAIN\\alice smith')).toBe('cafe-ops-DOMAIN-alice-smith');
    expect(roleSessionName('x'.repeat(100))).toHaveLength(64);
  });
});
