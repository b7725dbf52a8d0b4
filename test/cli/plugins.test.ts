import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';

const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('the built-ins of the CLI', () => {
  it('answers help, help COMMAND, version and --version', async () => {
    const [help, helpDeploy, versionCommand, versionFlag] = await Promise.all([cli(['help']), cli(['help', 'deploy']), cli(['version']), cli(['--version'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^COMMANDS$/m);
    expect(help.stdout).toMatch(/^ {2}deploy +Deploy every stack/m);
    expect(help.stdout).toMatch(/^ {2}autocomplete +/m);
    expect(helpDeploy.code).toBe(0);
    expect(helpDeploy.stdout).toMatch(/^ {2}\$ cafe-ops deploy /m);
    expect(helpDeploy.stdout).toContain('--dry-run');
    for (const result of [versionCommand, versionFlag]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^cafe-ops/${version.replaceAll('.', '\\.')} `));
    }
  }, 120_000);

  it('writes bash and zsh completion that names the commands and their flags', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cafe-completion-'));
    const env = { XDG_CACHE_HOME: cache };
    const [bash, zsh] = [await cli(['autocomplete', 'bash'], { env }), await cli(['autocomplete', 'zsh'], { env })];
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('cafe-ops autocomplete script bash');
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('cafe-ops autocomplete script zsh');
    const bashScript = join(cache, 'cafe-ops/autocomplete/functions/bash/cafe-ops.bash');
    const zshScript = join(cache, 'cafe-ops/autocomplete/functions/zsh/_cafe-ops');
    expect(existsSync(bashScript) && existsSync(zshScript)).toBe(true);
    const bashText = readFileSync(bashScript, 'utf8');
    expect(bashText).toMatch(/^audit:compliance .*--format/m);
    expect(bashText).toMatch(/^deploy .*--dry-run/m);
    execFileSync('bash', ['-n', bashScript]); // valid bash
    expect(readFileSync(zshScript, 'utf8')).toMatch(/^#compdef cafe-ops/);
  }, 120_000);

  it('suggests the closest command for a typo, in one line and under --json', async () => {
    const [plain, json, topic, far] = await Promise.all([cli(['deploi']), cli(['deploi', '--json']), cli(['audit', 'complianse']), cli(['zzz', '--json'])]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/^Error: unknown command "deploi"\n {2}hint: did you mean `cafe-ops deploy`\?/m);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "deploi"', hint: expect.stringMatching(/^did you mean `cafe-ops deploy`\?/) },
    });
    expect(topic.code).toBe(2);
    expect(topic.stderr).toMatch(/hint: did you mean `cafe-ops audit compliance`\?/);
    expect(far.code).toBe(2);
    expect((JSON.parse(far.stdout) as { error: { hint: string } }).error.hint).not.toMatch(/did you mean/);
  }, 120_000);
});
