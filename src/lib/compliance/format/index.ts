import type { ComplianceReport } from '../report';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderText } from './text';

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export interface RenderOptions {
  /** Table and Markdown: list every suppressed finding with its reason (the per-rule counts are always there). */
  showSuppressed?: boolean;
  /** SARIF: the tool's documentation (rules without an AWS page link there). */
  informationUri?: string;
}

export function renderReport(report: ComplianceReport, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return renderSarif(report, options.informationUri ? { informationUri: options.informationUri } : {});
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report, options);
    default:
      return renderText(report, options);
  }
}
