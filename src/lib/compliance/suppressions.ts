/**
 * Suppressions live in the template, next to what they excuse:
 *
 *   Metadata:
 *     cafe-ops:
 *       suppress:
 *         - rule: S3.9            # a rule id (or its control id); `id:` is accepted too
 *           reason: why this resource is right as it is
 *
 * on a resource (for findings about that resource) or in the template's top-level Metadata (for
 * findings about the stack as a whole, such as cross-region readiness). Every suppression needs a
 * reason; suppressed findings stay in every report, marked with the reason, and count for nothing.
 * Two older single-purpose keys of the same block are read as suppressions too:
 * `iam-wildcard-reason` (IAM.21) and `rotation-reason` (SecretsManager.1).
 */
import { isObject } from './kit';

export const METADATA_KEY = 'cafe-ops';
export const LEGACY_REASON_KEYS: Record<string, string> = { 'iam-wildcard-reason': 'IAM.21', 'rotation-reason': 'SecretsManager.1' };
/** Shorter than this is not a reason ("n/a", "todo"). */
export const MIN_REASON_LENGTH = 10;

export interface Suppression {
  rule: string;
  reason: string;
  /** Key path of the entry from the Metadata holder, for line numbers. */
  path: (string | number)[];
}

export interface SuppressionProblem {
  message: string;
  path: (string | number)[];
}

/** Valid suppressions of one Metadata block, and the problems of the invalid ones. */
export function readSuppressions(metadata: unknown): { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  const block = isObject(metadata) ? metadata[METADATA_KEY] : undefined;
  if (!isObject(block)) return { suppressions, problems };
  const base = ['Metadata', METADATA_KEY];
  for (const [key, rule] of Object.entries(LEGACY_REASON_KEYS)) {
    if (!(key in block)) continue;
    const reason = block[key];
    if (typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH) suppressions.push({ rule, reason: reason.trim(), path: [...base, key] });
    else problems.push({ message: `${key} needs a written reason`, path: [...base, key] });
  }
  const list = block.suppress;
  if (list === undefined) return { suppressions, problems };
  if (!Array.isArray(list)) {
    problems.push({ message: 'suppress must be a list of { rule, reason }', path: [...base, 'suppress'] });
    return { suppressions, problems };
  }
  list.forEach((entry, i) => {
    const path = [...base, 'suppress', i];
    const rule = isObject(entry) ? (entry.rule ?? entry.id) : undefined;
    const reason = isObject(entry) ? entry.reason : undefined;
    if (typeof rule !== 'string' || rule.trim() === '') {
      problems.push({ message: 'suppression names no rule (rule: <id>)', path });
    } else if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
      problems.push({ message: `suppression of ${rule} has no reason: write why the finding does not apply`, path });
    } else {
      suppressions.push({ rule: rule.trim(), reason: reason.trim(), path });
    }
  });
  return { suppressions, problems };
}
