/**
 * The IP blocklist: a range blocked in the three web ACLs of an environment -- the CLOUDFRONT scope
 * in us-east-1 and the REGIONAL scope of both regions -- each through an IPv4 and an IPv6 IP set that
 * the templates create empty (docs/waf.md). The control table holds one record per range (why, by
 * whom, until when); the IP sets hold the addresses.
 *
 * Every command runs the same convergence: read every set first; check the whole request against
 * what is there (nothing is written when any part of it is wrong); then write each set once with
 * its new list -- the requested change, minus the records whose end time has passed, plus any
 * recorded range a set lacks (a set a redeploy reset, or a place an earlier command could not
 * reach). A place that cannot be read is reported and left for the next command or deploy; a
 * write that fails mid-way rolls a block back from the places it reached, and an unblock is
 * reported place by place and finished by the next command.
 *
 * AWS behaviour relied on:
 * - UpdateIPSet replaces the whole address list and needs the lock token of the last read:
 *   https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateIPSet.html
 * - an IP set holds at most 10,000 addresses or ranges:
 *   https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-ipset-match.html
 * - CLOUDFRONT-scope sets live in us-east-1:
 *   https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html
 */
import { EDGE_REGION } from '../stacks/catalog';
import { errorMessage, UserError } from '../errors';
import type { Output } from '../ui/output';
import { CidrError, checkBlockable, contains, parseCidr, type Cidr, type IpVersion } from './cidr';
import type { BlockRecord, IpSetRef, Place, PlaceKey, Scope, WafPorts } from './ports';

/** Addresses and ranges one IP set may hold (AWS WAF quota, not adjustable). */
export const IP_SET_LIMIT = 10_000;
export const VERSIONS: IpVersion[] = ['IPV4', 'IPV6'];

export interface BlocklistTarget {
  project: string;
  /** The environment's name. */
  name: string;
  primaryRegion: string;
  secondaryRegion: string;
}

/** The IP set's name; the templates (edge.yaml, app.yaml) give it the same one. */
export function ipSetName(project: string, environment: string, version: IpVersion): string {
  return `${project}-${environment}-blocklist-${version === 'IPV4' ? 'ipv4' : 'ipv6'}`;
}

/** The three web ACLs of an environment, in the order changes are applied. */
export function placesOf(target: BlocklistTarget): Place[] {
  return [
    { key: 'edge', scope: 'CLOUDFRONT', region: EDGE_REGION },
    { key: 'primary', scope: 'REGIONAL', region: target.primaryRegion },
    { key: 'secondary', scope: 'REGIONAL', region: target.secondaryRegion },
  ];
}

export type PlaceStatus = 'updated' | 'unchanged' | 'unreachable' | 'no-ip-set' | 'failed' | 'not-started' | 'rolled-back' | 'rollback-failed';

export interface PlaceReport {
  place: PlaceKey;
  scope: Scope;
  region: string;
  status: PlaceStatus;
  /** Ranges this command put into / took out of the place's sets. */
  added: string[];
  removed: string[];
  error?: string;
}

export type Presence = 'blocked' | 'missing' | 'unknown';

export interface BlockEntry {
  cidr: string;
  version: IpVersion;
  /** false: in an IP set with no record (added outside cafe-ops). */
  managed: boolean;
  reason?: string;
  blockedBy?: string;
  blockedAt?: string;
  expiresAt?: string;
  /** Whether each web ACL blocks it now; `unknown` where the sets could not be read. */
  places: Record<PlaceKey, Presence>;
}

export interface WafResult {
  action: 'block' | 'unblock' | 'list' | 'sweep';
  /** false when a place could not be reached or a write failed (exit 1). */
  ok: boolean;
  /** The ranges the command was asked to block or unblock, canonical. */
  requested: string[];
  /** Records whose end time had passed, removed from the sets by this command. */
  expired: string[];
  entries: BlockEntry[];
  places: PlaceReport[];
  table: string;
  /** One line per thing a person must know or finish. */
  problems: string[];
}

export interface BlockRequest {
  cidrs: string[];
  reason: string;
  /** Block length in ms; undefined for a block without an end. */
  durationMs?: number;
  force?: boolean;
  yes?: boolean;
}

export interface UnblockRequest {
  cidrs: string[];
  yes?: boolean;
}

interface SetState {
  ref: IpSetRef;
  addresses: string[];
}

interface PlaceState {
  place: Place;
  sets?: Record<IpVersion, SetState>;
  status?: 'unreachable' | 'no-ip-set';
  error?: string;
}

