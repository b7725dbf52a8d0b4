/** The cost report for people: one terminal screen, Markdown for a pull request, SVG/HTML files. */
import type { Output } from '../ui/output';
import { usd } from './analysis';
import { htmlPage, svgChart, terminalChart } from './chart';
import type { CostReport } from './report';

const TOP_SERVICES = 8;

function pct(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} %`;
}

function signed(amount: number, percentValue: number | null): string {
  const sign = amount > 0 ? '+' : '';
  return `${sign}${usd(amount)}${percentValue === null ? '' : ` (${percentValue > 0 ? '+' : ''}${percentValue.toFixed(0)} %)`}`;
}

function forecastText(report: CostReport): string {
  const f = report.forecast;
  if (!f) return 'no forecast';
  const range = f.low !== null && f.high !== null ? ` (80 % interval ${usd(f.low)}–${usd(f.high)})` : '';
  return `${usd(f.total)}${range}${f.method === 'linear' ? ', linear from the days elapsed' : ''}`;
}

function tables(report: CostReport) {
  return {
    budgets: {
      caption: 'Budgets',
      headers: ['budget', 'limit', 'actual', 'forecast', '% actual', '% forecast', 'status'],
      rows: report.budgets.map((b) => [b.name, usd(b.limit), usd(b.actual), b.forecast === null ? '—' : usd(b.forecast), pct(b.actualPercent), pct(b.forecastPercent), b.status]),
    },
    services: {
      caption: `Top services (change against last month over the same ${report.period.daysElapsed} days)`,
      headers: ['service', 'this month', 'last month', 'change'],
      rows: report.services.slice(0, TOP_SERVICES).map((s) => [s.service, usd(s.monthToDate), usd(s.lastMonth), signed(s.change, s.changePercent)]),
    },
    regions: {
      caption: 'Regions',
      headers: ['region', 'this month', 'share', 'last month'],
      rows: report.regions.map((r) => [r.region, usd(r.monthToDate), pct(r.sharePercent), usd(r.lastMonth)]),
    },
  };
}

function monthsText(report: CostReport): string {
  const current = report.period.monthStart.slice(0, 7);
  return report.months.map((m) => `${m.month} ${usd(m.total)}${m.month === current ? ' (to date)' : ''}`).join(' · ');
}

function spikeLines(report: CostReport): string[] {
  return report.spikes.map((s) => `${s.date}: ${usd(s.amount)} against a typical ${usd(s.baseline)}${s.service ? ` — ${s.service} +${usd(s.serviceIncrease ?? 0)}` : ''}`);
}

function requestLine(report: CostReport): string {
  const r = report.requests;
  return `Cost Explorer: ${r.costExplorerPaid} paid request${r.costExplorerPaid === 1 ? '' : 's'} (${usd(r.costExplorerUsd)}), ${r.costExplorerCached} from cache`;
}

export function renderReport(report: CostReport, out: Output): void {
  const t = tables(report);
  out.info(`Cost of ${report.filter.Project}/${report.environment}${report.filter.Region ? ` in ${report.filter.Region}` : ''} (account ${report.accountId}), ${report.period.monthStart} to ${report.period.through} (${report.period.daysElapsed} of ${report.period.daysInMonth} days), from ${report.source === 'cost-explorer' ? 'Cost Explorer' : 'CloudWatch billing (account-wide)'}`);
  out.info(`Month to date ${usd(report.monthToDate)} · forecast to month end ${forecastText(report)} · last month ${usd(report.lastMonth)}`);
  if (report.months.length > 1) out.info(`Months: ${monthsText(report)}`);
  if (report.cloudWatchEstimate && report.source === 'cost-explorer') out.info(`CloudWatch estimate for the whole account: ${usd(report.cloudWatchEstimate.amount)} (at ${report.cloudWatchEstimate.at})`);
  out.info('');
  out.table(t.budgets.headers, t.budgets.rows);
  if (report.services.length) {
    out.info('');
    out.info(t.services.caption);
    out.table(t.services.headers, t.services.rows);
  }
  if (report.regions.length) {
    out.info('');
    out.table(t.regions.headers, t.regions.rows);
  }
  if (report.daily.length) {
    out.info('');
    out.info(`Daily cost, last ${report.daily.length} days`);
    const spikes = new Set(report.spikes.map((s) => s.date));
    for (const line of terminalChart(report.daily, spikes)) out.info(line);
  }
  for (const line of spikeLines(report)) out.warn(`spike on ${line}`);
  for (const warning of report.warnings) out.warn(warning);
  out.info('');
  out.info(requestLine(report));
  if (report.failOn?.failed) out.warn(`--fail-on ${report.failOn.rule}: ${report.failOn.reason}`);
}

function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number) => String(c).replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function reportMarkdown(report: CostReport): string {
  const t = tables(report);
  const parts = [
    `### Cost of ${report.filter.Project}/${report.environment}: ${usd(report.monthToDate)} this month`,
    '',
    `${report.period.monthStart} to ${report.period.through} (${report.period.daysElapsed} of ${report.period.daysInMonth} days) · forecast to month end **${forecastText(report)}** · last month ${usd(report.lastMonth)}`,
    ...(report.months.length > 1 ? ['', `Months: ${monthsText(report)}`] : []),
    '',
    markdownTable(t.budgets.headers, t.budgets.rows.map((r) => [...r.slice(0, -1), `**${r.at(-1)}**`])),
  ];
  if (report.services.length) parts.push('', `**${t.services.caption}**`, '', markdownTable(t.services.headers, t.services.rows));
  if (report.regions.length) parts.push('', markdownTable(t.regions.headers, t.regions.rows));
  const spikes = spikeLines(report);
  if (spikes.length) parts.push('', '**Unusual days**', '', ...spikes.map((s) => `- ${s}`));
  for (const w of report.warnings) parts.push('', `> ⚠ ${w}`);
  if (report.failOn) parts.push('', `${report.failOn.failed ? '❌' : '✅'} \`--fail-on ${report.failOn.rule}\`: ${report.failOn.reason}`);
  parts.push('', `<sub>${requestLine(report)}</sub>`, '');
  return parts.join('\n');
}

/** The file behind --out: SVG for *.svg, a page with the chart and the tables for *.html. */
export function reportFile(report: CostReport, file: string): string {
  const spikes = new Set(report.spikes.map((s) => s.date));
  const title = `Daily cost of ${report.filter.Project}/${report.environment}`;
  const svg = svgChart(report.daily, spikes, title);
  if (/\.svg$/i.test(file)) return svg;
  const t = tables(report);
  return htmlPage(`Cost of ${report.filter.Project}/${report.environment} — ${report.period.through}`, svg, [t.budgets, t.services, t.regions]);
}
