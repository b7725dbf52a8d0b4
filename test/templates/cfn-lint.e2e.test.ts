import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWithTool, findTool, TOOLS } from '../support/tools';

const run = promisify(execFile);
const root = join(__dirname, '../..');

describeWithTool(TOOLS.cfnLint, 'cfn-lint over every template')('cfn-lint', () => {
  it('finds zero errors and zero warnings in every template', async () => {
    const files = readdirSync(join(root, 'templates')).filter((f) => f.endsWith('.yaml') && f !== 'stacks.yaml').map((f) => join('templates', f));
    expect(files.length).toBe(12);
    const result = await run(findTool(TOOLS.cfnLint.command)!, ['--format', 'parseable', ...files], { cwd: root, timeout: 180_000 }).catch((e: { stdout: string; code: number }) => e);
    expect(result.stdout.trim()).toBe('');
  }, 200_000);
});
