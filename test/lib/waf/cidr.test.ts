import { checkBlockable, contains, overlaps, parseCidr, RESERVED } from '../../../src/lib/waf/cidr';
import { parseDuration } from '../../../src/lib/waf/duration';

describe('CIDR parsing', () => {
  it('canonicalises addresses and ranges the way WAF stores them', () => {
    expect(parseCidr('45.12.3.4').text).toBe('45.12.3.4/32');
    expect(parseCidr(' 45.12.3.0/24 ').text).toBe('45.12.3.0/24');
    expect(parseCidr('2A01:04F8:0010:0000:0000:0000:0000:0000/48').text).toBe('2a01:4f8:10::/48');
    expect(parseCidr('2a01:4f8::1').text).toBe('2a01:4f8::1/128');
    expect(parseCidr('2a01:0:0:1:0:0:0:1').text).toBe('2a01:0:0:1::1/128');
    expect(parseCidr('::ffff:45.12.3.4').text).toBe('::ffff:2d0c:304/128');
    expect(parseCidr('45.12.3.4').version).toBe('IPV4');
    expect(parseCidr('2a01::/16').version).toBe('IPV6');
  });

  it('refuses what is not a CIDR', () => {
    for (const bad of ['', 'cafe', '45.12.3', '45.12.3.4/', '45.12.3.4/-1', '45.12.3.4/8x', '2a01::/129', '2a01:::1', 'fe80::1%eth0', '045.12.3.4/032x']) {
      expect(() => parseCidr(bad)).toThrow(/not an IPv4 or IPv6|prefix length/);
    }
  });

  it('knows containment and overlap', () => {
    expect(contains(parseCidr('45.12.0.0/16'), parseCidr('45.12.3.4'))).toBe(true);
    expect(contains(parseCidr('45.12.3.4'), parseCidr('45.12.0.0/16'))).toBe(false);
    expect(overlaps(parseCidr('45.12.3.4'), parseCidr('45.12.0.0/16'))).toBe(true);
    expect(overlaps(parseCidr('45.13.0.0/16'), parseCidr('45.12.0.0/16'))).toBe(false);
    expect(overlaps(parseCidr('::/1'), parseCidr('0.0.0.0/1'))).toBe(false);
  });

  it('refuses every special-purpose range and anything inside or around one', () => {
    for (const { cidr } of RESERVED) expect(() => checkBlockable(cidr, { force: true })).toThrow(/not a public client address|a \/0/);
    expect(() => checkBlockable('0.0.0.0/1', { force: true })).toThrow(/contains 0\.0\.0\.0\/8/);
    expect(checkBlockable('1.1.1.1').text).toBe('1.1.1.1/32');
    expect(checkBlockable('2a01:4f8::/32').text).toBe('2a01:4f8::/32');
  });

  it('parses --for durations in minutes, hours and days', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(() => parseDuration('0h')).toThrow(/longer than zero/);
    expect(() => parseDuration('1w')).toThrow(/m, h or d/);
    expect(() => parseDuration('366d')).toThrow(/at most 365d/);
  });
});