interface Plan {
  /** Ranges every set of their version must hold. */
  add: Map<string, Cidr>;
  /** Ranges no set may hold. */
  remove: Set<string>;
}

/** The checks of a block that need no AWS call, run before any: one line for everything wrong, exit 2. */
export function checkBlockRequest(request: BlockRequest): Cidr[] {
  if (request.cidrs.length === 0) throw new UserError('name at least one address or CIDR range to block');
  if (!request.reason.trim()) throw new UserError('--reason must say why (it is shown by `waf list`)');
  return parseAll(request.cidrs, (text) => checkBlockable(text, { force: request.force ?? false }));
}

export function checkUnblockRequest(request: UnblockRequest): Cidr[] {
  if (request.cidrs.length === 0) throw new UserError('name at least one address or CIDR range to unblock');
  return parseAll(request.cidrs, parseCidr);
}

/** `cafe-ops waf block`. */
export async function block(target: BlocklistTarget, request: BlockRequest, ports: WafPorts, out: Output): Promise<WafResult> {
  const cidrs = checkBlockRequest(request);
  const records = await ports.store.list();
  const now = ports.clock.now();
  const states = await survey(target, ports);
  const problems: string[] = [];
  for (const cidr of cidrs) {
    const covering = records.find((r) => isActive(r, now) && contains(parseCidr(r.cidr), cidr));
    if (covering) {
      problems.push(`${cidr.text} is already blocked${covering.cidr === cidr.text ? '' : ` by ${covering.cidr}`} (${describeRecord(covering)})`);
      continue;
    }
    const reachable = states.filter((s) => s.sets);
    if (reachable.length > 0 && reachable.every((s) => s.sets![cidr.version].addresses.includes(cidr.text))) {
      problems.push(`${cidr.text} is already in every IP set, with no record (added outside cafe-ops): \`waf unblock\` it first to block it with a reason`);
    }
  }
  if (problems.length > 0) throw new UserError(problems.join('; '));
  const plan = planFor(records, now, { add: cidrs, remove: [] });
  checkLimits(states, plan);
  const until = request.durationMs === undefined ? undefined : new Date(now + request.durationMs).toISOString();
  await confirm(out, states, `Block ${cidrs.map((c) => c.text).join(', ')}${until ? ` until ${until}` : ' with no end'}`, request.yes);
  const caller = await ports.caller();
  const requested = new Set(cidrs.map((c) => c.text));
  const run = await converge(states, plan, ports, { rollbackOnFailure: requested });
  if (run.failed) return finish('block', target, states, run, records, now, ports, cidrs, [...problems, ...run.problems]);
  const written: string[] = [];
  try {
    for (const cidr of cidrs) {
      await ports.store.put({ cidr: cidr.text, version: cidr.version, reason: request.reason.trim(), blockedBy: caller, blockedAt: new Date(now).toISOString(), ...(until ? { expiresAt: until } : {}) });
      written.push(cidr.text);
    }
  } catch (error) {
    run.problems.push(`could not record the block in ${ports.store.description}: ${errorMessage(error)}; the IP sets were rolled back`);
    run.failed = true;
    await rollback(run, requested, ports);
    for (const cidr of written) await ports.store.remove(cidr).catch(() => run.problems.push(`the record of ${cidr} could not be removed: run \`waf unblock ${cidr}\``));
  }
  return finish('block', target, states, run, await safeList(ports, records), now, ports, cidrs, run.problems);
}

/** `cafe-ops waf unblock`. */
export async function unblock(target: BlocklistTarget, request: UnblockRequest, ports: WafPorts, out: Output): Promise<WafResult> {
  const cidrs = checkUnblockRequest(request);
  const records = await ports.store.list();
  const now = ports.clock.now();
  const states = await survey(target, ports);
  const unknown = cidrs.filter((c) => !records.some((r) => r.cidr === c.text) && !states.some((s) => s.sets?.[c.version].addresses.includes(c.text)));
  if (unknown.length > 0) {
    const hints = unknown.map((c) => {
      const covering = records.find((r) => contains(parseCidr(r.cidr), c));
      return `${c.text} is not blocked${covering ? ` (it is inside ${covering.cidr}: unblock that range)` : ''}`;
    });
    throw new UserError(hints.join('; '), 'see `cafe-ops waf list`');
  }
  const plan = planFor(records, now, { add: [], remove: cidrs });
  checkLimits(states, plan);
  await confirm(out, states, `Unblock ${cidrs.map((c) => c.text).join(', ')}`, request.yes);
  const run = await converge(states, plan, ports);
  const complete = !run.failed && !states.some((s) => s.status);
  for (const cidr of cidrs) {
    const record = records.find((r) => r.cidr === cidr.text);
    if (complete) {
      if (record) await ports.store.remove(cidr.text);
    } else {
      // Not every place could be changed: the record ends now, so the next waf command or deploy finishes the unblock.
      await ports.store.put({ ...(record ?? { cidr: cidr.text, version: cidr.version, reason: 'added outside cafe-ops', blockedBy: 'unknown', blockedAt: new Date(now).toISOString() }), expiresAt: new Date(now).toISOString() });
    }
  }
  if (!complete) run.problems.push(`not every place could be changed: ${cidrs.map((c) => c.text).join(', ')} end now, and the next waf command or deploy removes them from the places listed`);
  return finish('unblock', target, states, run, await safeList(ports, records), now, ports, cidrs, run.problems);
}

