import type { IpVersion } from '../../../src/lib/waf/cidr';
import { ipSetName, placesOf, VERSIONS, type BlocklistTarget } from '../../../src/lib/waf/engine';
import type { BlockRecord, BlockStore, IpSetRef, Place, PlaceKey, WafPort, WafPorts } from '../../../src/lib/waf/ports';
import { FakeClock } from '../../support/fake-clock';

export const TARGET: BlocklistTarget = { project: 'cafe', name: 'production', primaryRegion: 'eu-west-1', secondaryRegion: 'eu-central-1' };
export const CALLER = 'arn:aws:sts::222222222222:assumed-role/Oncall/alice';
export const T0 = Date.parse('2026-12-01T12:00:00.000Z');

const key = (place: PlaceKey, version: IpVersion) => `${place}/${version}`;

/** In-memory IP sets of the three web ACLs, with failure injection. */
export class FakeWaf implements WafPort {
  readonly sets = new Map<string, string[]>();
  readonly writes: string[] = [];
  /** Places whose every call fails, as a region that does not answer. */
  readonly down = new Set<PlaceKey>();
  /** Places without the IP sets (stack not deployed). */
  readonly absent = new Set<PlaceKey>();
  /** Writes (by 1-based count of modify calls) that fail. */
  readonly failWrites = new Set<number>();
  private modifies = 0;

  constructor(target: BlocklistTarget = TARGET) {
    for (const place of placesOf(target)) for (const version of VERSIONS) this.sets.set(key(place.key, version), []);
  }

  addresses(place: PlaceKey, version: IpVersion = 'IPV4'): string[] {
    return this.sets.get(key(place, version)) ?? [];
  }

  private reach(place: Place) {
    if (this.down.has(place.key)) throw Object.assign(new Error(`connect ETIMEDOUT wafv2.${place.region}.amazonaws.com`), { code: 'ETIMEDOUT' });
  }

  async find(place: Place, version: IpVersion, name: string): Promise<IpSetRef | undefined> {
    this.reach(place);
    if (this.absent.has(place.key)) return undefined;
    expect(name).toBe(ipSetName(TARGET.project, TARGET.name, version));
    return { place, version, name, id: `id-${place.key}-${version}` };
  }

  async read(ref: IpSetRef): Promise<string[]> {
    this.reach(ref.place);
    return [...this.addresses(ref.place.key, ref.version)];
  }

  async modify(ref: IpSetRef, change: (current: string[]) => string[]): Promise<string[]> {
    this.reach(ref.place);
    this.modifies++;
    const next = change([...this.addresses(ref.place.key, ref.version)]);
    if (this.failWrites.has(this.modifies)) throw Object.assign(new Error('Rate exceeded'), { name: 'WAFLimitsExceededException' });
    this.sets.set(key(ref.place.key, ref.version), next);
    this.writes.push(`${ref.place.key}/${ref.version}: ${next.join(' ')}`);
    return next;
  }
}

export class FakeStore implements BlockStore {
  readonly description = 'cafe-production-control (eu-west-1)';
  readonly records = new Map<string, BlockRecord>();
  failPut = false;

  async list(): Promise<BlockRecord[]> {
    return [...this.records.values()].map((r) => ({ ...r }));
  }
  async put(record: BlockRecord): Promise<void> {
    if (this.failPut) throw new Error('ProvisionedThroughputExceededException');
    this.records.set(record.cidr, { ...record });
  }
  async remove(cidr: string): Promise<void> {
    this.records.delete(cidr);
  }
}

export function world(start = T0) {
  const waf = new FakeWaf();
  const store = new FakeStore();
  const clock = new FakeClock(start);
  const ports: WafPorts = { waf, store, clock, caller: async () => CALLER };
  return { waf, store, clock, ports };
}
