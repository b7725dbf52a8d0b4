/** The estimate for people: summaries, the shares that matter, and lines with their formulas. */
import type { Output } from '../../ui/output';
import { usd } from '../analysis';
import type { Estimate, EstimateLine } from './estimate';

const TOP_LINES = 15;

function share(p: number | null): string {
  return p === null ? '—' : `${p.toFixed(1)} %`;
}

function sections(e: Estimate) {
  return {
    byStack: {
      headers: ['stack', 'idle', 'at profile', ...e.byRegion.map((r) => `${r.region} at profile`)],
      rows: e.byStack.map((s) => [s.stack, usd(s.idle), usd(s.atProfile), ...e.byRegion.map((r) => (s.regions[r.region] ? usd(s.regions[r.region]!.atProfile) : '—'))]),
    },
    byRegion: { headers: ['region', 'role', 'idle', 'at profile'], rows: e.byRegion.map((r) => [r.region, r.role, usd(r.idle), usd(r.atProfile)]) },
    shares: {
      headers: ['share', 'idle', '% of idle', 'at profile', '% at profile'],
      rows: [
        [`secondary region (${e.secondary.region})`, usd(e.secondary.idle), share(e.secondary.idlePercent), usd(e.secondary.atProfile), share(e.secondary.atProfilePercent)],
        [`NAT (${e.nat.gateways} gateways and their addresses)`, usd(e.nat.idle), share(e.nat.idlePercent), usd(e.nat.atProfile), share(e.nat.atProfilePercent)],
      ],
    },
  };
}

function lineRow(l: EstimateLine): string[] {
  return [l.instance, l.region, `${l.resource} ${l.item}`, usd(l.idle), usd(l.atProfile), l.formula];
}

function chosenLines(e: Estimate, all: boolean): EstimateLine[] {
  return all ? e.lines : [...e.lines].sort((a, b) => b.atProfile - a.atProfile).slice(0, TOP_LINES);
}

function headline(e: Estimate): string {
  const p = e.profile;
  return `Estimated monthly cost of ${e.environment}: ${usd(e.total.idle)} idle, ${usd(e.total.atProfile)} at ${p.ordersPerDay} orders/day (lunch peak ×${p.lunchPeakFactor}), ${p.pageViewsPerDay} page views/day, ${p.dataStoredGb} GB stored`;
}

export function renderEstimate(e: Estimate, out: Output, all: boolean): void {
  const s = sections(e);
  out.info(headline(e));
  out.info(`List prices in USD taken on ${e.prices.takenOn}, ${e.prices.hoursPerMonth} hours a month, no free tier or discounts.`);
  out.info(`Monthly budget ${usd(e.budget.monthly)}: ${e.budget.idlePercent} % idle, ${e.budget.atProfilePercent} % at the profile.`);
  out.info('');
  out.table(s.byStack.headers, s.byStack.rows);
  out.info('');
  out.table(s.byRegion.headers, s.byRegion.rows);
  out.info('');
  out.table(s.shares.headers, s.shares.rows);
  out.info('');
  out.info(all ? `Every line (${e.lines.length}):` : `Largest ${TOP_LINES} of ${e.lines.length} lines (--detail shows all):`);
  out.table(['stack', 'region', 'resource', 'idle', 'at profile', 'formula'], chosenLines(e, all).map(lineRow));
  if (e.unpriced.length) out.warn(`not priced (no pricer for the type): ${e.unpriced.map((u) => `${u.instance}/${u.resource} (${u.type})`).join(', ')}`);
  if (e.budget.status !== 'ok') out.warn(budgetLine(e));
}

/** Says when the estimate does not fit the environment's monthly budget. */
export function budgetLine(e: Estimate): string {
  const { monthly, idlePercent, atProfilePercent, status } = e.budget;
  return status === 'over idle'
    ? `the environment costs more idle (${usd(e.total.idle)}, ${idlePercent} %) than its monthly budget of ${usd(monthly)} in cafe-ops.yml`
    : `at the usage profile the environment costs ${usd(e.total.atProfile)}, ${atProfilePercent} % of its monthly budget of ${usd(monthly)}`;
}

export function estimateMarkdown(e: Estimate, all: boolean): string {
  const s = sections(e);
  const table = (headers: string[], rows: string[][]) =>
    [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
  const lines = chosenLines(e, all);
  return [
    `### ${headline(e)}`,
    '',
    `List prices in USD taken on ${e.prices.takenOn}, ${e.prices.hoursPerMonth} hours a month, no free tier or discounts.`,
    '',
    table(s.shares.headers, s.shares.rows),
    '',
    table(s.byStack.headers, s.byStack.rows),
    '',
    table(s.byRegion.headers, s.byRegion.rows),
    '',
    `<details><summary>${all ? 'Every line' : `Largest ${lines.length} lines`}</summary>`,
    '',
    table(['stack', 'region', 'resource', 'idle', 'at profile', 'formula'], lines.map(lineRow)),
    '',
    '</details>',
    ...(e.unpriced.length ? ['', `> not priced: ${e.unpriced.map((u) => `${u.instance}/${u.resource} (${u.type})`).join(', ')}`] : []),
    '',
  ].join('\n');
}
