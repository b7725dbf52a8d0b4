/** The static audit with the real cfn-lint merged in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/lib/stacks/catalog';
import { auditCatalog } from '../../src/lib/compliance/static';
import { describeWithTool, findTool, TOOLS } from '../support/tools';

describeWithTool(TOOLS.cfnLint, 'the compliance audit with the real cfn-lint')('audit compliance with the real cfn-lint', () => {
  const cfnLint = () => findTool(TOOLS.cfnLint.command)!;

  it('merges cfn-lint findings with the logical id of their resource, and honours a suppression with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-audit-lint-'));
    writeFileSync(join(dir, 'stacks.yaml'), 'stacks:\n  main:\n    template: main.yaml\n    regions: [primary, secondary]\n');
    const template = (metadata: string) =>
      `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n${metadata}    Properties:\n      TopicName: t\n      NoSuchProperty: 1\n`;
    writeFileSync(join(dir, 'main.yaml'), template(''));
    const catalog = await loadCatalog(join(dir, 'stacks.yaml'));
    const result = await auditCatalog(catalog, { cfnLintCommand: cfnLint(), cfnLintCache: false, only: ['S3.9'] });
    expect(result.cfnLint).toBe('ran');
    const lint = result.findings.filter((f) => f.source === 'cfn-lint');
    expect(lint).toEqual([expect.objectContaining({ severity: 'high', line: 7, logicalId: 'Topic', resourceType: 'AWS::SNS::Topic' })]);
    const rule = lint[0]!.rule;
    expect(rule).toMatch(/^E\d{4}$/);

    // cfn-lint reports the key path of what it found; the suppression names it.
    expect(lint[0]!.path).toBe('Properties.NoSuchProperty');
    writeFileSync(join(dir, 'main.yaml'), template(`    Metadata:\n      cafe-ops:\n        suppress:\n          - rule: ${rule}\n            path: Properties.NoSuchProperty\n            reason: Kept on purpose to prove that cfn-lint findings can be suppressed.\n`));
    const suppressed = await auditCatalog(catalog, { cfnLintCommand: cfnLint(), cfnLintCache: false, only: ['S3.9'] });
    expect(suppressed.findings.filter((f) => f.source === 'cfn-lint').map((f) => [f.rule, f.suppressed?.reason])).toEqual([[rule, 'Kept on purpose to prove that cfn-lint findings can be suppressed.']]);
  }, 120_000);

  it('finds nothing more in the real templates than the static rules do', async () => {
    const catalog = await loadCatalog('templates/stacks.yaml');
    const result = await auditCatalog(catalog, { cfnLintCommand: cfnLint(), cfnLintCache: false });
    expect(result.cfnLint).toBe('ran');
    expect(result.findings.filter((f) => f.source === 'cfn-lint' && !f.suppressed).map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual([]);
  }, 120_000);
});
