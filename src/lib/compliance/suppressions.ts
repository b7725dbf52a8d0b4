/**
 * Suppressions live in the template, next to what they excuse, and name exactly what they waive:
 *
 *   Metadata:
 *     cafe-ops:
 *       suppress:
 *         - rule: IAM.21                # a rule id (or its control id); `id:` is accepted too
 *           sid: VpcNetworkInterfaces   # a policy statement by its Sid, and/or
 *           path: Properties.Policies[0].PolicyDocument.Statement[1]   # the finding's key path
 *           fingerprint: 1c9e3f0a2b7d   # optional: the content of what it covers, as reviewed
 *           reason: why this statement is right as it is
 *
 * on a resource (for findings about that resource; paths are relative to the resource) or in the
 * template's top-level Metadata (for findings about the stack as a whole; paths from the template
 * root). A suppression covers the findings of its rule at its path (or statement) only: a new finding
 * of the same rule elsewhere on the resource stays open, and so does an edited statement when the
 * suppression carries the fingerprint of the reviewed one. A suppression without a target, without a
 * reason, or that matches no finding is itself a finding (Suppression.Reason). The two older
 * single-purpose keys (`iam-wildcard-reason`, `rotation-reason`) waived every finding of a rule on a
 * resource; they are refused with the same finding, and suppress nothing.
 */
import { createHash } from 'node:crypto';
import { get, isObject } from './kit';

export const METADATA_KEY = 'cafe-ops';
/** The keys that once waived a whole rule on a resource, and the rule each waived. */
export const LEGACY_REASON_KEYS: Record<string, string> = { 'iam-wildcard-reason': 'IAM.21', 'rotation-reason': 'SecretsManager.1' };
/** Shorter than this is not a reason ("n/a", "todo"). */
export const MIN_REASON_LENGTH = 10;

export type KeyPath = (string | number)[];

export interface SuppressionTarget {
  /** Key path from the Metadata holder (the resource, or the template root). */
  path?: KeyPath;
  /** The Sid of the policy statement the finding points at. */
  sid?: string;
  /** Fingerprint of the value at the finding's path when the suppression was written. */
  fingerprint?: string;
}

export interface Suppression {
  rule: string;
  reason: string;
  target: SuppressionTarget;
  /** Key path of the entry from the Metadata holder, for line numbers. */
  path: KeyPath;
}

export interface SuppressionProblem {
  message: string;
  path: KeyPath;
}

/** Valid suppressions of one Metadata block, and the problems of the invalid ones (which suppress nothing). */
export function readSuppressions(metadata: unknown): { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  const block = isObject(metadata) ? metadata[METADATA_KEY] : undefined;
  if (!isObject(block)) return { suppressions, problems };
  const base = ['Metadata', METADATA_KEY];
  for (const [key, rule] of Object.entries(LEGACY_REASON_KEYS)) {
    if (!(key in block)) continue;
    problems.push({
      message: `${key} waives every ${rule} finding of the resource, present and future: replace it with suppress entries that name what they cover ({ rule: ${rule}, sid: or path:, reason: })`,
      path: [...base, key],
    });
  }
  const list = block.suppress;
  if (list === undefined) return { suppressions, problems };
  if (!Array.isArray(list)) {
    problems.push({ message: 'suppress must be a list of { rule, path or sid, reason }', path: [...base, 'suppress'] });
    return { suppressions, problems };
  }
  list.forEach((entry, i) => {
    const path = [...base, 'suppress', i];
    const rule = isObject(entry) ? (entry.rule ?? entry.id) : undefined;
    const reason = isObject(entry) ? entry.reason : undefined;
    if (typeof rule !== 'string' || rule.trim() === '') {
      problems.push({ message: 'suppression names no rule (rule: <id>)', path });
      return;
    }
    const name = rule.trim();
    if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
      problems.push({ message: `suppression of ${name} has no reason: write why the finding does not apply`, path });
      return;
    }
    const e = entry as Record<string, unknown>;
    const target: SuppressionTarget = {};
    if (e.path !== undefined) {
      const parsed = typeof e.path === 'string' ? parsePath(e.path) : undefined;
      if (!parsed) {
        problems.push({ message: `suppression of ${name}: path ${JSON.stringify(e.path)} is not a key path such as Properties.Policies[0].PolicyDocument.Statement[1]`, path: [...path, 'path'] });
        return;
      }
      target.path = parsed;
    }
    if (e.sid !== undefined) {
      if (typeof e.sid !== 'string' || e.sid.trim() === '') {
        problems.push({ message: `suppression of ${name}: sid must be the Sid of a policy statement`, path: [...path, 'sid'] });
        return;
      }
      target.sid = e.sid.trim();
    }
    if (e.fingerprint !== undefined) {
      if (typeof e.fingerprint !== 'string' || !FINGERPRINT.test(e.fingerprint)) {
        problems.push({ message: `suppression of ${name}: fingerprint must be the ${FINGERPRINT_LENGTH} hex digits the audit reports for the finding`, path: [...path, 'fingerprint'] });
        return;
      }
      target.fingerprint = e.fingerprint;
    }
    if (!target.path && !target.sid) {
      problems.push({
        message: `suppression of ${name} names no target, so it would waive every ${name} finding here, present and future: add path: (the key path the finding reports) or sid: (a policy statement)`,
        path,
      });
      return;
    }
    suppressions.push({ rule: name, reason: reason.trim(), target, path });
  });
  return { suppressions, problems };
}

const SEGMENT = /^(?:[A-Za-z0-9_:@/+-]+)(?:\[\d+\])*$/;

/** `Properties.Policies[0].PolicyDocument.Statement[1]` → ['Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 1]. */
export function parsePath(text: string): KeyPath | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const path: KeyPath = [];
  for (const part of trimmed.split('.')) {
    if (!SEGMENT.test(part)) return undefined;
    const [key, ...indexes] = part.split('[');
    path.push(key!);
    for (const index of indexes) path.push(Number(index.slice(0, -1)));
  }
  return path;
}

/** The readable form of a key path, the one suppressions are written in. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

export const FINGERPRINT_LENGTH = 12;
const FINGERPRINT = new RegExp(`^[0-9a-f]{${FINGERPRINT_LENGTH}}$`);

/** A short content hash of a template value (keys sorted, so formatting and key order do not change it). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

export type MatchResult = 'match' | 'no' | 'changed';

/**
 * Whether a suppression covers a finding at `findingPath` (relative to the same holder), with
 * `holder` the resource (or template) the paths start from. 'changed': the target matches but
 * the content is no longer the one reviewed (the fingerprint differs).
 */
export function matchTarget(target: SuppressionTarget, findingPath: KeyPath | undefined, holder: unknown): MatchResult {
  if (!findingPath) return 'no';
  if (target.path && formatPath(target.path) !== formatPath(findingPath)) return 'no';
  const value = get(holder, ...findingPath);
  if (target.sid && !(isObject(value) && value.Sid === target.sid)) return 'no';
  if (target.fingerprint && fingerprint(value) !== target.fingerprint) return 'changed';
  return 'match';
}

/** How a suppression is written, for messages: `IAM.21 sid VpcNetworkInterfaces`. */
export function describeTarget(target: SuppressionTarget): string {
  return [target.sid ? `sid ${target.sid}` : '', target.path ? `path ${formatPath(target.path)}` : ''].filter(Boolean).join(', ');
}
