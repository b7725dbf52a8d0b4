import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, selectEnvironment } from '../../../src/lib/config/load';
import { UserError } from '../../../src/lib/errors';

const sample = readFileSync(join(__dirname, '../../../cafe-ops.yml'), 'utf8');

/** The sample with its commented identity example switched on for production. */
const withIdentity = (lines: string) => sample.replace(/ {4}# profile: cafe-production\n {4}# roleArn: .*\n {4}# mfaSerial: .*\n/, lines);

describe('identity per environment', () => {
  it('takes the commented example of the sample as it stands', () => {
    const text = sample.replace(/ {4}# (profile|roleArn|mfaSerial): /g, '    $1: ');
    const env = selectEnvironment(parseConfig(text), 'production');
    expect(env).toMatchObject({ profile: 'cafe-production', roleArn: 'arn:aws:iam::222222222222:role/cafe-production-admin', mfaSerial: 'arn:aws:iam::222222222222:mfa/alice' });
    expect(selectEnvironment(parseConfig(text), 'staging').profile).toBeUndefined();
  });

  it('names the key of a bad role ARN, and an MFA device without a role', () => {
    const bad = (lines: string) => {
      try {
        parseConfig(withIdentity(lines));
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as Error).message;
      }
      throw new Error('expected a rejection');
    };
    expect(bad('    roleArn: cafe-production-admin\n')).toMatch(/^cafe-ops.yml:\d+: environments\.production\.roleArn: must be an IAM role ARN/);
    expect(bad('    mfaSerial: arn:aws:iam::222222222222:mfa/alice\n')).toMatch(/environments\.production\.mfaSerial: needs roleArn/);
    expect(bad('    profile: "has space"\n')).toMatch(/environments\.production\.profile: must be a profile name/);
  });
});
