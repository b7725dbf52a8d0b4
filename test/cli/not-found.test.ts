import { isCommandNotFound, suggestCommand, typedCommand, unknownCommand } from '../../src/lib/cli/not-found';

const index = { commandIds: ['deploy', 'destroy', 'audit:compliance', 'cost:report', 'cost:estimate', 'dev', 'dev:token'], topics: ['audit', 'cost', 'dev'] };

describe('unknown commands', () => {
  it('reads the typed command as oclif does with a space as topic separator', () => {
    expect(typedCommand(['deploi', '--json'], index)).toBe('deploi');
    expect(typedCommand(['audit', 'complianse', '--live'], index)).toBe('audit:complianse');
    expect(typedCommand(['cost', 'reprot', 'extra'], index)).toBe('cost:reprot');
    expect(typedCommand(['--json'], index)).toBe('');
  });

  it('suggests the closest command only when it is close enough to be a typo', () => {
    expect(suggestCommand('deploi', index)).toBe('deploy');
    expect(suggestCommand('audit:complianse', index)).toBe('audit:compliance');
    expect(suggestCommand('cost:reprot', index)).toBe('cost:report');
    expect(suggestCommand('zzz', index)).toBeUndefined();
    expect(suggestCommand('kubernetes', index)).toBeUndefined();
  });

  it('is a usage error (exit 2) with the suggestion in the hint', () => {
    const error = unknownCommand(['audit', 'complianse'], index);
    expect({ message: error.message, code: error.code, exit: error.exitCode }).toEqual({ message: 'unknown command "audit complianse"', code: 'UNKNOWN_COMMAND', exit: 2 });
    expect(error.hint).toMatch(/^did you mean `cafe-ops audit compliance`\?/);
  });

  it('calls a word after a command without arguments an unexpected argument, unless it is a typo of a command', () => {
    // oclif lists every command among its topics, so it reads `deploy now` as the command `deploy:now`.
    const withCommands = { ...index, topics: [...index.topics, ...index.commandIds] };
    const extra = unknownCommand(['deploy', 'now', '--json'], withCommands);
    expect({ message: extra.message, code: extra.code, exit: extra.exitCode, hint: extra.hint }).toEqual({
      message: 'Unexpected argument: now',
      code: 'UNEXPECTED_ARGUMENT',
      exit: 2,
      hint: '`cafe-ops deploy` takes no arguments; see `cafe-ops deploy --help`',
    });
    expect(unknownCommand(['dev', 'tokn'], withCommands).hint).toMatch(/^did you mean `cafe-ops dev token`\?/);
  });

  it('says that no command was given when flags come first', () => {
    const error = unknownCommand(['--json'], index);
    expect({ message: error.message, code: error.code, exit: error.exitCode }).toEqual({ message: 'no command given before --json', code: 'MISSING_COMMAND', exit: 2 });
  });

  it('recognises oclif\'s not-found errors, from the plugin (exit 127) and without it', () => {
    expect(isCommandNotFound(Object.assign(new Error('Run cafe-ops help for a list of available commands.'), { oclif: { exit: 127 } }))).toBe(true);
    expect(isCommandNotFound(Object.assign(new Error('command deploi not found'), { oclif: { exit: 2 } }))).toBe(true);
    expect(isCommandNotFound(Object.assign(new Error('Nonexistent flag: --x'), { oclif: { exit: 2 } }))).toBe(false);
    expect(isCommandNotFound(new Error('command deploi not found'))).toBe(false);
  });
});
