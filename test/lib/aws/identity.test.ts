import { mockClient } from 'aws-sdk-client-mock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsClients } from '../../../src/lib/aws/clients';
import { askMfaCode, awsIdentity, checkAccount } from '../../../src/lib/aws/identity';
import { UserError } from '../../../src/lib/errors';
import { createMemoryOutput } from '../../support/memory-output';

const env = {
  name: 'production',
  accountId: '222222222222',
  primaryRegion: 'eu-west-1',
  profile: 'cafe-prod',
  roleArn: 'arn:aws:iam::222222222222:role/cafe-production-admin',
  mfaSerial: 'arn:aws:iam::222222222222:mfa/alice',
};

describe('awsIdentity', () => {
  it('takes the environment\'s profile, role and MFA device, and its primary region for STS', () => {
    expect(awsIdentity({}, env, {})).toEqual({ profile: 'cafe-prod', roleArn: env.roleArn, mfaSerial: env.mfaSerial, stsRegion: 'eu-west-1' });
  });

  it('lets --profile and --role-arn override the environment', () => {
    expect(awsIdentity({ profile: 'other', 'role-arn': 'arn:aws:iam::222222222222:role/x' }, env, { AWS_PROFILE: 'ignored' })).toEqual({
      profile: 'other', roleArn: 'arn:aws:iam::222222222222:role/x', mfaSerial: env.mfaSerial, stsRegion: 'eu-west-1',
    });
  });

  it('uses credentials already in the environment (GitHub Actions) instead of the configured identity', () => {
    // aws-actions/configure-aws-credentials exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
    expect(awsIdentity({}, env, { AWS_ACCESS_KEY_ID: 'ASIA', AWS_SECRET_ACCESS_KEY: 's', AWS_PROFILE: 'p' })).toEqual({ stsRegion: 'eu-west-1' });
    // An explicit flag still wins.
    expect(awsIdentity({ 'role-arn': env.roleArn }, env, { AWS_ACCESS_KEY_ID: 'ASIA', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({ roleArn: env.roleArn, stsRegion: 'eu-west-1' });
  });

  it('falls back to AWS_PROFILE by name, so a missing one is reported by name', () => {
    expect(awsIdentity({}, { primaryRegion: 'eu-west-1' }, { AWS_PROFILE: 'laptop' })).toEqual({ profile: 'laptop', stsRegion: 'eu-west-1' });
    expect(awsIdentity({}, undefined, {})).toEqual({});
  });
});

describe('askMfaCode', () => {
  const serial = 'arn:aws:iam::222222222222:mfa/alice';

  it('asks in a terminal', async () => {
    const { output, questions } = createMemoryOutput({ interactive: true, typed: [' 123456 '] });
    await expect(askMfaCode(serial, { out: output, json: false })).resolves.toBe('123456');
    expect(questions).toEqual([`MFA code for ${serial}:`]);
  });

  it('takes --mfa-code without asking', async () => {
    const { output, questions } = createMemoryOutput({ interactive: true });
    await expect(askMfaCode(serial, { given: '654321', out: output, json: false })).resolves.toBe('654321');
    expect(questions).toEqual([]);
  });

  it('refuses clearly without a terminal or under --json', async () => {
    const noTty = createMemoryOutput({ interactive: false });
    await expect(askMfaCode(serial, { out: noTty.output, json: false })).rejects.toThrow(`the role needs a code of MFA device ${serial} and there is no terminal to ask for it`);
    const json = createMemoryOutput({ interactive: true, json: true });
    const error = await askMfaCode(serial, { out: json.output, json: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('(--json)');
    expect((error as UserError).hint).toContain('--mfa-code');
    expect(json.questions).toEqual([]);
  });

  it('rejects a code that is not six digits', async () => {
    const { output } = createMemoryOutput({ interactive: true, typed: ['12ab'] });
    await expect(askMfaCode(serial, { out: output, json: false })).rejects.toThrow('must be 6 digits');
  });
});

describe('checkAccount', () => {
  const sts = mockClient(STSClient);
  afterEach(() => sts.reset());
  const clients = () => new AwsClients({ credentials: async () => ({ accessKeyId: 'K', secretAccessKey: 's' }) });

  it('returns the account of the credentials', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    const { output } = createMemoryOutput();
    await expect(checkAccount(clients(), env, output)).resolves.toBe('222222222222');
  });

  it('refuses another account and names the identity settings', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    const { output } = createMemoryOutput();
    const error = (await checkAccount(clients(), env, output).catch((e: unknown) => e)) as UserError;
    expect(error.message).toBe('the credentials are for account 111111111111, but environment production is account 222222222222');
    expect(error.hint).toContain('--role-arn');
  });

  const unreachable = () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
  const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as STSClient).config.region();

  it("asks the secondary region's STS when the primary's does not answer, and says so", async () => {
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') throw unreachable();
      return { Account: '222222222222' };
    });
    const memory = createMemoryOutput();
    await expect(checkAccount(clients(), { ...env, secondaryRegion: 'eu-central-1' }, memory.output)).resolves.toBe('222222222222');
    expect(await Promise.all(sts.calls().map(regionOf))).toEqual(['eu-west-1', 'eu-central-1']);
    expect(memory.text()).toContain('STS in eu-west-1 did not answer');
  });

  it('asks only the regions it is given (an unplanned failover names only the surviving one)', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    await checkAccount(clients(), { ...env, secondaryRegion: 'eu-central-1' }, createMemoryOutput().output, { regions: ['eu-central-1'] });
    expect(await Promise.all(sts.calls().map(regionOf))).toEqual(['eu-central-1']);
  });

  it('does not try another region for an error the region did not cause', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    await expect(checkAccount(clients(), { ...env, secondaryRegion: 'eu-central-1' }, createMemoryOutput().output)).rejects.toBeInstanceOf(UserError);
    expect(sts.calls()).toHaveLength(1);
  });

  it('when no region answers, the error names the endpoint', async () => {
    sts.on(GetCallerIdentityCommand).rejects(unreachable());
    await expect(checkAccount(clients(), { ...env, secondaryRegion: 'eu-central-1' }, createMemoryOutput().output)).rejects.toThrow(/cannot reach the AWS endpoint while trying to check the AWS account \(ETIMEDOUT\)/);
    expect(sts.calls()).toHaveLength(2);
  });
});
