/** The narrow interfaces the blocklist engine works through: WAF IP sets, the control table, the caller, time. */
import type { Clock } from '../clock';
import type { IpVersion } from './cidr';

export type Scope = 'CLOUDFRONT' | 'REGIONAL';
export type PlaceKey = 'edge' | 'primary' | 'secondary';

/** One web ACL's pair of IP sets: the CLOUDFRONT scope in us-east-1, or the REGIONAL scope of a region. */
export interface Place {
  key: PlaceKey;
  scope: Scope;
  region: string;
}

export interface IpSetRef {
  place: Place;
  version: IpVersion;
  name: string;
  id: string;
  arn?: string;
}

export interface WafPort {
  /** The IP set of that name in the region and scope (ListIPSets), undefined when there is none. */
  find(place: Place, version: IpVersion, name: string): Promise<IpSetRef | undefined>;
  /** The addresses the set holds now (GetIPSet). */
  read(ref: IpSetRef): Promise<string[]>;
  /**
   * Reads the set, applies `change` to its addresses and writes the whole list back with the lock
   * token (UpdateIPSet replaces the list). A WAFOptimisticLockException -- someone changed the set
   * in between -- reads again and reapplies `change`, a bounded number of times. Returns the list
   * written (nothing is written when `change` returns the same addresses).
   */
  modify(ref: IpSetRef, change: (current: string[]) => string[]): Promise<string[]>;
}

/** One blocked range, as kept in the control table (pk `waf#<cidr>`). */
export interface BlockRecord {
  cidr: string;
  version: IpVersion;
  reason: string;
  /** The caller's identity (STS GetCallerIdentity ARN) that blocked it. */
  blockedBy: string;
  /** ISO 8601. */
  blockedAt: string;
  /** ISO 8601; absent for a block without an end. */
  expiresAt?: string;
}

export interface BlockStore {
  /** Where the records live, for messages (`cafe-production-control (eu-west-1)`). */
  readonly description: string;
  list(): Promise<BlockRecord[]>;
  put(record: BlockRecord): Promise<void>;
  remove(cidr: string): Promise<void>;
}

export interface WafPorts {
  waf: WafPort;
  store: BlockStore;
  /** The ARN of the credentials in use (STS GetCallerIdentity). */
  caller(): Promise<string>;
  clock: Clock;
}

/** The set's lock token kept changing under us: another writer is busy with the same set. */
export class LockConflictError extends Error {
  override readonly name = 'LockConflictError';
}