/** `cafe-ops waf list`: what is blocked where; removes what has expired and fills in what a set lacks. */
export async function list(target: BlocklistTarget, ports: WafPorts): Promise<WafResult> {
  return sweep(target, ports, 'list');
}

/**
 * The expiry sweep and repair, for the deploy to run after the edge and app stacks: removes the
 * ranges whose end time has passed from every set and from the control table, and puts back every
 * recorded range a set lacks (an IPSet update by CloudFormation resets the set to the template's
 * empty list). Never prompts; a place it cannot reach is reported in the result (`ok: false`).
 */
export async function reconcileBlocklist(target: BlocklistTarget, ports: WafPorts, options: { places?: PlaceKey[] } = {}): Promise<WafResult> {
  return sweep(target, ports, 'sweep', options.places);
}

async function sweep(target: BlocklistTarget, ports: WafPorts, action: 'sweep' | 'list', only?: PlaceKey[]): Promise<WafResult> {
  const records = await ports.store.list();
  const now = ports.clock.now();
  const states = await survey(target, ports, only);
  const plan = planFor(records, now, { add: [], remove: [] });
  const run = await converge(states, plan, ports);
  // A sweep of some places only cleans their sets: the records stay until every place is clean.
  if (only && placesOf(target).some((p) => !only.includes(p.key))) run.partial = true;
  return finish(action, target, states, run, records, now, ports, [], run.problems);
}

// ---------------------------------------------------------------------------------------------

