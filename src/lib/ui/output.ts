import { styleText } from 'node:util';
import { ConfirmationNeeded } from '../errors';
import { renderTable, terminalWidth } from './table';

export { renderTable } from './table';

/**
 * The one output sink engines write to. People get progress and tables on stderr/stdout; under
 * `--json` everything but the final result is silent, so stdout holds one JSON document.
 */
export interface Output {
  readonly json: boolean;
  /** The terminal progress goes to, when it is one and not under --json: where a live view may draw. */
  readonly terminal?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** A line for people (stdout). */
  info(message: string): void;
  /** A warning for people (stderr), kept under --json too so CI logs show it. */
  warn(message: string): void;
  /** A progress line (stderr) that never mixes with results. */
  progress(message: string): void;
  /** A table for people. */
  table(headers: string[], rows: (string | number)[][]): void;
  /**
   * Asks a yes/no question. Never prompts when stdin is not a terminal: answers `assumeYes`
   * (from --yes) or refuses with a clear error.
   */
  confirm(question: string, options?: { assumeYes?: boolean; default?: boolean }): Promise<boolean>;
  /** Asks for a typed answer (e.g. the environment name before a destroy); refuses without a terminal. */
  ask(question: string): Promise<string>;
}

export interface OutputOptions {
  json?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  interactive?: boolean;
  color?: boolean;
  /** Injected prompt, for tests; the real one is inquirer's confirm. */
  prompt?: (question: string, defaultAnswer: boolean) => Promise<boolean>;
  /** Injected typed-input prompt, for tests; the real one is inquirer's input. */
  input?: (question: string) => Promise<string>;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

export function createOutput(options: OutputOptions = {}): Output & { style(text: string, ...styles: Style[]): string } {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const json = options.json ?? false;
  const interactive = options.interactive ?? Boolean(process.stdin.isTTY && (stdout as NodeJS.WriteStream).isTTY);
  const color = options.color ?? Boolean((stderr as NodeJS.WriteStream).isTTY && !process.env.NO_COLOR);
  const style = (text: string, ...styles: Style[]) => (color && styles.length ? styleText(styles, text) : text);
  const terminal = (stderr as NodeJS.WriteStream).isTTY && !json ? { terminal: stderr as NodeJS.WriteStream } : {};
  return {
    json,
    ...terminal,
    style,
    info: (message) => {
      if (!json) stdout.write(`${message}\n`);
    },
    warn: (message) => {
      stderr.write(`${style('warning', 'yellow')}: ${message}\n`);
    },
    progress: (message) => {
      if (!json) stderr.write(`${message}\n`);
    },
    table: (headers, rows) => {
      if (!json) stdout.write(renderTable(headers, rows, { width: terminalWidth(stdout as NodeJS.WriteStream) }));
    },
    confirm: async (question, { assumeYes = false, default: defaultAnswer = false } = {}) => {
      if (assumeYes) return true;
      if (!interactive || json) {
        throw new ConfirmationNeeded(question, 'stdin is not a terminal; rerun with --yes to proceed without a prompt');
      }
      const ask = options.prompt ?? inquirerConfirm;
      return ask(question, defaultAnswer);
    },
    ask: async (question) => {
      if (!interactive || json) throw new ConfirmationNeeded(question, 'stdin is not a terminal; see the command\'s flags to answer without a prompt');
      return (options.input ?? inquirerInput)(question);
    },
  };
}

async function inquirerInput(question: string): Promise<string> {
  const { default: inquirer } = await import('inquirer');
  const answer = await inquirer.prompt<{ text: string }>([{ type: 'input', name: 'text', message: question }]);
  return answer.text;
}

async function inquirerConfirm(question: string, defaultAnswer: boolean): Promise<boolean> {
  const { default: inquirer } = await import('inquirer');
  const answer = await inquirer.prompt<{ ok: boolean }>([{ type: 'confirm', name: 'ok', message: question, default: defaultAnswer }]);
  return answer.ok;
}
