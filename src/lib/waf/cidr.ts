/**
 * CIDR parsing and the checks a blocklist entry must pass before anything is written: well formed,
 * host bits clear, not a private or reserved range, not too broad.
 *
 * AWS WAF accepts every IPv4 and IPv6 CIDR range except /0:
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSet.html
 * The special-purpose ranges are the IANA registries (RFC 6890 and its updates):
 * https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
import { isIP } from 'node:net';

export type IpVersion = 'IPV4' | 'IPV6';

export interface Cidr {
  version: IpVersion;
  /** The network address as a number (host bits clear). */
  network: bigint;
  prefix: number;
  /** Canonical text, the form WAF stores and the table's key uses: `203.0.113.0/24`, `2001:db8::/32`. */
  text: string;
}

/**
 * The widest range blocked without --force. IPv4: a /8, the largest block a registry ever
 * allocated. IPv6: a /32, the usual minimum allocation of a regional registry to an ISP, so
 * anything wider spans more than one provider's whole network (a /48 is one site, a /64 one LAN).
 */
export const MAX_WIDTH: Record<IpVersion, number> = { IPV4: 8, IPV6: 32 };

const BITS: Record<IpVersion, number> = { IPV4: 32, IPV6: 128 };

export class CidrError extends Error {}

/** Parses `a.b.c.d[/n]` or an IPv6 address with an optional `/n` (a bare address is a /32 or /128). */
export function parseCidr(input: string): Cidr {
  const raw = input.trim();
  const slash = raw.indexOf('/');
  const address = slash === -1 ? raw : raw.slice(0, slash);
  const family = isIP(address);
  if (family === 0 || address.includes('%')) throw new CidrError(`${input}: not an IPv4 or IPv6 address or CIDR range`);
  const version: IpVersion = family === 4 ? 'IPV4' : 'IPV6';
  const bits = BITS[version];
  let prefix = bits;
  if (slash !== -1) {
    const text = raw.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > bits) throw new CidrError(`${input}: the prefix length must be 0 to ${bits}`);
    prefix = Number(text);
  }
  const value = version === 'IPV4' ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const network = value & mask(prefix, bits);
  if (network !== value) {
    throw new CidrError(`${input}: host bits are set (did you mean ${format(version, network)}/${prefix}?)`);
  }
  return { version, network, prefix, text: `${format(version, network)}/${prefix}` };
}

/** Whether two ranges share any address (one contains the other, since CIDRs nest). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const m = mask(prefix, BITS[a.version]);
  return (a.network & m) === (b.network & m);
}

/** Whether `outer` contains every address of `inner`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.prefix <= inner.prefix && overlaps(outer, inner);
}

interface Reserved {
  cidr: string;
  what: string;
}

/** Ranges that are never a public client of the café: blocking them is a mistake, or blocks nothing. */
export const RESERVED: Reserved[] = [
  { cidr: '0.0.0.0/8', what: '"this network" (RFC 791)' },
  { cidr: '10.0.0.0/8', what: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', what: 'carrier-grade NAT shared space (RFC 6598)' },
  { cidr: '127.0.0.0/8', what: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', what: 'link-local (RFC 3927)' },
  { cidr: '172.16.0.0/12', what: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', what: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', what: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '192.88.99.0/24', what: 'deprecated 6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', what: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', what: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', what: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', what: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '224.0.0.0/4', what: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', what: 'reserved for future use, and broadcast (RFC 1112, RFC 919)' },
  { cidr: '::/128', what: 'the unspecified address (RFC 4291)' },
  { cidr: '::1/128', what: 'loopback (RFC 4291)' },
  { cidr: '::ffff:0:0/96', what: 'IPv4-mapped addresses (RFC 4291): block the IPv4 address instead' },
  { cidr: '64:ff9b:1::/48', what: 'local-use IPv4/IPv6 translation (RFC 8215)' },
  { cidr: '100::/64', what: 'discard-only (RFC 6666)' },
  { cidr: '2001::/23', what: 'IETF protocol assignments (RFC 2928)' },
  { cidr: '2001:db8::/32', what: 'documentation (RFC 3849)' },
  { cidr: '3fff::/20', what: 'documentation (RFC 9637)' },
  { cidr: 'fc00::/7', what: 'unique local addresses (RFC 4193)' },
  { cidr: 'fe80::/10', what: 'link-local (RFC 4291)' },
  { cidr: 'ff00::/8', what: 'multicast (RFC 4291)' },
];

const RESERVED_PARSED = RESERVED.map((r) => ({ ...r, parsed: parseCidr(r.cidr) }));

/** The first special-purpose range the CIDR overlaps, or undefined for a public range. */
export function reservedOverlap(cidr: Cidr): Reserved | undefined {
  return RESERVED_PARSED.find((r) => overlaps(r.parsed, cidr));
}

/**
 * Parses and checks one entry for the blocklist; throws a {@link CidrError} whose message is the
 * one line to show.
 */
export function checkBlockable(input: string, options: { force?: boolean } = {}): Cidr {
  const cidr = parseCidr(input);
  if (cidr.prefix === 0) throw new CidrError(`${input}: a /0 is every address; AWS WAF refuses it, and so does cafe-ops, even with --force`);
  const reserved = reservedOverlap(cidr);
  if (reserved) throw new CidrError(`${input}: ${cidr.prefix < parseCidr(reserved.cidr).prefix ? 'contains' : 'is in'} ${reserved.cidr}, ${reserved.what}; it is not a public client address`);
  const width = MAX_WIDTH[cidr.version];
  if (cidr.prefix < width && !options.force) {
    throw new CidrError(`${input}: wider than a /${width} (${describeSize(cidr)}); pass --force if you really mean to block it`);
  }
  return cidr;
}

function describeSize(cidr: Cidr): string {
  const hostBits = BITS[cidr.version] - cidr.prefix;
  return cidr.version === 'IPV4' ? `${(2 ** hostBits).toLocaleString('en-US')} addresses` : `2^${hostBits} addresses`;
}

function mask(prefix: number, bits: number): bigint {
  if (prefix === 0) return 0n;
  const all = (1n << BigInt(bits)) - 1n;
  return (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, v4.index)}${((n >> 16n) & 0xffffn).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

function format(version: IpVersion, value: bigint): string {
  if (version === 'IPV4') return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const hextets = Array.from({ length: 8 }, (_, i) => (value >> BigInt(112 - i * 16)) & 0xffffn);
  // RFC 5952: the longest run (of two or more) of zero hextets becomes "::", the first one on a tie.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0n) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
