import { isUserError, UserError } from '../../../src/lib/errors';
import { createMemoryOutput } from '../../support/memory-output';
import { block, IP_SET_LIMIT, list, reconcileBlocklist, unblock } from '../../../src/lib/waf/engine';
import { CALLER, T0, TARGET, world } from './fakes';

const yes = () => createMemoryOutput().output;

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isUserError(error)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

describe('waf engine: block', () => {
  it('blocks in the v4 and v6 sets of all three web ACLs and records who, why and until when', async () => {
    const { waf, store, ports } = world();
    const result = await block(TARGET, { cidrs: ['45.12.3.4', '2a01:4f8:10::/48'], reason: 'scraping the menu', durationMs: 24 * 3_600_000, yes: true }, ports, yes());
    expect(result.ok).toBe(true);
    for (const place of ['edge', 'primary', 'secondary'] as const) {
      expect(waf.addresses(place, 'IPV4')).toEqual(['45.12.3.4/32']);
      expect(waf.addresses(place, 'IPV6')).toEqual(['2a01:4f8:10::/48']);
    }
    expect(store.records.get('45.12.3.4/32')).toEqual({
      cidr: '45.12.3.4/32',
      version: 'IPV4',
      reason: 'scraping the menu',
      blockedBy: CALLER,
      blockedAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 24 * 3_600_000).toISOString(),
    });
    expect(result.entries.map((e) => [e.cidr, e.places])).toEqual([
      ['2a01:4f8:10::/48', { edge: 'blocked', primary: 'blocked', secondary: 'blocked' }],
      ['45.12.3.4/32', { edge: 'blocked', primary: 'blocked', secondary: 'blocked' }],
    ]);
    expect(result.places.map((p) => [p.place, p.region, p.scope, p.status])).toEqual([
      ['edge', 'us-east-1', 'CLOUDFRONT', 'updated'],
      ['primary', 'eu-west-1', 'REGIONAL', 'updated'],
      ['secondary', 'eu-central-1', 'REGIONAL', 'updated'],
    ]);
  });

  it('refuses bad input with one line and writes nothing: malformed, private, reserved, too broad, /0', async () => {
    const { waf, store, ports } = world();
    const cases: [string[], RegExp][] = [
      [['45.12.3.400'], /45\.12\.3\.400: not an IPv4 or IPv6 address/],
      [['45.12.3.0/33'], /prefix length must be 0 to 32/],
      [['45.12.3.4/24'], /host bits are set \(did you mean 45\.12\.3\.0\/24\?\)/],
      [['10.1.2.3'], /10\.0\.0\.0\/8, private \(RFC 1918\)/],
      [['172.20.0.0/16'], /172\.16\.0\.0\/12, private/],
      [['192.168.1.1'], /192\.168\.0\.0\/16, private/],
      [['127.0.0.1'], /loopback/],
      [['169.254.169.254'], /link-local/],
      [['100.70.0.1'], /carrier-grade NAT/],
      [['198.51.100.7'], /documentation TEST-NET-2/],
      [['224.0.0.1'], /multicast/],
      [['fd12:3456::1'], /unique local/],
      [['fe80::1'], /link-local/],
      [['::1'], /loopback/],
      [['2001:db8::1'], /documentation \(RFC 3849\)/],
      [['ff02::1'], /multicast/],
      [['0.0.0.0/0'], /a \/0 is every address/],
      [['8.0.0.0/7'], /wider than a \/8 .*pass --force/],
      [['2a00::/16'], /wider than a \/32 .*pass --force/],
      [['96.0.0.0/3'], /contains 100\.64\.0\.0\/10/],
    ];
    for (const [cidrs, message] of cases) {
      const error = await refusal(block(TARGET, { cidrs, reason: 'x', yes: true }, ports, yes()));
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/\n/);
      expect(error.exitCode).toBe(2);
    }
    // One bad range in a list refuses the good ones too.
    const mixed = await refusal(block(TARGET, { cidrs: ['45.12.3.4', '10.0.0.1'], reason: 'x', yes: true }, ports, yes()));
    expect(mixed.message).toMatch(/^10\.0\.0\.1: is in 10\.0\.0\.0\/8/);
    expect(waf.writes).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it('--force allows a range wider than the limit, but never a /0 or a reserved one', async () => {
    const { waf, ports } = world();
    await block(TARGET, { cidrs: ['30.0.0.0/7'], reason: 'botnet', force: true, yes: true }, ports, yes());
    expect(waf.addresses('edge')).toEqual(['30.0.0.0/7']);
    await expect(block(TARGET, { cidrs: ['::/0'], reason: 'x', force: true, yes: true }, ports, yes())).rejects.toThrow(/even with --force/);
  });

  it('refuses an address already blocked, or inside a blocked range, and says by whom and why', async () => {
    const { waf, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.0/24'], reason: 'scraper', yes: true }, ports, yes());
    const writes = waf.writes.length;
    const again = await refusal(block(TARGET, { cidrs: ['45.12.3.0/24'], reason: 'again', yes: true }, ports, yes()));
    expect(again.message).toBe(`45.12.3.0/24 is already blocked (by ${CALLER} on 2026-12-01T12:00:00.000Z, with no end: scraper)`);
    const inside = await refusal(block(TARGET, { cidrs: ['45.12.3.9'], reason: 'again', yes: true }, ports, yes()));
    expect(inside.message).toMatch(/^45\.12\.3\.9\/32 is already blocked by 45\.12\.3\.0\/24/);
    expect(waf.writes.length).toBe(writes);
  });

  it('refuses a change that would overfill a set (10,000 ranges) before writing anything', async () => {
    const { waf, ports } = world();
    waf.sets.set('secondary/IPV4', Array.from({ length: IP_SET_LIMIT }, (_, i) => `82.${i >> 8}.${i & 255}.1/32`));
    const error = await refusal(block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes()));
    expect(error.message).toMatch(/cafe-production-blocklist-ipv4 in eu-central-1 would hold 10001 ranges; AWS WAF allows 10,000 per IP set/);
    expect(waf.writes).toEqual([]);
  });

  it('asks before blocking, and --yes or a terminal answer is needed', async () => {
    const { waf, ports } = world();
    const declined = createMemoryOutput({ interactive: true, answers: [false] });
    await expect(block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x' }, ports, declined.output)).rejects.toThrow(/cancelled: nothing was changed/);
    expect(declined.questions[0]).toBe('Block 45.12.3.4/32 with no end at edge (us-east-1, CLOUDFRONT), primary (eu-west-1, REGIONAL), secondary (eu-central-1, REGIONAL)?');
    await expect(block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x' }, ports, createMemoryOutput().output)).rejects.toThrow(/confirmation needed/);
    expect(waf.writes).toEqual([]);
  });

  it('a region that does not answer is reported, the others are blocked, and the next command fills it in', async () => {
    const { waf, ports } = world();
    waf.down.add('secondary');
    const memory = createMemoryOutput();
    const result = await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, memory.output);
    expect(result.ok).toBe(false);
    expect(result.places.find((p) => p.place === 'secondary')).toMatchObject({ status: 'unreachable', error: expect.stringMatching(/ETIMEDOUT/) });
    expect(result.entries[0]!.places).toEqual({ edge: 'blocked', primary: 'blocked', secondary: 'unknown' });
    expect(memory.text()).toMatch(/secondary \(eu-central-1, REGIONAL\): connect ETIMEDOUT .* it gets the change from the next waf command or deploy/);
    waf.down.delete('secondary');
    const later = await list(TARGET, ports);
    expect(later.ok).toBe(true);
    expect(waf.addresses('secondary')).toEqual(['45.12.3.4/32']);
    expect(later.places.find((p) => p.place === 'secondary')).toMatchObject({ status: 'updated', added: ['45.12.3.4/32'] });
  });

  it('a write that fails mid-way rolls the block back from the places it reached, and records nothing', async () => {
    const { waf, store, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'earlier', yes: true }, ports, yes());
    waf.writes.length = 0;
    // Modify calls so far: 3 (one v4 set per place). The new block writes edge v4 (4), edge v6 (5), primary v4 (6: fails).
    waf.failWrites.add(6);
    const result = await block(TARGET, { cidrs: ['46.1.1.1', '2a01:4f8:10::/48'], reason: 'new', yes: true }, ports, yes());
    expect(result.ok).toBe(false);
    expect(result.places.map((p) => [p.place, p.status])).toEqual([
      ['edge', 'rolled-back'],
      ['primary', 'failed'],
      ['secondary', 'not-started'],
    ]);
    for (const place of ['edge', 'primary', 'secondary'] as const) {
      expect(waf.addresses(place, 'IPV4')).toEqual(['45.12.3.4/32']);
      expect(waf.addresses(place, 'IPV6')).toEqual([]);
    }
    expect([...store.records.keys()]).toEqual(['45.12.3.4/32']);
    expect(result.problems.join('\n')).toMatch(/primary \(eu-west-1, REGIONAL\): writing cafe-production-blocklist-ipv4 failed: Rate exceeded/);
    expect(result.problems.join('\n')).toMatch(/rolled back where it had been applied/);
  });

  it('refuses a range every set already holds without a record (added in the console)', async () => {
    const { waf, ports } = world();
    for (const place of ['edge', 'primary', 'secondary']) waf.sets.set(`${place}/IPV4`, ['45.12.3.4/32']);
    const error = await refusal(block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes()));
    expect(error.message).toMatch(/already in every IP set, with no record \(added outside cafe-ops\)/);
    // In some sets only: the block fills in the others and records it.
    waf.sets.set('secondary/IPV4', []);
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes());
    expect(waf.addresses('secondary')).toEqual(['45.12.3.4/32']);
  });

  it('a record that cannot be written rolls the sets back', async () => {
    const { waf, store, ports } = world();
    store.failPut = true;
    const result = await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes());
    expect(result.ok).toBe(false);
    expect(waf.addresses('edge')).toEqual([]);
    expect(result.problems.join('\n')).toMatch(/could not record the block in cafe-production-control \(eu-west-1\)/);
  });
});

