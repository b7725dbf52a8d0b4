/**
 * JUnit XML for CI test reports: a test suite per rule, a failing test case per open finding, a
 * skipped one per suppressed finding; a suite's properties count its suppressed findings and suppressions.
 */
import { locationOf, resourceOf, type ComplianceReport } from '../report';

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function renderJunit(report: ComplianceReport): string {
  const suites = report.rules.map((rule) => {
    const findings = report.findings.filter((f) => f.rule === rule.id);
    const failures = findings.filter((f) => !f.suppressed).length;
    const skipped = findings.length - failures;
    const name = rule.control && rule.control !== rule.id ? `${rule.id} (${rule.control})` : rule.id;
    const cases =
      findings.length === 0
        ? [`    <testcase classname="${escape(name)}" name="${escape(rule.title)}"/>`]
        : findings.map((f) => {
            const caseName = `${resourceOf(f) || rule.title} @ ${locationOf(f)}`;
            const body = f.suppressed
              ? `<skipped message="${escape(`suppressed: ${f.suppressed.reason}`)}"/>`
              : `<failure type="${f.severity}" message="${escape(f.message)}">${escape([f.message, f.remediation ? `Fix: ${f.remediation}` : ''].filter(Boolean).join('\n'))}</failure>`;
            return `    <testcase classname="${escape(name)}" name="${escape(caseName)}"${f.file ? ` file="${escape(f.file)}"` : ''}>${body}</testcase>`;
          });
    const counts = report.summary.suppressedByRule[rule.id];
    const properties = counts ? `    <properties><property name="suppressed" value="${counts.findings}"/><property name="suppressions" value="${counts.suppressions}"/></properties>\n` : '';
    return `  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0">\n${properties}${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = report.rules.reduce((n, r) => n + Math.max(1, report.findings.filter((f) => f.rule === r.id).length), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cafe-ops audit compliance" tests="${tests}" failures="${report.summary.findings}" skipped="${report.summary.suppressed}" errors="0" timestamp="${report.generatedAt}">\n${suites.join('\n')}\n</testsuites>\n`;
}
