import type { ComplianceReport } from '../report';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderText } from './text';

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export function renderReport(report: ComplianceReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
    default:
      return renderText(report);
  }
}