describe('waf engine: expiry, unblock, list', () => {
  it('removes a range from every set and the table once its end time has passed, at the next command', async () => {
    const { waf, store, clock, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'one hour', durationMs: 3_600_000, yes: true }, ports, yes());
    await block(TARGET, { cidrs: ['46.1.1.1'], reason: 'for good', yes: true }, ports, yes());
    await clock.sleep(3_600_000 - 1);
    expect((await list(TARGET, ports)).expired).toEqual([]);
    await clock.sleep(1);
    const result = await list(TARGET, ports);
    expect(result.expired).toEqual(['45.12.3.4/32']);
    expect(result.entries.map((e) => e.cidr)).toEqual(['46.1.1.1/32']);
    for (const place of ['edge', 'primary', 'secondary'] as const) expect(waf.addresses(place)).toEqual(['46.1.1.1/32']);
    expect([...store.records.keys()]).toEqual(['46.1.1.1/32']);
  });

  it('keeps an expired record while a place is unreachable, so the sweep finishes there later', async () => {
    const { waf, store, clock, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', durationMs: 60_000, yes: true }, ports, yes());
    await clock.sleep(60_000);
    waf.down.add('primary');
    const first = await reconcileBlocklist(TARGET, ports);
    expect(first.ok).toBe(false);
    expect(waf.addresses('edge')).toEqual([]);
    expect(store.records.has('45.12.3.4/32')).toBe(true);
    waf.down.delete('primary');
    const second = await reconcileBlocklist(TARGET, ports);
    expect(second.ok).toBe(true);
    expect(waf.addresses('primary')).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it('after one stack\'s deploy, sweeps and repairs that place only, and keeps the records for the others', async () => {
    const { waf, store, clock, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', durationMs: 60_000, yes: true }, ports, yes());
    await block(TARGET, { cidrs: ['46.1.1.1'], reason: 'y', yes: true }, ports, yes());
    await clock.sleep(60_000);
    waf.sets.set('primary/IPV4', []);
    const result = await reconcileBlocklist(TARGET, ports, { places: ['primary'] });
    expect(result.places.map((p) => p.place)).toEqual(['primary']);
    expect(waf.addresses('primary')).toEqual(['46.1.1.1/32']);
    expect(waf.addresses('edge')).toEqual(['45.12.3.4/32', '46.1.1.1/32']);
    expect(store.records.has('45.12.3.4/32')).toBe(true);
    expect(result.entries.find((e) => e.cidr === '46.1.1.1/32')?.places).toEqual({ edge: 'unknown', primary: 'blocked', secondary: 'unknown' });
    await reconcileBlocklist(TARGET, ports);
    expect(store.records.has('45.12.3.4/32')).toBe(false);
    expect(waf.addresses('edge')).toEqual(['46.1.1.1/32']);
  });

  it('puts back what a redeploy reset (the template holds Addresses: [])', async () => {
    const { waf, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes());
    waf.sets.set('edge/IPV4', []);
    const result = await reconcileBlocklist(TARGET, ports);
    expect(result.places[0]).toMatchObject({ place: 'edge', status: 'updated', added: ['45.12.3.4/32'] });
    expect(waf.addresses('edge')).toEqual(['45.12.3.4/32']);
  });

  it('unblocks everywhere and deletes the record; an address that is not blocked is refused', async () => {
    const { waf, store, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4', '46.1.1.1'], reason: 'x', yes: true }, ports, yes());
    const result = await unblock(TARGET, { cidrs: ['45.12.3.4/32'], yes: true }, ports, yes());
    expect(result.ok).toBe(true);
    for (const place of ['edge', 'primary', 'secondary'] as const) expect(waf.addresses(place)).toEqual(['46.1.1.1/32']);
    expect([...store.records.keys()]).toEqual(['46.1.1.1/32']);
    const error = await refusal(unblock(TARGET, { cidrs: ['47.0.0.1'], yes: true }, ports, yes()));
    expect(error.message).toBe('47.0.0.1/32 is not blocked');
  });

  it('an unblock that cannot reach a place ends the record now, and the next command finishes it', async () => {
    const { waf, store, ports } = world();
    await block(TARGET, { cidrs: ['45.12.3.4'], reason: 'x', yes: true }, ports, yes());
    waf.down.add('edge');
    const result = await unblock(TARGET, { cidrs: ['45.12.3.4'], yes: true }, ports, yes());
    expect(result.ok).toBe(false);
    expect(waf.addresses('primary')).toEqual([]);
    expect(store.records.get('45.12.3.4/32')?.expiresAt).toBe(new Date(T0).toISOString());
    waf.down.delete('edge');
    await list(TARGET, ports);
    expect(waf.addresses('edge')).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it('lists ranges added outside cafe-ops as unmanaged, and leaves them alone', async () => {
    const { waf, ports } = world();
    waf.sets.set('edge/IPV4', ['52.94.0.0/22']);
    const result = await list(TARGET, ports);
    expect(result.entries).toEqual([{ cidr: '52.94.0.0/22', version: 'IPV4', managed: false, places: { edge: 'blocked', primary: 'missing', secondary: 'missing' } }]);
    expect(waf.writes).toEqual([]);
  });

  it('says what is wrong when no web ACL can take the change', async () => {
    const { waf, ports } = world();
    waf.absent.add('edge').add('primary').add('secondary');
    await expect(list(TARGET, ports)).rejects.toThrow(/no web ACL of the environment can take the change: no IP set cafe-production-blocklist-ipv4 in us-east-1 \(CLOUDFRONT\): deploy the edge stack/);
  });
});
