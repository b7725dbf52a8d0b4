/** What people see of a waf result: the entries table, then what changed where and what is left to do. */
import type { Output } from '../ui/output';
import type { BlockEntry, WafResult } from './engine';

const MARK = { blocked: 'yes', missing: 'NO', unknown: '?' } as const;

export function renderWafResult(result: WafResult, out: Output): void {
  if (result.expired.length > 0) out.info(`expired, removed: ${result.expired.join(', ')}`);
  // What changed where; the places that could not be changed are in the problems below.
  for (const place of result.places) {
    if (place.added.length || place.removed.length) {
      out.progress(`${place.place} (${place.region}): ${place.status}${place.added.length ? `, +${place.added.join(' +')}` : ''}${place.removed.length ? `, -${place.removed.join(' -')}` : ''}`);
    }
  }
  if (result.entries.length === 0) out.info('nothing is blocked');
  else out.table(['cidr', 'edge', 'primary', 'secondary', 'by', 'until', 'reason'], result.entries.map(row));
  for (const problem of result.problems) out.warn(problem);
}

function row(entry: BlockEntry): string[] {
  return [
    entry.cidr,
    MARK[entry.places.edge],
    MARK[entry.places.primary],
    MARK[entry.places.secondary],
    entry.blockedBy ? shortCaller(entry.blockedBy) : '-',
    entry.managed ? (entry.expiresAt ?? 'no end') : '-',
    entry.managed ? (entry.reason ?? '') : '(no record: added outside cafe-ops)',
  ];
}

/** arn:aws:sts::123:assumed-role/Admin/alice -> assumed-role/Admin/alice */
function shortCaller(arn: string): string {
  return arn.split(':').slice(5).join(':') || arn;
}