function parseAll(inputs: string[], parse: (text: string) => Cidr): Cidr[] {
  const problems: string[] = [];
  const seen = new Map<string, Cidr>();
  for (const input of inputs) {
    try {
      const cidr = parse(input);
      seen.set(cidr.text, cidr);
    } catch (error) {
      if (!(error instanceof CidrError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UserError(problems.join('; '), 'nothing was changed');
  return [...seen.values()];
}

function isActive(record: BlockRecord, now: number): boolean {
  return record.expiresAt === undefined || Date.parse(record.expiresAt) > now;
}

function describeRecord(record: BlockRecord): string {
  return `by ${record.blockedBy} on ${record.blockedAt}, ${record.expiresAt ? `until ${record.expiresAt}` : 'with no end'}: ${record.reason}`;
}

function canonical(address: string): string {
  try {
    return parseCidr(address).text;
  } catch {
    return address;
  }
}

function planFor(records: BlockRecord[], now: number, change: { add: Cidr[]; remove: Cidr[] }): Plan {
  const add = new Map<string, Cidr>();
  const remove = new Set<string>();
  for (const record of records) {
    if (isActive(record, now)) add.set(record.cidr, parseCidr(record.cidr));
    else remove.add(record.cidr);
  }
  for (const cidr of change.remove) {
    add.delete(cidr.text);
    remove.add(cidr.text);
  }
  for (const cidr of change.add) {
    add.set(cidr.text, cidr);
    remove.delete(cidr.text);
  }
  return { add, remove };
}

function applyPlan(addresses: string[], plan: Plan, version: IpVersion): string[] {
  const next = addresses.map(canonical).filter((a) => !plan.remove.has(a));
  for (const cidr of plan.add.values()) if (cidr.version === version && !next.includes(cidr.text)) next.push(cidr.text);
  return next;
}

function label(place: Place): string {
  return `${place.key} (${place.region}, ${place.scope})`;
}

async function survey(target: BlocklistTarget, ports: WafPorts, only?: PlaceKey[]): Promise<PlaceState[]> {
  const states = await Promise.all(
    placesOf(target).filter((p) => !only || only.includes(p.key)).map(async (place): Promise<PlaceState & { thrown?: unknown }> => {
      try {
        const sets = {} as Record<IpVersion, SetState>;
        for (const version of VERSIONS) {
          const name = ipSetName(target.project, target.name, version);
          const ref = await ports.waf.find(place, version, name);
          if (!ref) return { place, status: 'no-ip-set', error: `no IP set ${name} in ${place.region} (${place.scope}): deploy the ${place.key === 'edge' ? 'edge' : 'app'} stack` };
          sets[version] = { ref, addresses: (await ports.waf.read(ref)).map(canonical) };
        }
        return { place, sets };
      } catch (error) {
        return { place, status: 'unreachable', error: errorMessage(error), thrown: error };
      }
    }),
  );
  // Nothing answered: the cause is the credentials or the endpoint, not the places -- say that instead.
  const first = states.find((s) => s.thrown !== undefined);
  if (states.every((s) => s.status === 'unreachable') && first) throw first.thrown;
  if (states.every((s) => s.status)) throw new UserError(`no web ACL of the environment can take the change: ${states.map((s) => s.error).join('; ')}`, undefined, 1);
  return states.map(({ thrown: _thrown, ...state }) => state);
}

function checkLimits(states: PlaceState[], plan: Plan): void {
  for (const state of states) {
    for (const version of VERSIONS) {
      const set = state.sets?.[version];
      if (!set) continue;
      const size = applyPlan(set.addresses, plan, version).length;
      if (size > IP_SET_LIMIT) {
        throw new UserError(`${set.ref.name} in ${state.place.region} would hold ${size} ranges; AWS WAF allows ${IP_SET_LIMIT.toLocaleString('en-US')} per IP set`, 'unblock some ranges, or block a wider range that covers several');
      }
    }
  }
}

async function confirm(out: Output, states: PlaceState[], what: string, yes = false): Promise<void> {
  const reachable = states.filter((s) => s.sets).map((s) => label(s.place));
  const missed = states.filter((s) => !s.sets);
  for (const s of missed) out.warn(`${label(s.place)}: ${s.error} -- it gets the change from the next waf command or deploy`);
  const ok = await out.confirm(`${what} at ${reachable.join(', ')}?`, { assumeYes: yes });
  if (!ok) throw new UserError('cancelled: nothing was changed', undefined, 1);
}

interface Run {
  reports: Map<PlaceKey, PlaceReport>;
  /** Sets written by this run, with the requested ranges each received (for a rollback). */
  applied: { state: PlaceState; ref: IpSetRef; added: string[] }[];
  final: Map<string, string[]>;
  failed: boolean;
  /** Only some of the places were looked at. */
  partial?: boolean;
  problems: string[];
}

async function converge(states: PlaceState[], plan: Plan, ports: WafPorts, options: { rollbackOnFailure?: Set<string> } = {}): Promise<Run> {
  const run: Run = { reports: new Map(), applied: [], final: new Map(), failed: false, problems: [] };
  for (const state of states) {
    const report: PlaceReport = { place: state.place.key, scope: state.place.scope, region: state.place.region, status: state.status ?? 'unchanged', added: [], removed: [], ...(state.error ? { error: state.error } : {}) };
    run.reports.set(state.place.key, report);
    if (state.status) run.problems.push(`${label(state.place)} was not changed: ${state.error}`);
  }
  for (const state of states) {
    if (!state.sets) continue;
    const report = run.reports.get(state.place.key)!;
    if (run.failed) {
      report.status = 'not-started';
      continue;
    }
    for (const version of VERSIONS) {
      const set = state.sets[version];
      if (sameList(applyPlan(set.addresses, plan, version), set.addresses)) {
        run.final.set(set.ref.name + state.place.key, set.addresses);
        continue;
      }
      let before: string[] = set.addresses;
      try {
        const written = await ports.waf.modify(set.ref, (current) => {
          before = current.map(canonical);
          const next = applyPlan(current, plan, version);
          if (next.length > IP_SET_LIMIT) throw new Error(`${set.ref.name} would hold ${next.length} ranges (limit ${IP_SET_LIMIT})`);
          return next;
        });
        const after = written.map(canonical);
        const added = after.filter((a) => !before.includes(a));
        report.added.push(...added);
        report.removed.push(...before.filter((a) => !after.includes(a)));
        report.status = 'updated';
        run.final.set(set.ref.name + state.place.key, after);
        run.applied.push({ state, ref: set.ref, added: added.filter((a) => options.rollbackOnFailure?.has(a)) });
      } catch (error) {
        report.status = 'failed';
        report.error = errorMessage(error);
        run.failed = true;
        run.problems.push(`${label(state.place)}: writing ${set.ref.name} failed: ${report.error}`);
        break;
      }
    }
  }
  if (run.failed && options.rollbackOnFailure) await rollback(run, options.rollbackOnFailure, ports);
  return run;
}

async function rollback(run: Run, requested: Set<string>, ports: WafPorts): Promise<void> {
  for (const applied of run.applied) {
    if (applied.added.length === 0) continue;
    const report = run.reports.get(applied.state.place.key)!;
    const take = new Set(applied.added);
    try {
      const written = await ports.waf.modify(applied.ref, (current) => current.filter((a) => !take.has(canonical(a))));
      run.final.set(applied.ref.name + applied.state.place.key, written.map(canonical));
      if (report.status !== 'rollback-failed') report.status = 'rolled-back';
      report.added = report.added.filter((a) => !take.has(a));
    } catch (error) {
      report.status = 'rollback-failed';
      report.error = errorMessage(error);
      run.problems.push(`${label(applied.state.place)}: the rollback of ${[...take].join(', ')} from ${applied.ref.name} failed (${report.error}): it still blocks them; \`waf unblock\` them`);
    }
  }
  if (run.applied.some((a) => a.added.length > 0)) run.problems.push(`the block of ${[...requested].join(', ')} was rolled back where it had been applied`);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function safeList(ports: WafPorts, fallback: BlockRecord[]): Promise<BlockRecord[]> {
  try {
    return await ports.store.list();
  } catch {
    return fallback;
  }
}

async function finish(
  action: WafResult['action'],
  target: BlocklistTarget,
  states: PlaceState[],
  run: Run,
  records: BlockRecord[],
  now: number,
  ports: WafPorts,
  requested: Cidr[],
  problems: string[],
): Promise<WafResult> {
  // Expired records leave the table once no reachable set holds them and every place was reached.
  const expired = records.filter((r) => !isActive(r, now) && !requested.some((c) => c.text === r.cidr));
  const everywhere = !run.failed && !run.partial && states.every((s) => s.sets);
  const kept: BlockRecord[] = [];
  for (const record of records) {
    if (!expired.includes(record)) kept.push(record);
    else if (everywhere) {
      try {
        await ports.store.remove(record.cidr);
      } catch (error) {
        kept.push(record);
        problems.push(`the expired record of ${record.cidr} could not be removed from ${ports.store.description}: ${errorMessage(error)}`);
      }
    } else kept.push(record);
  }
  const presence = (cidr: string, version: IpVersion): Record<PlaceKey, Presence> => {
    const result: Record<PlaceKey, Presence> = { edge: 'unknown', primary: 'unknown', secondary: 'unknown' };
    for (const state of states) {
      const final = state.sets ? (run.final.get(state.sets[version].ref.name + state.place.key) ?? state.sets[version].addresses) : undefined;
      result[state.place.key] = final === undefined ? 'unknown' : final.includes(cidr) ? 'blocked' : 'missing';
    }
    return result;
  };
  const entries: BlockEntry[] = kept
    .filter((r) => isActive(r, now))
    .map((r) => ({
      cidr: r.cidr,
      version: r.version,
      managed: true,
      reason: r.reason,
      blockedBy: r.blockedBy,
      blockedAt: r.blockedAt,
      ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}),
      places: presence(r.cidr, r.version),
    }));
  const seen = new Set(kept.map((r) => r.cidr));
  for (const state of states) {
    for (const version of VERSIONS) {
      if (!state.sets) continue;
      const final = run.final.get(state.sets[version].ref.name + state.place.key) ?? state.sets[version].addresses;
      for (const cidr of final) {
        if (seen.has(cidr)) continue;
        seen.add(cidr);
        entries.push({ cidr, version, managed: false, places: presence(cidr, version) });
      }
    }
  }
  entries.sort((a, b) => a.cidr.localeCompare(b.cidr));
  const unreached = states.some((s) => s.status);
  return {
    action,
    ok: !run.failed && !unreached,
    requested: requested.map((c) => c.text),
    expired: expired.map((r) => r.cidr),
    entries,
    places: placesOf(target).flatMap((p) => run.reports.get(p.key) ?? []),
    table: ports.store.description,
    problems,
  };
}
